// What the tray shows, computed from the core's snapshot (pure; tray.ts turns it into a Menu).
import { NOT_READY_REASONS, type AppSnapshot, type CallSnapshot } from '../../shared/types';

export type TrayIconName = 'offline' | 'registering' | 'ready' | 'not-ready' | 'busy' | 'ringing';

export type TrayAction =
  | { kind: 'show' }
  | { kind: 'answer'; callId: string }
  | { kind: 'decline'; callId: string }
  | { kind: 'hangup'; callId: string }
  | { kind: 'mute'; callId: string; mute: boolean }
  | { kind: 'agent'; state: 'ready' | 'not-ready' | 'after-call-work'; reason?: string }
  | { kind: 'save-diagnostics' }
  | { kind: 'restart-to-update' }
  | { kind: 'quit' };

export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action: TrayAction }
  | { type: 'radio'; label: string; checked: boolean; enabled: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; enabled: boolean; items: TrayItem[] };

export interface TrayModel {
  icon: TrayIconName;
  tooltip: string;
  items: TrayItem[];
}

export interface UpdateStatus {
  /** Version downloaded and ready to install, if any. */
  readyVersion?: string;
  /** The agent asked to restart; we wait for the calls to end. */
  waitingForIdle?: boolean;
}

const APP = 'Agent Softphone';
const live = (c: CallSnapshot): boolean => c.state !== 'ended';

function who(c: CallSnapshot): string {
  return c.remote.displayName ? `${c.remote.displayName} (${c.remote.number})` : c.remote.number;
}

function registrationText(s: AppSnapshot): string {
  switch (s.registration.state) {
    case 'registered':
      return 'Registered';
    case 'registering':
      return 'Registering';
    case 'failed':
      return `Registration failed: ${s.registration.reason ?? 'unknown reason'}`;
    default:
      return 'Unregistered';
  }
}

function agentText(s: AppSnapshot): string {
  if (s.agent.state === 'ready') return 'Ready';
  if (s.agent.state === 'after-call-work') return 'After call work';
  return s.agent.reason ? `Not Ready (${s.agent.reason})` : 'Not Ready';
}

export function buildTrayModel(s: AppSnapshot, update: UpdateStatus = {}): TrayModel {
  const calls = s.calls.filter(live);
  const ringing = calls.find((c) => c.direction === 'inbound' && c.state === 'ringing');
  const active = calls.find((c) => c.state === 'connected' || c.state === 'held') ?? calls.find((c) => c.direction === 'outbound');
  const registered = s.registration.state === 'registered';

  let icon: TrayIconName;
  if (ringing) icon = 'ringing';
  else if (active) icon = 'busy';
  else if (s.registration.state === 'registering') icon = 'registering';
  else if (!registered) icon = 'offline';
  else icon = s.agent.state === 'ready' ? 'ready' : 'not-ready';

  const status = [registrationText(s)];
  if (registered) status.push(agentText(s));
  if (ringing) status.push(`Incoming call from ${who(ringing)}`);
  else if (active) status.push(`In call with ${who(active)}`);
  const tooltip = `${APP} — ${status.join(' · ')}`;

  const items: TrayItem[] = [{ type: 'normal', label: `Show ${APP}`, enabled: true, action: { kind: 'show' } }, { type: 'separator' }];
  if (ringing) {
    items.push({ type: 'normal', label: `Answer ${who(ringing)}`, enabled: true, action: { kind: 'answer', callId: ringing.id } });
    items.push({ type: 'normal', label: 'Decline', enabled: true, action: { kind: 'decline', callId: ringing.id } });
  }
  if (active) {
    items.push({ type: 'normal', label: 'Hang up', enabled: true, action: { kind: 'hangup', callId: active.id } });
    items.push({
      type: 'normal',
      label: active.muted ? 'Unmute' : 'Mute',
      enabled: active.state === 'connected' || active.state === 'held',
      action: { kind: 'mute', callId: active.id, mute: !active.muted },
    });
  }
  if (ringing || active) items.push({ type: 'separator' });

  const agent = s.agent;
  items.push({ type: 'radio', label: 'Ready', checked: agent.state === 'ready', enabled: registered, action: { kind: 'agent', state: 'ready' } });
  items.push({
    type: 'submenu',
    label: agent.state === 'not-ready' ? agentText(s) : 'Not Ready',
    enabled: registered,
    items: NOT_READY_REASONS.map((reason) => ({
      type: 'radio' as const,
      label: reason,
      checked: agent.state === 'not-ready' && agent.reason === reason,
      enabled: registered,
      action: { kind: 'agent' as const, state: 'not-ready' as const, reason },
    })),
  });
  items.push({ type: 'radio', label: 'After call work', checked: agent.state === 'after-call-work', enabled: registered, action: { kind: 'agent', state: 'after-call-work' } });
  items.push({ type: 'separator' });
  items.push({ type: 'normal', label: 'Save diagnostics', enabled: true, action: { kind: 'save-diagnostics' } });
  if (update.readyVersion) {
    const busy = calls.length > 0;
    const label = update.waitingForIdle || busy
      ? `Update ${update.readyVersion} installs when the call ends`
      : `Restart to update (${update.readyVersion})`;
    items.push({ type: 'normal', label, enabled: !update.waitingForIdle, action: { kind: 'restart-to-update' } });
  }
  items.push({ type: 'separator' });
  items.push({ type: 'normal', label: 'Quit', enabled: true, action: { kind: 'quit' } });
  return { icon, tooltip, items };
}
