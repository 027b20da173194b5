// A local conference: the SIP legs of two (or more) calls mixed so every far end hears the
// agent and the other far ends. Only membership lives here; the mixing itself is per leg in
// CallMediaImpl (clocked by the agent's microphone packets on that call).
import type { Logger } from '../log/logger';
import type { CallMediaImpl } from './call-media';
import { ConferenceCodecError, ConferenceMediaError } from './errors';
import { g711Law } from './g711';
import type { MediaConference } from './types';

export class Conference implements MediaConference {
  #members: CallMediaImpl[];
  #disposed = false;

  constructor(
    members: readonly CallMediaImpl[],
    private readonly log: Logger,
  ) {
    if (new Set(members).size !== members.length || members.length < 2) throw new ConferenceMediaError('A conference needs two different calls.');
    for (const m of members) {
      if (m.disposed) throw new ConferenceMediaError(`Call ${m.callId} has no media any more.`);
      const codec = m.codecName;
      if (!codec) throw new ConferenceMediaError(`Call ${m.callId} has not agreed on a codec yet; wait until it is connected.`);
      if (!g711Law(codec)) throw new ConferenceCodecError(m.callId, codec);
    }
    this.#members = [...members];
    this.#apply();
    this.log.info(`conference of ${this.callIds.join(', ')} started`);
  }

  get callIds(): readonly string[] {
    return this.#members.map((m) => m.callId);
  }

  remove(callId: string): void {
    if (this.#disposed) return;
    const leaving = this.#members.find((m) => m.callId === callId);
    if (!leaving) return;
    leaving.stopMixing();
    this.#members = this.#members.filter((m) => m !== leaving);
    this.log.info(`conference: call ${callId} left`);
    if (this.#members.length < 2) this.dispose();
    else this.#apply();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const m of this.#members) m.stopMixing();
    this.log.info(`conference of ${this.callIds.join(', ')} ended`);
    this.#members = [];
  }

  #apply(): void {
    for (const m of this.#members) m.startMixing(this.#members);
  }
}
