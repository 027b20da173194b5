// The store mirrors the core's snapshots: it never derives call state itself.
import { describe, expect, it } from 'vitest';
import { makeCall, makeSnapshot } from '../test-support/fixtures';
import { fakeServices } from '../test-support/fake-services';
import { createAppStore } from './store';

describe('store mirrors snapshots', () => {
  it('keeps the snapshot exactly as the core sent it', () => {
    const store = createAppStore(fakeServices());
    const snap = makeSnapshot({ seq: 3, calls: [makeCall({ id: 'c1', state: 'held', muted: true })] });
    store.getState().applySnapshot(snap);
    expect(store.getState().snapshot).toEqual(snap);
  });

  it('ignores a snapshot older than the one shown', () => {
    const store = createAppStore(fakeServices());
    store.getState().applySnapshot(makeSnapshot({ seq: 5, calls: [makeCall({ id: 'c1', state: 'connected' })] }));
    store.getState().applySnapshot(makeSnapshot({ seq: 4, calls: [makeCall({ id: 'c1', state: 'calling' })] }));
    expect(store.getState().snapshot?.calls[0]?.state).toBe('connected');
  });

  it('accepts a restarted core (seq from 0) after reconnecting', () => {
    const store = createAppStore(fakeServices());
    store.getState().applySnapshot(makeSnapshot({ seq: 50 }));
    store.getState().setConnection('reconnecting');
    store.getState().setConnection('open');
    store.getState().applySnapshot(makeSnapshot({ seq: 1, calls: [] , registration: { state: 'registering' } }));
    expect(store.getState().snapshot?.registration.state).toBe('registering');
  });

  it('does not mutate call state when a command is sent (the next snapshot does)', async () => {
    const services = fakeServices();
    const store = createAppStore(services);
    store.getState().applySnapshot(makeSnapshot({ calls: [makeCall({ id: 'c1', state: 'connected' })] }));
    await store.getState().setHold('c1', true);
    expect(services.commands.ofType('call.hold')).toEqual([{ callId: 'c1', hold: true }]);
    expect(store.getState().snapshot?.calls[0]?.state).toBe('connected');
  });
});
