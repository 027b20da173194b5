// The WebSocket client: queues fire-and-forget messages until open, refuses requests while down, hello first, reconnects with bounded backoff, and
// reports commands lost with a dropped link. A fake WebSocket and fake timers: no sleeps.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { SignalingClient } from './client';
import type { ConnectionStatus } from './transport';
import { WebSocketTransport, webSocketUrlFromLocation, type WebSocketLike } from './ws-transport';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: Array<{ type: string; id: number; payload: unknown }> = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(event: unknown) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}

function setup(opts: { maxAttempts?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const transport = new WebSocketTransport({
    url: 'ws://127.0.0.1:1234/ws?token=abc',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    initialDelayMs: 100,
    maxDelayMs: 1000,
    maxAttempts: opts.maxAttempts ?? 5,
  });
  const client = new SignalingClient(transport, { resultTimeoutMs: 60_000 });
  const statuses: ConnectionStatus[] = [];
  client.onStatus((s) => statuses.push(s));
  client.start();
  return { sockets, client, statuses, last: () => sockets[sockets.length - 1]! };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WebSocket signaling client', () => {
  it('builds the URL from the page location with the token', () => {
    expect(webSocketUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:5173/ws?token=a%2Bb',
    );
  });

  it('queues fire-and-forget messages until the socket opens, sends hello first, and resolves results by id', async () => {
    const { sockets, client, statuses } = setup();
    expect(statuses).toEqual(['connecting']);
    client.send('log', { level: 'info', subsystem: 'ui', message: 'started' });
    expect(sockets[0]!.sent).toEqual([]);

    sockets[0]!.open();
    expect(statuses).toEqual(['connecting', 'open']);
    const [hello, log] = sockets[0]!.sent;
    expect(hello).toMatchObject({ type: 'hello', payload: { protocol: PROTOCOL_VERSION } });
    expect(log).toMatchObject({ type: 'log', payload: { message: 'started' } });

    const answered = client.request('call.dial', { target: '2000' });
    const dial = sockets[0]!.sent.at(-1)!;
    expect(dial).toMatchObject({ type: 'call.dial', payload: { target: '2000' } });
    sockets[0]!.receive({ type: 'result', payload: { id: dial.id, ok: false, error: 'Not registered' } });
    await expect(answered).resolves.toEqual({ id: dial.id, ok: false, error: 'Not registered' });
  });

  it('issue: a command refused while the link was down is never sent later (no call placed after the agent was told it failed)', async () => {
    const { sockets, client, last } = setup();
    sockets[0]!.open();
    sockets[0]!.drop();
    const refused = await client.request('call.dial', { target: '2000' });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/Not connected to the phone service/) });
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent.map((c) => c.type)).toEqual(['hello']);
  });

  it('delivers events to subscribers and ignores malformed ones', () => {
    const { sockets, client } = setup();
    const notices: unknown[] = [];
    client.on('notice', (n) => notices.push(n));
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: 'not json' });
    sockets[0]!.receive({ type: 'bogus', payload: {} });
    sockets[0]!.receive({ type: 'notice', payload: { level: 'info', message: 'hi' } });
    expect(notices).toEqual([{ level: 'info', message: 'hi' }]);
  });

  it('reconnects with growing delays, says it is reconnecting, and re-sends hello on the new link', () => {
    const { sockets, client, statuses } = setup();
    sockets[0]!.open();
    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(sockets).toHaveLength(1);

    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    // Commands typed while the link is down go out after hello once it is back.
    client.send('log', { level: 'info', subsystem: 'ui', message: 'queued' });
    sockets[2]!.open();
    expect(statuses.at(-1)).toBe('open');
    expect(sockets[2]!.sent.map((m) => m.type)).toEqual(['hello', 'log']);
  });

  it('gives up after a bounded number of attempts and can be retried', () => {
    const { sockets, client, statuses } = setup({ maxAttempts: 3 });
    sockets[0]!.drop();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(1000);
      sockets.at(-1)!.drop();
    }
    expect(sockets).toHaveLength(4);
    expect(statuses.at(-1)).toBe('failed');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(4);

    client.retry();
    expect(sockets).toHaveLength(5);
    sockets[4]!.open();
    expect(statuses.at(-1)).toBe('open');
  });

  it('fails commands that were sent on a link that dropped before the answer', async () => {
    const { sockets, client } = setup();
    sockets[0]!.open();
    const pending = client.request('call.hangup', { callId: 'c1' });
    sockets[0]!.drop();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/connection to the phone service dropped/i);
  });
});
