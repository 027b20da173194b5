// Where should the Electron shell host the core: in the main process or in a utilityProcess?
// Electron's main process also runs the window/tray/menu/IPC event loop, so what matters is
// how long the core's work blocks an event loop. This measures exactly that, in plain Node:
// the process under test hosts the real media gateway (werift DTLS-SRTP leg + RTP leg) and
// relays N calls both ways at 50 packets/s per direction; the "renderer" (a werift peer) and
// the SIP far ends run in a separate child process so their cost is not counted.
// Baseline in the same run: the same process with the renderer connected and no call.
//
//   npx vite-node bench/core-event-loop.ts [-- --calls 20 --seconds 10]
//
// Prints one JSON object and a one-line summary.
//
// Results on the 2-core dev machine (Node 20.20, shared with other test runs, so the idle
// baseline itself is noisy; numbers are lag beyond the 5 ms sampling interval):
//   load avg ~4:  20 calls p99 7.0 ms / max 76 ms, CPU 11.9 %  (idle p99 7.8 ms / max 30 ms)
//   load avg ~8:  20 calls p99 41.6 ms / max 170 ms, CPU 13.6 % (idle p99 22 ms / max 139 ms)
//                  1 call  p99 19 ms / max 114 ms,  CPU 3.9 %  (idle p99 20 ms / max 101 ms)
// Reading: relaying costs ~0.6 % of a core per call and does not move the median; what it adds
// is longer worst-case stalls (+45 ms max at 20 calls, p99 doubling under contention).
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { nullLogger } from '../src-main/core/log/logger';
import { createMediaGateway } from '../src-main/core/gateway';
import type { CallMedia } from '../src-main/core/gateway/types';
import { FakeRenderer } from '../test/gateway/fake-renderer';
import { FarEnd } from '../test/gateway/far-end';
import { randomPortRange } from '../test/gateway/helpers';

type ToPeer =
  | { kind: 'description'; d: { type: 'offer' | 'answer'; sdp: string } }
  | { kind: 'call'; id: string; rtpPort: number }
  | { kind: 'mid'; id: string; mid: string }
  | { kind: 'pump' }
  | { kind: 'stop' };
type FromPeer =
  | { kind: 'description'; d: { type: 'offer' | 'answer'; sdp: string } }
  | { kind: 'farEnd'; id: string; rtpPort: number; rtcpPort: number }
  | { kind: 'stopped'; receivedAtFarEnds: number; receivedAtRenderer: number };

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

// ---------------------------------------------------------------- peer process (renderer + far ends)
async function runPeer(): Promise<void> {
  const send = (m: FromPeer): void => void process.send!(m);
  const renderer = new FakeRenderer((d) => send({ kind: 'description', d }));
  const calls = new Map<string, { far: FarEnd; gatewayPort: number; mid?: string }>();
  let pump: NodeJS.Timeout | undefined;
  let sends = 0;
  let toFar = 0;
  let toRenderer = 0;
  renderer.onRtp(() => toRenderer++);
  process.on('message', (m: ToPeer) => {
    void (async () => {
      switch (m.kind) {
        case 'description':
          await renderer.handle(m.d);
          break;
        case 'call': {
          const far = await new FarEnd().open();
          far.rtp.on('message', () => toFar++);
          calls.set(m.id, { far, gatewayPort: m.rtpPort });
          send({ kind: 'farEnd', id: m.id, rtpPort: far.rtpPort, rtcpPort: far.rtcpPort });
          break;
        }
        case 'mid':
          calls.get(m.id)!.mid = m.mid;
          break;
        case 'pump': {
          const payload = Buffer.alloc(160, 0x55);
          // 20 ms ptime; bounded: stops by itself after 10 minutes of packets.
          pump = setInterval(() => {
            if (++sends > 30_000) clearInterval(pump);
            for (const c of calls.values()) {
              c.far.send(c.gatewayPort, payload);
              if (c.mid) renderer.sendRtp(c.mid, payload);
            }
          }, 20);
          break;
        }
        case 'stop':
          clearInterval(pump);
          for (const c of calls.values()) c.far.close();
          await renderer.close();
          send({ kind: 'stopped', receivedAtFarEnds: toFar, receivedAtRenderer: toRenderer });
          process.exit(0);
      }
    })().catch((err: unknown) => {
      process.stderr.write(`peer: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
  });
  await renderer.start();
}

// ---------------------------------------------------------------- measured process (the core's gateway)
interface LoopStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  cpuPercent: number;
}

async function measure(seconds: number): Promise<LoopStats> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  h.enable();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  h.disable();
  const cpu = process.cpuUsage(cpu0);
  const wallUs = (performance.now() - t0) * 1000;
  // The histogram includes the sampling resolution itself; subtract it to report the lag.
  const ms = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - 5) * 100) / 100);
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean), cpuPercent: Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 };
}

function nextMessage<K extends FromPeer['kind']>(child: ChildProcess, kind: K, match: (m: Extract<FromPeer, { kind: K }>) => boolean = () => true): Promise<Extract<FromPeer, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromPeer): void => {
      if (m.kind === kind && match(m as Extract<FromPeer, { kind: K }>)) {
        child.off('message', onMessage);
        resolve(m as Extract<FromPeer, { kind: K }>);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`peer process exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const callCount = arg('calls', 20);
  const seconds = arg('seconds', 10);
  const require = createRequire(import.meta.url);
  const viteNode = require.resolve('vite-node/vite-node.mjs');
  const child = fork(viteNode, [fileURLToPath(import.meta.url), '--peer'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const toPeer = (m: ToPeer): void => void child.send(m);

  const gw = createMediaGateway({ localAddress: '127.0.0.1', ...randomPortRange(callCount * 2 + 20) }, nullLogger);
  gw.on('description', (d) => toPeer({ kind: 'description', d }));
  child.on('message', (m: FromPeer) => {
    if (m.kind === 'description') void gw.handleRendererDescription(m.d).catch((err: unknown) => process.stderr.write(`gateway: ${String(err)}\n`));
  });
  await new Promise<void>((resolve) => gw.on('rtcState', (s) => s === 'connected' && resolve()));

  const idle = await measure(Math.max(3, Math.round(seconds / 2)));

  const calls: CallMedia[] = [];
  for (let i = 0; i < callCount; i++) {
    const id = `bench-${i}`;
    const call = await gw.createCallMedia(id);
    calls.push(call);
    const farEnd = nextMessage(child, 'farEnd', (m) => m.id === id);
    toPeer({ kind: 'call', id, rtpPort: call.rtpPort });
    const far = await farEnd;
    const ready = new Promise<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation({
      remoteAddress: '127.0.0.1',
      remoteRtpPort: far.rtpPort,
      remoteRtcpPort: far.rtcpPort,
      codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
      direction: 'sendrecv',
    });
    call.setRelaying(true);
    toPeer({ kind: 'mid', id, mid: await ready });
  }
  toPeer({ kind: 'pump' });
  await new Promise((r) => setTimeout(r, 1000)); // warm-up: JIT, first SRTP contexts
  const loaded = await measure(seconds);
  const stopped = nextMessage(child, 'stopped');
  toPeer({ kind: 'stop' });
  const peer = await stopped;
  const relayed = calls.reduce((n, c) => {
    const s = c.stats();
    return n + s.fromSip.packets + s.toSip.packets;
  }, 0);
  for (const c of calls) c.dispose();
  await gw.dispose();

  const result = {
    bench: 'core-event-loop',
    node: process.versions.node,
    cpus: (await import('node:os')).cpus().length,
    calls: callCount,
    packetsPerSecondRelayed: callCount * 100,
    idle,
    loaded,
    relayedPackets: relayed,
    receivedAtFarEnds: peer.receivedAtFarEnds,
    receivedAtRenderer: peer.receivedAtRenderer,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `core-event-loop: ${callCount} relayed calls -> event-loop lag p99 ${loaded.p99Ms} ms / max ${loaded.maxMs} ms, CPU ${loaded.cpuPercent}% (idle baseline p99 ${idle.p99Ms} ms / max ${idle.maxMs} ms, CPU ${idle.cpuPercent}%)\n`,
  );
}

if (process.argv.includes('--peer')) {
  void runPeer();
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`core-event-loop failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
