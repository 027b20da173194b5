// The controller routes core events: snapshots into the store, rtc descriptions both ways
// between core and media engine, ring events to the ring tone, media errors into plain words.
import { describe, expect, it, vi } from 'vitest';
import type { Command, CoreEvent } from '../../shared/protocol';
import { SignalingClient } from '../signaling/client';
import type { Transport, TransportHandlers } from '../signaling/transport';
import { createAppStore } from '../store/store';
import { fakeServices, FakeMedia } from '../test-support/fake-services';
import { makeCall, makeSnapshot } from '../test-support/fixtures';
import type { MediaEngineCallbacks } from './media-port';
import { MEDIA_RECOVERY_DELAYS_MS, startController } from './controller';

class LoopTransport implements Transport {
  sent: Command[] = [];
  handlers!: TransportHandlers;
  start(h: TransportHandlers, hello: () => Command) {
    this.handlers = h;
    h.onStatus('open');
    this.sent.push(hello());
  }
  send(c: Command) {
    this.sent.push(c);
  }
  retry() {}
  dispose() {}
  emit(e: CoreEvent) {
    this.handlers.onEvent(e);
  }
}

function setup(startError?: unknown) {
  const transport = new LoopTransport();
  const client = new SignalingClient(transport);
  const services = fakeServices({ media: { current: null } });
  const store = createAppStore(services);
  const media = new FakeMedia();
  if (startError) {
    media.micReady = false;
    media.start = () => Promise.reject(startError) as unknown as void;
  }
  let callbacks: MediaEngineCallbacks | null = null;
  const rings: Array<[string, boolean]> = [];
  const kept: string[][] = [];
  const titles: string[] = [];
  const dispose = startController({
    setTitle: (t) => titles.push(t),
    client,
    store,
    services,
    createMedia: (cb) => {
      callbacks = cb;
      return media;
    },
    ringer: { ring: (id, r) => rings.push([id, r]), keepOnly: (ids) => kept.push([...ids]), dispose: () => {} },
    mediaDevices: {
      enumerateDevices: async () => [{ kind: 'audioinput', deviceId: 'm1', label: 'Headset' }],
      addEventListener: () => {},
      removeEventListener: () => {},
    },
  });
  client.start();
  return { transport, store, media, rings, kept, titles, dispose, callbacks: () => callbacks! };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

describe('controller', () => {
  it('starts the media engine after the first snapshot and relays descriptions both ways', async () => {
    const { transport, store, media, callbacks } = setup();
    expect(media.calls).toEqual([]);
    transport.emit({ type: 'snapshot', payload: makeSnapshot() });
    expect(store.getState().snapshot?.seq).toBe(1);
    expect(media.calls[0]).toEqual(['start', undefined]);

    callbacks().sendDescription({ type: 'offer', sdp: 'v=0 offer' });
    expect(transport.sent.at(-1)).toMatchObject({ type: 'rtc.description', payload: { type: 'offer', sdp: 'v=0 offer' } });

    transport.emit({ type: 'rtc.description', payload: { type: 'answer', sdp: 'v=0 answer' } });
    await flush();
    expect(media.calls).toContainEqual(['handleDescription', { type: 'answer', sdp: 'v=0 answer' }]);

    transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 2 }) });
    expect(media.calls.filter(([m]) => m === 'start')).toHaveLength(1);
  });

  it('starts a fresh media engine when the core reports rtc idle again (gateway replaced)', async () => {
    const transport = new LoopTransport();
    const client = new SignalingClient(transport);
    const services = fakeServices({ media: { current: null } });
    const store = createAppStore(services);
    const engines: FakeMedia[] = [];
    startController({
      client,
      store,
      services,
      createMedia: () => {
        const m = new FakeMedia();
        engines.push(m);
        return m;
      },
      ringer: { ring: () => {}, keepOnly: () => {}, dispose: () => {} },
    });
    client.start();
    transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 1, rtc: 'idle' }) });
    transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 2, rtc: 'connected' }) });
    await flush();
    expect(engines).toHaveLength(1);
    transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 3, rtc: 'idle' }) });
    await flush();
    expect(engines).toHaveLength(2);
    expect(engines[0]!.calls.at(-1)).toEqual(['dispose', undefined]);
    expect(engines[1]!.calls[0]).toEqual(['start', undefined]);
    expect(services.media.current).toBe(engines[1]);
  });

  it('rebuilds a failed audio connection with backoff, and gives up with a notice after the last attempt', async () => {
    vi.useFakeTimers();
    try {
      const transport = new LoopTransport();
      const client = new SignalingClient(transport);
      const services = fakeServices({ media: { current: null } });
      const store = createAppStore(services);
      const engines: Array<{ media: FakeMedia; cb: MediaEngineCallbacks }> = [];
      startController({
        client,
        store,
        services,
        createMedia: (cb) => {
          const m = new FakeMedia();
          engines.push({ media: m, cb });
          return m;
        },
        ringer: { ring: () => {}, keepOnly: () => {}, dispose: () => {} },
      });
      client.start();
      transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 1, rtc: 'connected' }) });
      await vi.advanceTimersByTimeAsync(0);
      expect(engines).toHaveLength(1);
      engines[0]!.cb.onStateChange?.('connected');

      // The connection breaks mid-call: a fresh engine after the first delay, not before.
      engines[0]!.cb.onStateChange?.('failed');
      await vi.advanceTimersByTimeAsync(MEDIA_RECOVERY_DELAYS_MS[0]! - 1);
      expect(engines).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(engines).toHaveLength(2);
      expect(engines[0]!.media.calls.at(-1)).toEqual(['dispose', undefined]);
      expect(engines[1]!.media.calls[0]).toEqual(['start', undefined]);
      // A late event from the disposed engine changes nothing.
      engines[0]!.cb.onStateChange?.('failed');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(engines).toHaveLength(2);

      // It keeps failing: one engine per delay, then a notice instead of an endless loop.
      for (let i = 1; i <= MEDIA_RECOVERY_DELAYS_MS.length; i++) {
        engines.at(-1)!.cb.onStateChange?.('failed');
        await vi.advanceTimersByTimeAsync(60_000);
      }
      expect(engines).toHaveLength(1 + MEDIA_RECOVERY_DELAYS_MS.length);
      expect(store.getState().notices.map((n) => n.message)).toContainEqual(expect.stringMatching(/could not be restored — restart/));

      // Success resets the budget.
      engines.at(-1)!.cb.onStateChange?.('connected');
      engines.at(-1)!.cb.onStateChange?.('failed');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(engines).toHaveLength(2 + MEDIA_RECOVERY_DELAYS_MS.length);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not rebuild the connection when the microphone is what failed', async () => {
    vi.useFakeTimers();
    try {
      const { transport, media, callbacks } = setup();
      transport.emit({ type: 'snapshot', payload: makeSnapshot() });
      await vi.advanceTimersByTimeAsync(0);
      media.micReady = false;
      callbacks().onStateChange?.('failed');
      await vi.advanceTimersByTimeAsync(60_000);
      expect(media.calls.filter(([m]) => m === 'start')).toHaveLength(1);
      expect(media.calls.some(([m]) => m === 'dispose')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('plays the ring tone on ring events and stops it for calls that no longer ring', () => {
    const { transport, rings, kept, titles } = setup();
    transport.emit({ type: 'ring', payload: { callId: 'in1', ringing: true } });
    transport.emit({ type: 'snapshot', payload: makeSnapshot({ calls: [makeCall({ id: 'in1', direction: 'inbound', state: 'ringing' })] }) });
    expect(titles.at(-1)).toBe('Incoming call: 2000 — Agent Softphone');
    transport.emit({ type: 'snapshot', payload: makeSnapshot({ seq: 2, calls: [makeCall({ id: 'in1', direction: 'inbound', state: 'connected' })] }) });
    expect(rings).toEqual([['in1', true]]);
    expect(titles.at(-1)).toBe('Agent Softphone');
    expect(kept.at(-1)).toEqual([]);
  });

  it('turns a denied microphone into a visible problem, and core notices into toasts', async () => {
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const { transport, store } = setup(denied);
    transport.emit({ type: 'snapshot', payload: makeSnapshot() });
    await flush();
    expect(store.getState().micProblem).toMatch(/Microphone access was denied/);
    expect(transport.sent.some((c) => c.type === 'log')).toBe(true);

    transport.emit({ type: 'notice', payload: { level: 'error', message: 'Call to 404 failed: Not found' } });
    expect(store.getState().notices.map((n) => n.message)).toContain('Call to 404 failed: Not found');
  });
});
