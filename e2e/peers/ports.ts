// Free loopback ports for test peers. Several people run tests on one machine at once, so no
// test may use a fixed port: we let the kernel pick (bind port 0) and check the same number is
// also free for the other protocol, because SIP servers listen on UDP and TCP with one port.
import dgram from 'node:dgram';
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

export interface FreePortOptions {
  /** Also require the port to be free for UDP (default true). */
  udp?: boolean;
  /** Also require the port to be free for TCP (default true). */
  tcp?: boolean;
  /** Only even ports whose successor is free too (RTP/RTCP pairs). Default false. */
  rtpPair?: boolean;
}

type Held = { close(): void };

function bindUdp(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket({ type: 'udp4' });
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.bind({ port, address: LOOPBACK, exclusive: true }, () => resolve(s));
  });
}

function bindTcp(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ port, host: LOOPBACK, exclusive: true }, () => resolve(s));
  });
}

function portOf(s: dgram.Socket | net.Server): number {
  const a = s.address();
  if (typeof a === 'string' || a === null) throw new Error('unexpected address');
  return a.port;
}

/**
 * Returns `n` distinct ports on 127.0.0.1 free (at the time of the call) for UDP and/or TCP.
 * All candidates are held open until the set is complete so the same call never returns one twice.
 */
export async function findFreePorts(n: number, options: FreePortOptions = {}): Promise<number[]> {
  const wantUdp = options.udp ?? true;
  const wantTcp = options.tcp ?? true;
  const held: Held[] = [];
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < n && attempt < n * 50; attempt++) {
      // The kernel picks a port for the first protocol; the others must accept the same number.
      const first = wantTcp ? await bindTcp(0) : await bindUdp(0);
      if (!first) continue;
      held.push(first as Held);
      const port = portOf(first);
      if (options.rtpPair && port % 2 !== 0) continue;
      const extra: Held[] = [];
      let ok = true;
      if (wantTcp && wantUdp) {
        const u = await bindUdp(port);
        if (u) extra.push(u);
        else ok = false;
      }
      if (ok && options.rtpPair) {
        const u2 = await bindUdp(port + 1);
        if (u2) extra.push(u2);
        else ok = false;
        if (ok && wantTcp) {
          const t2 = await bindTcp(port + 1);
          if (t2) extra.push(t2);
          else ok = false;
        }
      }
      held.push(...extra);
      if (ok) ports.push(port);
    }
  } finally {
    for (const h of held) h.close();
  }
  if (ports.length < n) throw new Error(`findFreePorts: could only find ${ports.length} of ${n} free ports on ${LOOPBACK}`);
  return ports;
}

export async function findFreePort(options: FreePortOptions = {}): Promise<number> {
  const [port] = await findFreePorts(1, options);
  return port!;
}
