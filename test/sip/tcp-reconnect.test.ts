// TCP: a lost connection is re-opened from a new local port, and the account registers that
// port again (Via and Contact carry the new one).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SipStreamFramer } from '../../src-main/core/sip/framing';
import { parseRaw, responseTo, type RawMessage } from './raw-peer';
import { makeAccount, profileFor, type TestAccount } from './helpers';
import { SipNotStartedError } from '../../src-main/core/sip';

/** A TCP registrar answering every REGISTER with 200 (binding for 600 s). */
function tcpRegistrar(): net.Server {
  return net.createServer((socket) => {
    const framer = new SipStreamFramer();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const item of framer.push(chunk)) {
        if (item.type !== 'message') continue;
        const msg = parseRaw(item.text, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
        if (msg.method !== 'REGISTER') continue;
        const contact = msg.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
        socket.write(responseTo(msg, 200, 'OK', { toTag: 'r', contact: `${contact};expires=600` }));
      }
    });
  });
}

/** A loopback TCP port nobody listens on (for now). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

let server: net.Server | undefined;
let agent: TestAccount | undefined;

afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('TCP transport', () => {
  it('reconnects after the server drops the connection and re-REGISTERs from the new port', async () => {
    const sockets: net.Socket[] = [];
    const registers: Array<{ msg: RawMessage; socket: net.Socket }> = [];
    const waiters = new Set<() => void>();
    server = net.createServer((socket) => {
      sockets.push(socket);
      const framer = new SipStreamFramer();
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        for (const item of framer.push(chunk)) {
          if (item.type !== 'message') continue;
          const msg = parseRaw(item.text, { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 });
          if (msg.method !== 'REGISTER') continue;
          registers.push({ msg, socket });
          const contact = msg.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
          socket.write(responseTo(msg, 200, 'OK', { toTag: 'r', contact: `${contact};expires=600` }));
          for (const w of [...waiters]) w();
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const registerCount = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        if (registers.length >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`only ${registers.length} REGISTERs`)), 10_000);
        const w = (): void => {
          if (registers.length < n) return;
          clearTimeout(t);
          waiters.delete(w);
          resolve();
        };
        waiters.add(w);
      });

    agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${port};transport=tcp` }));
    await agent.account.start();
    expect(agent.account.registration.state).toBe('registered');
    const first = registers[0]!;
    expect(first.msg.header('Via')).toBe(`SIP/2.0/TCP 127.0.0.1:${first.msg.from.port};branch=${/branch=([^;]+)/.exec(first.msg.header('Via') ?? '')?.[1]};rport`);
    expect(first.msg.header('Contact')).toContain(`@127.0.0.1:${first.msg.from.port};transport=tcp>`);

    first.socket.destroy();
    await registerCount(2);
    const second = registers[1]!;
    expect(sockets.length).toBe(2);
    expect(second.msg.from.port).not.toBe(first.msg.from.port);
    expect(second.msg.header('Via')).toContain(`127.0.0.1:${second.msg.from.port};`);
    expect(second.msg.header('Contact')).toContain(`@127.0.0.1:${second.msg.from.port};transport=tcp>`);
    const firstExpiry = agent.registrations.find((r) => r.state === 'registered')?.expiresAt ?? 0;
    await agent.waitForRegistration((r) => r.state === 'registered' && (r.expiresAt ?? 0) > firstExpiry);
  });

  it('a refused connection fails the registration with what to check', async () => {
    const port = await closedPort();
    agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${port};transport=tcp` }));
    await agent.account.start();
    expect(agent.account.registration.state).toBe('failed');
    expect(agent.account.registration.reason).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port} \\(connection refused\\) — check the network and the outbound proxy in Settings$`));
  });

  it('issue: retry after a failed start (proxy down) opens the connection again and registers', async () => {
    const port = await closedPort();
    agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${port};transport=tcp` }));
    await agent.account.start();
    expect(agent.account.registration.state).toBe('failed');

    // The proxy comes back on the same address; the agent presses Retry (registration.retry -> register()).
    server = tcpRegistrar();
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
    await agent.account.register();
    expect(agent.account.registration.state).toBe('registered');
    const register = await agent.waitForWire('out', /^REGISTER /);
    expect(register).toMatch(/^Via: SIP\/2\.0\/TCP /m);
  });

  it('issue: retry after a failed start does not restart an account that was stopped explicitly', async () => {
    const port = await closedPort();
    agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${port};transport=tcp` }));
    await agent.account.start();
    expect(agent.account.registration.state).toBe('failed');
    await agent.account.stop();
    await expect(agent.account.register()).rejects.toBeInstanceOf(SipNotStartedError);
    expect(agent.wire.filter((w) => w.direction === 'out')).toEqual([]);
  });
});
