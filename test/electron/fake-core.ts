// An in-memory core for shell tests: records what it was asked, answers hello with a snapshot.
import type { CoreEvent } from '../../shared/protocol';
import type { AppSnapshot, CallSnapshot } from '../../shared/types';
import type { ClientConnection, CoreSession, ShellCore } from '../../src-main/electron/core-port';

export function snapshot(overrides: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    seq: 1,
    registration: { state: 'registered', aor: 'sip:1001@testbed.local' },
    profile: { configured: true, hasPassword: true, locked: [], errors: [] },
    calls: [],
    agent: { state: 'ready', since: 0 },
    history: [],
    rtc: 'idle',
    ...overrides,
  };
}

export function call(overrides: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    id: 'call-1',
    direction: 'inbound',
    remote: { number: '2000', uri: 'sip:2000@testbed.local', displayName: 'Alice' },
    state: 'ringing',
    muted: false,
    startedAt: 0,
    media: { fromSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 }, toSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 } },
    ...overrides,
  };
}

export class FakeCore implements ShellCore {
  current = snapshot();
  readonly handled: Array<{ session: number; raw: unknown }> = [];
  readonly methods: string[] = [];
  readonly clients = new Map<number, ClientConnection>();
  readonly detached: number[] = [];
  #nextSession = 1;
  #snapshotListeners = new Set<(s: AppSnapshot) => void>();
  #incomingListeners = new Set<(c: CallSnapshot) => void>();

  attach(client: ClientConnection): CoreSession {
    const id = this.#nextSession++;
    this.clients.set(id, client);
    return {
      handle: (raw) => {
        this.handled.push({ session: id, raw });
        const cmd = raw as { type: string; id: number };
        if (cmd.type === 'hello') client.send({ type: 'snapshot', payload: this.current });
        client.send({ type: 'result', payload: { id: cmd.id, ok: true } });
      },
      detach: () => {
        this.detached.push(id);
        this.clients.delete(id);
      },
    };
  }
  snapshot(): AppSnapshot {
    return this.current;
  }
  on(event: 'snapshot' | 'incomingCall', listener: ((s: AppSnapshot) => void) | ((c: CallSnapshot) => void)): () => void {
    const set = (event === 'snapshot' ? this.#snapshotListeners : this.#incomingListeners) as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  }
  /** Core-side: push a new snapshot to listeners and sessions. */
  publish(next: AppSnapshot): void {
    this.current = next;
    for (const l of this.#snapshotListeners) l(next);
    for (const c of this.clients.values()) c.send({ type: 'snapshot', payload: next });
  }
  ring(c: CallSnapshot): void {
    this.publish({ ...this.current, calls: [c] });
    for (const l of this.#incomingListeners) l(c);
  }
  emitTo(session: number, event: CoreEvent): void {
    this.clients.get(session)?.send(event);
  }
  async dial(target: string): Promise<void> {
    this.methods.push(`dial:${target}`);
  }
  async answerRinging(): Promise<void> {
    this.methods.push('answerRinging');
  }
  async hangupActive(): Promise<void> {
    this.methods.push('hangupActive');
  }
  async toggleMute(): Promise<void> {
    this.methods.push('toggleMute');
  }
  isIdle(): boolean {
    return this.current.calls.every((c) => c.state === 'ended');
  }
  async dispose(): Promise<void> {
    this.methods.push('dispose');
  }
}
