// Stream transports (TCP, TLS) closed while a connection is still being opened: the attempt is
// abandoned, the proxy sees the connection go away, and nothing connects later behind the
// owner's back (no socket, keepalive or Contact port update on a stopped account).
import net from 'node:net';
import { TransportState } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { nullLogger } from '../../src-main/core/log/logger';
import { TcpTransport } from '../../src-main/core/sip/transport/tcp';
import { TlsTransport } from '../../src-main/core/sip/transport/tls';

let server: net.Server | undefined;
/** Everything the test opened, so a failing test does not leave connections behind either. */
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A TCP listener that accepts and never says anything (no SIP, no TLS handshake). */
async function silentServer(): Promise<{ port: number; accepted: net.Socket[]; nextConnection(): Promise<net.Socket> }> {
  const accepted: net.Socket[] = [];
  const waiters: Array<(s: net.Socket) => void> = [];
  server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    cleanup.push(() => socket.destroy());
    accepted.push(socket);
    for (const w of waiters.splice(0)) w(socket);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    nextConnection: () => new Promise((resolve) => (accepted.length ? resolve(accepted[accepted.length - 1]!) : waiters.push(resolve))),
  };
}

function closed(socket: net.Socket, timeoutMs = 3000): Promise<void> {
  if (socket.destroyed || socket.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the connection was never closed')), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('stream transport closed while connecting', () => {
  it('issue: disconnect() during an in-progress TCP connect leaves no connection, keepalive or port update behind', async () => {
    const srv = await silentServer();
    const ports: number[] = [];
    const t = new TcpTransport(undefined, { localAddress: '127.0.0.1', remote: { host: '127.0.0.1', port: srv.port }, log: nullLogger, keepaliveMs: 20, onLocalPort: (p: number) => ports.push(p) });
    cleanup.push(() => t.dispose());
    const connecting = t.connect();
    const outcome = connecting.then(
      () => 'connected',
      (error: Error) => error.message,
    );
    await t.disconnect(); // e.g. the account stopped while a (re)connect was in flight
    expect(await outcome).toMatch(/abandoned: the transport was closed while connecting/);
    expect(t.state).toBe(TransportState.Disconnected);
    expect(t.isConnected()).toBe(false);
    expect(ports).toEqual([]);
    // Whatever the server accepted (the attempt may be aborted before or after the handshake) is closed again.
    await Promise.all(srv.accepted.map((s) => closed(s)));
    expect(await new Promise<number>((r) => server!.getConnections((_e, n) => r(n)))).toBe(0);
  });

  it('issue: disconnect() while the TLS handshake is pending closes the connection the proxy accepted', async () => {
    const srv = await silentServer();
    const ports: number[] = [];
    const t = new TlsTransport(undefined, { localAddress: '127.0.0.1', remote: { host: '127.0.0.1', port: srv.port }, log: nullLogger, onLocalPort: (p: number) => ports.push(p) });
    cleanup.push(() => t.dispose());
    const outcome = t.connect().then(
      () => 'connected',
      (error: Error) => error.message,
    );
    // The TCP connection is up; the handshake never completes (the server stays silent).
    const accepted = await srv.nextConnection();
    expect(t.state).toBe(TransportState.Connecting);
    await t.disconnect();
    await closed(accepted);
    expect(await outcome).toMatch(/abandoned: the transport was closed while connecting/);
    expect(t.state).toBe(TransportState.Disconnected);
    expect(ports).toEqual([]);
  });
});
