// Agent state choices as <select> options: value encodes state and reason.
import { NOT_READY_REASONS, type AgentSnapshot, type AgentStateName } from '../../../shared/types';

export interface AgentOption {
  value: string;
  label: string;
  state: AgentStateName;
  reason?: string;
}

export function agentOptions(current?: AgentSnapshot): AgentOption[] {
  const options: AgentOption[] = [
    { value: 'ready', label: 'Ready', state: 'ready' },
    { value: 'not-ready', label: 'Not Ready', state: 'not-ready' },
    ...NOT_READY_REASONS.map((reason) => ({ value: `not-ready:${reason}`, label: `Not Ready — ${reason}`, state: 'not-ready' as const, reason })),
    { value: 'after-call-work', label: 'After call work', state: 'after-call-work' },
  ];
  // A reason set elsewhere (e.g. by a supervisor) that we do not list must still show as the current value.
  if (current && current.state === 'not-ready' && current.reason && !options.some((o) => o.value === agentValue(current))) {
    options.splice(2 + NOT_READY_REASONS.length, 0, {
      value: agentValue(current),
      label: `Not Ready — ${current.reason}`,
      state: 'not-ready',
      reason: current.reason,
    });
  }
  return options;
}

export function agentValue(agent: Pick<AgentSnapshot, 'state' | 'reason'>): string {
  return agent.state === 'not-ready' && agent.reason ? `not-ready:${agent.reason}` : agent.state;
}
