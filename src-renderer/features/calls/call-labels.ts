// The words the agent (and screen readers, and the acceptance tests) see for call states.
import type { CallSnapshot, CallStateName, RemoteParty } from '../../../shared/types';

const STATE_TEXT: Record<CallStateName, string> = {
  calling: 'Ringing',
  ringing: 'Ringing',
  early: 'Ringing',
  connected: 'Connected',
  held: 'On hold',
  ended: 'Ended',
};

export function callStateText(state: CallStateName): string {
  return STATE_TEXT[state];
}

/** The name a call is known by: the display name if the network gave one, else the number. */
export function remotePartyName(remote: RemoteParty): string {
  return remote.displayName?.trim() || remote.number || remote.uri;
}

export function isInboundRinging(call: CallSnapshot): boolean {
  return call.direction === 'inbound' && (call.state === 'ringing' || call.state === 'early' || call.state === 'calling');
}

export function isLive(call: CallSnapshot): boolean {
  return call.state === 'connected' || call.state === 'held';
}

/** mm:ss, or h:mm:ss past an hour. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Seconds shown on the call's timer: talk time once connected, ringing time before. */
export function callElapsedSeconds(call: CallSnapshot, now: number): number {
  const from = call.connectedAt ?? call.startedAt;
  const to = call.state === 'ended' ? (call.endedAt ?? now) : now;
  return (to - from) / 1000;
}

export function endReasonText(call: CallSnapshot): string | undefined {
  if (call.state !== 'ended') return undefined;
  if (call.endReason) return call.endReason;
  if (call.missed) return 'Missed';
  return undefined;
}
