// The browser shell's WebSocket: who may connect, and what happens to bad input.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, MemorySecretStore, type Core } from '../../src-main/core/index';
import { LogHub, nullLogger } from '../../src-main/core/log/logger';
import { checkUpgrade } from '../../src-main/core/signaling/guard';
import { attachSignalingServer, type SignalingServer } from '../../src-main/core/signaling/ws-server';
import { fakeFactories } from './fakes';

const TOKEN = 'a'.repeat(43);

describe('checkUpgrade', () => {
  const ok = { url: `/ws?token=${TOKEN}`, headers: { host: '127.0.0.1:5000', origin: 'http://127.0.0.1:5000' } };
  const opts = { port: 5000, token: TOKEN };
  it('accepts only our token, our Origin and our Host', () => {
    expect(checkUpgrade(ok, opts)).toEqual({ ok: true });
    expect(checkUpgrade({ ...ok, url: '/ws?token=wrong' }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, url: '/ws' }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, headers: { ...ok.headers, origin: 'https://evil.example' } }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, headers: { host: '127.0.0.1:5000' } }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, headers: { ...ok.headers, host: 'rebind.evil.example:5000' } }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, headers: { ...ok.headers, host: 'localhost:5000' } }, opts)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade({ ...ok, url: `/other?token=${TOKEN}` }, opts)).toMatchObject({ ok: false, status: 404 });
    expect(checkUpgrade({ ...ok, url: '//[' }, opts)).toMatchObject({ ok: false, status: 400 });
  });
});

describe('signaling WebSocket', () => {
  let server: Server;
  let port: number;
  let core: Core;
  let signaling: SignalingServer;

  beforeEach(async () => {
    const fakes = fakeFactories();
    core = await createCore({
      dataDir: join(mkdtempSync(join(tmpdir(), 'signaling-test-')), 'data'),
      provisioningPaths: [],
      logHub: new LogHub('error'),
      secretStore: new MemorySecretStore(),
      sipFactory: fakes.sipFactory,
      gatewayFactory: fakes.gatewayFactory,
    });
    server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    signaling = attachSignalingServer({ server, port, token: TOKEN, core, log: nullLogger, maxMessageBytes: 64 * 1024 });
  });

  afterEach(async () => {
    await signaling.dispose();
    await core.dispose();
    await new Promise<void>((r) => server.close(() => r()));
  });

  function connect(opts: { token?: string; origin?: string; host?: string } = {}): WebSocket {
    const headers: Record<string, string> = {};
    if (opts.host) headers.host = opts.host;
    return new WebSocket(`ws://127.0.0.1:${port}/ws?token=${opts.token ?? TOKEN}`, {
      origin: opts.origin ?? `http://127.0.0.1:${port}`,
      headers,
    });
  }

  function refusedWith(ws: WebSocket): Promise<number> {
    return new Promise((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('connection was accepted')));
      ws.on('error', () => {});
    });
  }

  /** Collects parsed messages and resolves `next(pred)` when one matches. */
  function messages(ws: WebSocket) {
    const got: Array<{ type: string; payload: Record<string, unknown> }> = [];
    const waiters: Array<() => void> = [];
    ws.on('message', (d) => {
      got.push(JSON.parse(String(d)));
      for (const w of waiters.splice(0)) w();
    });
    return {
      got,
      async next(pred: (m: { type: string; payload: Record<string, unknown> }) => boolean) {
        for (;;) {
          const m = got.find(pred);
          if (m) return m;
          await new Promise<void>((r) => waiters.push(r));
        }
      },
    };
  }

  it('refuses a wrong token, a foreign Origin and a rebound Host with 403', async () => {
    expect(await refusedWith(connect({ token: 'x'.repeat(43) }))).toBe(403);
    expect(await refusedWith(connect({ origin: 'https://evil.example' }))).toBe(403);
    expect(await refusedWith(connect({ host: `rebind.evil.example:${port}` }))).toBe(403);
    expect(signaling.clients).toBe(0);
  });

  it('a client with the token gets a snapshot after hello; malformed JSON is answered, not fatal', async () => {
    const ws = connect();
    const inbox = messages(ws);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', id: 1, payload: { protocol: 1 } }));
    const first = await inbox.next(() => true);
    expect(first.type).toBe('snapshot');
    expect(first.payload.registration).toEqual({ state: 'unregistered' });
    ws.send('this is not json');
    const err = await inbox.next((m) => m.type === 'result' && m.payload.id === -1);
    expect(err.payload).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
    ws.send(JSON.stringify({ type: 'agent.setState', id: 2, payload: { state: 'not-ready', reason: 'Break' } }));
    expect((await inbox.next((m) => m.type === 'result' && m.payload.id === 2)).payload.ok).toBe(true);
    ws.close();
  });

  it('issue: a malformed upgrade URL is answered with 400 and the server keeps serving', async () => {
    const raw = netConnect(port, '127.0.0.1');
    raw.on('error', () => {});
    let answer = '';
    raw.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    const closed = new Promise<void>((r) => raw.once('close', () => r()));
    raw.write(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const again = connect();
    const inbox = messages(again);
    await new Promise((r) => again.once('open', r));
    again.send(JSON.stringify({ type: 'hello', id: 1, payload: { protocol: 1 } }));
    expect((await inbox.next(() => true)).type).toBe('snapshot');
    again.close();
  });

  it('closes the connection on an oversized message (1009) and the server keeps serving', async () => {
    const ws = connect();
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(128 * 1024));
    expect(await closed).toBe(1009);
    const again = connect();
    const inbox = messages(again);
    await new Promise((r) => again.once('open', r));
    again.send(JSON.stringify({ type: 'hello', id: 1, payload: { protocol: 1 } }));
    expect((await inbox.next(() => true)).type).toBe('snapshot');
    again.close();
  });
});
