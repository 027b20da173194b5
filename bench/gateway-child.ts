// Child process of bench/gateway-relay.ts: runs either the media gateway or a plain UDP relay
// (the baseline), so the CPU and memory it reports are the relay's own. Driven over IPC.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createMediaGateway } from '../src-main/core/gateway';
import type { CallMedia } from '../src-main/core/gateway/types';
import { nullLogger } from '../src-main/core/log/logger';

type Msg =
  | { t: 'desc'; d: { type: 'offer' | 'answer'; sdp: string } }
  | { t: 'call'; id: string; farRtpPort: number; rendererPort?: number }
  | { t: 'cpu-start' }
  | { t: 'cpu-stop' }
  | { t: 'exit' };

const mode = process.env.BENCH_MODE === 'baseline' ? 'baseline' : 'gateway';
const send = (m: unknown): void => void process.send?.(m);
const base = 20000 + 2 * Math.floor(Math.random() * 15000);
const gw = mode === 'gateway' ? createMediaGateway({ localAddress: '127.0.0.1', rtpPortMin: base, rtpPortMax: base + 199 }, nullLogger) : undefined;
gw?.on('description', (d) => send({ t: 'desc', d }));
gw?.on('rtcState', (s) => send({ t: 'rtc', s }));
const calls: CallMedia[] = [];
const sockets: dgram.Socket[] = [];
let cpu0 = process.cpuUsage();
let wall0 = performance.now();

async function udp(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  sockets.push(s);
  return s;
}

process.on('message', (raw) => {
  const m = raw as Msg;
  void (async () => {
    switch (m.t) {
      case 'desc':
        await gw?.handleRendererDescription(m.d);
        break;
      case 'call':
        if (gw) {
          const call = await gw.createCallMedia(m.id);
          calls.push(call);
          call.on('rendererReady', (mid) => send({ t: 'ready', id: m.id, mid, rtpPort: call.rtpPort }));
          call.applyNegotiation({
            remoteAddress: '127.0.0.1',
            remoteRtpPort: m.farRtpPort,
            remoteRtcpPort: m.farRtpPort + 1,
            codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
            direction: 'sendrecv',
          });
          call.setRelaying(true);
        } else {
          // Baseline: the cheapest possible relay, one socket per side, no parsing.
          const sipSide = await udp();
          const rendererSide = await udp();
          sipSide.on('message', (msg) => rendererSide.send(msg, m.rendererPort!, '127.0.0.1'));
          rendererSide.on('message', (msg) => sipSide.send(msg, m.farRtpPort, '127.0.0.1'));
          send({ t: 'ready', id: m.id, rtpPort: sipSide.address().port, rendererSidePort: rendererSide.address().port });
        }
        break;
      case 'cpu-start':
        cpu0 = process.cpuUsage();
        wall0 = performance.now();
        break;
      case 'cpu-stop': {
        const cpu = process.cpuUsage(cpu0);
        const wallMs = performance.now() - wall0;
        send({ t: 'cpu', cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100, rssMb: process.memoryUsage().rss / 1048576 });
        break;
      }
      case 'exit':
        for (const c of calls) c.dispose();
        for (const s of sockets) s.close();
        await gw?.dispose();
        process.exit(0);
    }
  })().catch((error: unknown) => send({ t: 'error', message: String(error) }));
});
send({ t: 'up' });
