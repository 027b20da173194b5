// The native notification for an incoming call. Electron supports notification action buttons
// on macOS only; on Windows and Linux the notification itself is the action: clicking it
// brings the window (with its Answer/Decline buttons) to the front.
import type { CallSnapshot } from '../../shared/types';

export interface IncomingCallNotificationSpec {
  title: string;
  body: string;
  /** Button labels in order; index i of the 'action' event is actions[i]. */
  actions: Array<'Answer' | 'Decline'>;
  urgency: 'critical';
  silent: boolean;
  timeoutType: 'never';
}

export function incomingCallNotification(call: CallSnapshot, platform: string): IncomingCallNotificationSpec {
  const name = call.remote.displayName;
  return {
    title: 'Incoming call',
    body: name ? `${name} (${call.remote.number})` : call.remote.number,
    actions: platform === 'darwin' ? ['Answer', 'Decline'] : [],
    urgency: 'critical',
    // The renderer plays the ring tone on the chosen ringer device; the OS sound would double it.
    silent: true,
    timeoutType: 'never',
  };
}

export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export type NotificationFactory = (spec: IncomingCallNotificationSpec) => NotificationLike;

export interface IncomingCallHandlers {
  answer(callId: string): void;
  decline(callId: string): void;
  show(): void;
}

/** Shows the notification and closes it when the call stops ringing; returns a close function. */
export function showIncomingCallNotification(
  create: NotificationFactory,
  call: CallSnapshot,
  platform: string,
  handlers: IncomingCallHandlers,
): () => void {
  const spec = incomingCallNotification(call, platform);
  const n = create(spec);
  n.on('action', (_e, index) => {
    const action = spec.actions[index];
    if (action === 'Answer') handlers.answer(call.id);
    else if (action === 'Decline') handlers.decline(call.id);
  });
  n.on('click', () => handlers.show());
  n.show();
  return () => n.close();
}
