// Bench: per-packet latency added by the media gateway (SIP RTP <-> werift SRTP), p50/p99, at
// 1 and 20 concurrent relayed calls, with the gateway's CPU % and RSS. Baseline in the same
// run: a plain Node UDP relay over the same loopback path. Run: npx vite-node bench/gateway-relay.ts
// The gateway runs in a child process so its CPU/RSS are its own; the "renderer" (a werift
// peer connection, as in the tests) and the far ends run here.
import { fork, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FakeRenderer } from '../test/gateway/fake-renderer';
import { buildRtp, parseRtp } from '../src-main/core/gateway/rtp';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const PTIME = 20;

interface Scenario {
  mode: 'baseline' | 'gateway';
  calls: number;
}

interface Result {
  mode: string;
  calls: number;
  packets: { fromSip: number; toSip: number; sent: number };
  latencyMs: { fromSip: { p50: number; p99: number }; toSip: { p50: number; p99: number } };
  cpuPercent: number;
  rssMb: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 1000) / 1000;
}

class Child {
  readonly proc: ChildProcess;
  readonly #waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  onMessage: (m: Record<string, unknown>) => void = () => undefined;

  constructor(mode: string) {
    this.proc = fork(join(here, '../node_modules/vite-node/vite-node.mjs'), [join(here, 'gateway-child.ts')], {
      env: { ...process.env, BENCH_MODE: mode },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (raw) => {
      const m = raw as Record<string, unknown>;
      this.onMessage(m);
      for (const w of [...this.#waiters]) {
        if (w.pred(m)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
  }

  send(m: unknown): void {
    this.proc.send(m as object);
  }

  wait(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }
}

async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

async function run({ mode, calls }: Scenario): Promise<Result> {
  const child = new Child(mode);
  await child.wait((m) => m.t === 'up');
  const sendTimes = new Map<number, number>();
  const lat = { fromSip: [] as number[], toSip: [] as number[] };
  const onArrive = (dir: 'fromSip' | 'toSip', payload: Buffer): void => {
    if (payload.length < 4) return;
    const t0 = sendTimes.get(payload.readUInt32BE(0));
    if (t0 !== undefined) lat[dir].push(performance.now() - t0);
  };

  let renderer: FakeRenderer | undefined;
  const rendererSockets: dgram.Socket[] = [];
  if (mode === 'gateway') {
    renderer = new FakeRenderer((d) => child.send({ t: 'desc', d }));
    child.onMessage = (m) => {
      if (m.t === 'desc') void renderer!.handle(m.d as { type: 'offer' | 'answer'; sdp: string });
    };
    const connected = child.wait((m) => m.t === 'rtc' && m.s === 'connected');
    await renderer.start();
    await connected;
    renderer.onRtp((_mid, p) => onArrive('fromSip', p.payload));
  }

  const legs: { far: dgram.Socket; rtpPort: number; mid?: string; rendererSock?: dgram.Socket; rendererSidePort?: number }[] = [];
  for (let i = 0; i < calls; i++) {
    const far = await udp();
    far.on('message', (msg) => {
      const v = parseRtp(msg);
      if (v) onArrive('toSip', Buffer.from(v.payload));
    });
    let rendererSock: dgram.Socket | undefined;
    if (mode === 'baseline') {
      rendererSock = await udp();
      rendererSockets.push(rendererSock);
      rendererSock.on('message', (msg) => {
        const v = parseRtp(msg);
        if (v) onArrive('fromSip', Buffer.from(v.payload));
      });
    }
    const ready = child.wait((m) => m.t === 'ready' && m.id === `c${i}`);
    child.send({ t: 'call', id: `c${i}`, farRtpPort: far.address().port, rendererPort: rendererSock?.address().port });
    const r = await ready;
    legs.push({ far, rtpPort: r.rtpPort as number, mid: r.mid as string | undefined, rendererSock, rendererSidePort: r.rendererSidePort as number | undefined });
  }

  // Traffic: every call sends one 20 ms PCMU packet each way per tick.
  let id = 0;
  let seq = 0;
  child.send({ t: 'cpu-start' });
  const ticks = Math.round((SECONDS * 1000) / PTIME);
  const payload = Buffer.alloc(160, 0x55);
  await new Promise<void>((resolve) => {
    let tick = 0;
    const timer = setInterval(() => {
      if (tick++ >= ticks) {
        clearInterval(timer);
        resolve();
        return;
      }
      seq++;
      for (const leg of legs) {
        const a = id++;
        payload.writeUInt32BE(a, 0);
        sendTimes.set(a, performance.now());
        leg.far.send(buildRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 1 }, payload), leg.rtpPort, '127.0.0.1');
        const b = id++;
        const p2 = Buffer.from(payload);
        p2.writeUInt32BE(b, 0);
        sendTimes.set(b, performance.now());
        if (mode === 'gateway') renderer!.sendRtp(leg.mid!, p2);
        else leg.rendererSock!.send(buildRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 2 }, p2), leg.rendererSidePort!, '127.0.0.1');
      }
    }, PTIME);
  });
  const cpuMsg = child.wait((m) => m.t === 'cpu');
  child.send({ t: 'cpu-stop' });
  const cpu = await cpuMsg;
  // let in-flight packets land (bounded by one packet time)
  await new Promise((r) => setTimeout(r, 100));
  child.send({ t: 'exit' });
  await once(child.proc, 'exit');
  for (const leg of legs) leg.far.close();
  for (const s of rendererSockets) s.close();
  await renderer?.close();
  return {
    mode,
    calls,
    packets: { sent: id, fromSip: lat.fromSip.length, toSip: lat.toSip.length },
    latencyMs: {
      fromSip: { p50: percentile(lat.fromSip, 50), p99: percentile(lat.fromSip, 99) },
      toSip: { p50: percentile(lat.toSip, 50), p99: percentile(lat.toSip, 99) },
    },
    cpuPercent: Math.round((cpu.cpuPercent as number) * 10) / 10,
    rssMb: Math.round((cpu.rssMb as number) * 10) / 10,
  };
}

const results: Result[] = [];
for (const calls of [1, 20]) {
  for (const mode of ['baseline', 'gateway'] as const) results.push(await run({ mode, calls }));
}
const by = (mode: string, calls: number): Result => results.find((r) => r.mode === mode && r.calls === calls)!;
const ratio = (calls: number): Record<string, number> => {
  const g = by('gateway', calls);
  const b = by('baseline', calls);
  return {
    fromSipP50: Math.round((g.latencyMs.fromSip.p50 / b.latencyMs.fromSip.p50) * 10) / 10,
    toSipP50: Math.round((g.latencyMs.toSip.p50 / b.latencyMs.toSip.p50) * 10) / 10,
    cpu: Math.round((g.cpuPercent / Math.max(0.1, b.cpuPercent)) * 10) / 10,
  };
};
console.log(JSON.stringify({ bench: 'gateway-relay', seconds: SECONDS, ptimeMs: PTIME, results, ratioVsBaseline: { calls1: ratio(1), calls20: ratio(20) } }, null, 2));
const g1 = by('gateway', 1);
const g20 = by('gateway', 20);
const b20 = by('baseline', 20);
console.log(
  `gateway-relay: 1 call p50 ${g1.latencyMs.fromSip.p50}/${g1.latencyMs.toSip.p50} ms (fromSip/toSip); ` +
    `20 calls p50 ${g20.latencyMs.fromSip.p50}/${g20.latencyMs.toSip.p50} p99 ${g20.latencyMs.fromSip.p99}/${g20.latencyMs.toSip.p99} ms, ` +
    `CPU ${g20.cpuPercent}% (baseline ${b20.cpuPercent}%), RSS ${g20.rssMb} MB; ` +
    `received ${g20.packets.fromSip + g20.packets.toSip}/${g20.packets.sent}`,
);
process.exit(0);
