import { describe, expect, it } from 'vitest';
import { incomingCallNotification, showIncomingCallNotification, type NotificationLike } from '../../src-main/electron/notifications';
import { call } from './fake-core';

class FakeNotification implements NotificationLike {
  shown = false;
  closed = false;
  readonly handlers = new Map<string, (...a: never[]) => void>();
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
  }
  on(event: string, listener: (...a: never[]) => void): void {
    this.handlers.set(event, listener);
  }
}

describe('incoming call notification', () => {
  it('names the caller; Answer/Decline buttons where the OS supports them (macOS)', () => {
    expect(incomingCallNotification(call(), 'darwin')).toMatchObject({ title: 'Incoming call', body: 'Alice (2000)', actions: ['Answer', 'Decline'], silent: true });
    expect(incomingCallNotification(call({ remote: { number: '2000', uri: 'sip:2000@x' } }), 'linux')).toMatchObject({ body: '2000', actions: [] });
  });

  it('maps action buttons to answer/decline of that call, a click to showing the window, and closes', () => {
    const n = new FakeNotification();
    const done: string[] = [];
    const close = showIncomingCallNotification(() => n, call({ id: 'c9' }), 'darwin', {
      answer: (id) => done.push(`answer:${id}`),
      decline: (id) => done.push(`decline:${id}`),
      show: () => done.push('show'),
    });
    expect(n.shown).toBe(true);
    (n.handlers.get('action') as (e: unknown, i: number) => void)({}, 0);
    (n.handlers.get('action') as (e: unknown, i: number) => void)({}, 1);
    (n.handlers.get('click') as () => void)();
    expect(done).toEqual(['answer:c9', 'decline:c9', 'show']);
    close();
    expect(n.closed).toBe(true);
  });
});
