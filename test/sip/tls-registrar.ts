// A minimal registrar on a Node TLS server (or a plain TCP server that does not speak TLS) for
// the certificate and reconnect cases: it records which REGISTERs arrived on which connection
// and answers each with 200 OK. Kamailio covers the real-registrar cases (tls-kamailio.test.ts).
import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import { SipStreamFramer } from '../../src-main/core/sip/framing';
import { parseRaw, responseTo, type RawMessage } from './raw-peer';
import type { IssuedCert } from './certs';

export interface TlsRegistrar {
  port: number;
  uri: string;
  /** TLS connections that completed the handshake. */
  sockets: tls.TLSSocket[];
  /** SNI names the clients sent (undefined when none). */
  servernames: Array<string | undefined>;
  registers: Array<{ msg: RawMessage; socket: tls.TLSSocket }>;
  /** Resolves once `n` REGISTERs have arrived. */
  registerCount(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `n` TLS connections completed the handshake on the server side. */
  connectionCount(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTlsRegistrar(cert: IssuedCert): Promise<TlsRegistrar> {
  const sockets: tls.TLSSocket[] = [];
  const servernames: Array<string | undefined> = [];
  const registers: TlsRegistrar['registers'] = [];
  const waiters = new Set<() => void>();
  const server = tls.createServer({ cert: fs.readFileSync(cert.certFile), key: fs.readFileSync(cert.keyFile) }, (socket) => {
    sockets.push(socket);
    servernames.push((socket as tls.TLSSocket & { servername?: string | false }).servername || undefined);
    for (const w of [...waiters]) w();
    const framer = new SipStreamFramer();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const item of framer.push(chunk)) {
        if (item.type === 'ping') socket.write('\r\n');
        if (item.type !== 'message') continue;
        const msg = parseRaw(item.text, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
        if (msg.method !== 'REGISTER') continue;
        registers.push({ msg, socket });
        const contact = msg.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
        const expires = /expires[=:]\s*0\b/i.test(msg.text) ? 0 : 600;
        socket.write(responseTo(msg, 200, 'OK', { toTag: 'r', contact: `${contact};expires=${expires}` }));
        for (const w of [...waiters]) w();
      }
    });
  });
  // Clients that reject our certificate abort the handshake: not an error for the test server.
  server.on('tlsClientError', () => undefined);
  const until = (done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> =>
    new Promise((resolve, reject) => {
      if (done()) return resolve();
      const t = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const w = (): void => {
        if (!done()) return;
        clearTimeout(t);
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    uri: `sip:127.0.0.1:${port};transport=tls`,
    sockets,
    servernames,
    registers,
    registerCount: (n, timeoutMs) => until(() => registers.length >= n, `${n} REGISTERs (got ${registers.length})`, timeoutMs),
    connectionCount: (n, timeoutMs) => until(() => sockets.length >= n, `${n} TLS connections (got ${sockets.length})`, timeoutMs),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
