// The agent's availability. Any state can be chosen by the agent at any time; the only
// automatic transition is ready -> after-call-work when a call the agent talked on ends, so
// the agent can wrap up before the next call (contact-center practice).
import type { AgentSnapshot, AgentStateName } from '../../../shared/types';
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';

export interface AgentStateOptions {
  log: Logger;
  initial?: AgentStateName;
  /** Go to after-call-work after a connected call ends while ready. Default true. */
  afterCallWork?: boolean;
  now?: () => number;
}

export class AgentStateError extends Error {
  override name = 'AgentStateError';
}

export class AgentStateMachine extends TypedEmitter<{ changed: (agent: AgentSnapshot) => void }> {
  #state: AgentStateName;
  #reason: string | undefined;
  #since: number;
  readonly #log: Logger;
  readonly #now: () => number;
  afterCallWork: boolean;

  constructor(options: AgentStateOptions) {
    super();
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#state = options.initial ?? 'ready';
    this.#since = this.#now();
    this.afterCallWork = options.afterCallWork ?? true;
  }

  snapshot(): AgentSnapshot {
    return { state: this.#state, since: this.#since, ...(this.#reason ? { reason: this.#reason } : {}) };
  }

  /** The agent picked a state in the UI. A reason only belongs to not-ready. */
  select(state: AgentStateName, reason?: string): void {
    const trimmed = reason?.trim();
    if (state !== 'not-ready' && trimmed) throw new AgentStateError(`A reason can only be given for Not Ready, not for ${state}.`);
    this.#go(state, state === 'not-ready' ? trimmed || undefined : undefined);
  }

  /** A call the agent was connected on ended. */
  callEnded(): void {
    if (this.#state === 'ready' && this.afterCallWork) this.#go('after-call-work', undefined);
    else this.#log.debug(`call ended while ${this.#state}: agent state unchanged`);
  }

  #go(state: AgentStateName, reason: string | undefined): void {
    if (state === this.#state && reason === this.#reason) return;
    this.#log.info(`agent ${this.#state} -> ${state}${reason ? ` (${reason})` : ''}`);
    this.#state = state;
    this.#reason = reason;
    this.#since = this.#now();
    this.emit('changed', this.snapshot());
  }
}
