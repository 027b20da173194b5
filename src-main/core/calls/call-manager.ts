// Every call the agent has: what the UI shows (CallSnapshot), what SIP and the gateway are
// told, and when. States change only through nextCallState (call-state.ts); side effects
// (relaying, disposing media, ring tone, history, agent state) hang off those transitions.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { CallMediaStats, CallSnapshot, CallStateName, RemoteParty } from '../../../shared/types';
import { ConferenceCodecError } from '../gateway/errors';
import type { CallMedia, MediaConference, MediaGateway, SipMediaPort } from '../gateway/types';
import type { Logger } from '../log/logger';
import type { SipAccount, SipCall, SipEnded } from '../sip/types';
import { TypedEmitter } from '../util/typed-emitter';
import type { AgentStateMachine } from './agent-state';
import { isLive, nextCallState, type CallEventName } from './call-state';
import type { HistoryStore } from './history';

/** A call command that cannot be carried out; the message is for the agent. */
export class CallCommandError extends Error {
  override name = 'CallCommandError';
}

export interface CallManagerEvents {
  /** Something in snapshots() changed. */
  changed: () => void;
  /** An inbound call starts or stops ringing (the renderer plays the ring tone). */
  ring: (callId: string, ringing: boolean) => void;
  incoming: (call: CallSnapshot) => void;
  notice: (level: 'info' | 'warning' | 'error', message: string) => void;
}

export interface CallManagerOptions {
  log: Logger;
  history: HistoryStore;
  agent: AgentStateMachine;
  /** How long an ended call stays on screen (state 'ended' with its reason) before it moves to history. */
  endedLingerMs?: number;
  statsIntervalMs?: number;
  now?: () => number;
}

const EMPTY_STATS: CallMediaStats = {
  fromSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 },
  toSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 },
};

interface CallEntry {
  id: string;
  direction: 'inbound' | 'outbound';
  remote: RemoteParty;
  state: CallStateName;
  muted: boolean;
  startedAt: number;
  connectedAt?: number;
  endedAt?: number;
  endReason?: string;
  endStatus?: number;
  missed?: boolean;
  mid?: string;
  stats: CallMediaStats;
  sip?: SipCall;
  media?: CallMedia;
  /** Reason we give when we end the call ourselves for a specific purpose (declined, transferred). */
  localEndReason?: string;
  /** Hang up was pressed before sip.dial() resolved: cancel as soon as we have the SipCall. */
  hangupPending?: boolean;
  /** An answer() is under way: a second one (double click, hotkey + button) joins it instead of answering again. */
  answering?: Promise<void>;
  /** The renderer is playing the ring tone for this call. */
  ringing?: boolean;
  /** Local conference this call is mixed into (CallSnapshot.conferenceId). */
  conferenceId?: string;
  unsubscribe: Array<() => void>;
  removalTimer?: ReturnType<typeof setTimeout>;
}

export class CallManager extends TypedEmitter<CallManagerEvents> {
  readonly #log: Logger;
  readonly #history: HistoryStore;
  readonly #agent: AgentStateMachine;
  readonly #lingerMs: number;
  readonly #statsMs: number;
  readonly #now: () => number;
  readonly #calls = new Map<string, CallEntry>();
  /** SipCall.id -> our call (our ids are short and stable; SIP's can be long Call-IDs). */
  readonly #bySipId = new Map<string, CallEntry>();
  /** Media SIP asked for, by SIP call id, until released. */
  readonly #media = new Map<string, CallMedia>();
  /** Local conferences: their member calls and the gateway's mix of their SIP legs. */
  readonly #conferences = new Map<string, { members: CallEntry[]; mix: MediaConference }>();
  #sip: SipAccount | undefined;
  #sipUnsubscribe: (() => void) | undefined;
  #gateway: MediaGateway | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #autoAnswer = false;
  #disposed = false;
  /**
   * Media allocated inside one sip.dial() (its async context), so a dial that fails can free
   * exactly that media: an inbound INVITE's media, allocated meanwhile, is not touched.
   */
  readonly #dialContext = new AsyncLocalStorage<{ mediaIds: string[] }>();

  constructor(options: CallManagerOptions) {
    super();
    this.#log = options.log;
    this.#history = options.history;
    this.#agent = options.agent;
    this.#lingerMs = options.endedLingerMs ?? 4000;
    this.#statsMs = options.statsIntervalMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The callbacks SipAccountOptions needs: media is allocated when SIP builds or receives an INVITE. */
  readonly mediaHooks = {
    createMedia: async (sipCallId: string): Promise<SipMediaPort> => {
      const gateway = this.#gateway;
      if (!gateway || this.#disposed) throw new CallCommandError('The media gateway is not running; restart the app.');
      const media = await gateway.createCallMedia(sipCallId);
      if (this.#disposed) {
        media.dispose();
        throw new CallCommandError('The app is shutting down.');
      }
      this.#media.set(sipCallId, media);
      this.#dialContext.getStore()?.mediaIds.push(sipCallId);
      const call = this.#bySipId.get(sipCallId);
      if (call) this.#attachMedia(call, media);
      return media;
    },
    releaseMedia: (sipCallId: string): void => {
      this.#releaseMedia(sipCallId);
    },
  };

  setAccount(sip: SipAccount | undefined): void {
    this.#sipUnsubscribe?.();
    this.#sipUnsubscribe = undefined;
    this.#sip = sip;
    if (sip) this.#sipUnsubscribe = sip.on('incoming', (call) => this.#onIncoming(call));
  }

  setGateway(gateway: MediaGateway | undefined): void {
    this.#gateway = gateway;
  }

  /** behaviour.autoAnswer from the profile. */
  setAutoAnswer(on: boolean): void {
    this.#autoAnswer = on;
  }

  snapshots(): CallSnapshot[] {
    return [...this.#calls.values()].map(toSnapshot);
  }

  get(callId: string): CallSnapshot | undefined {
    const call = this.#calls.get(callId);
    return call ? toSnapshot(call) : undefined;
  }

  hasLiveCalls(): boolean {
    return [...this.#calls.values()].some((c) => isLive(c.state));
  }

  // ---- commands -------------------------------------------------------------------------

  async dial(target: string): Promise<string> {
    const sip = this.#sip;
    if (!sip) throw new CallCommandError('Cannot call: no SIP account is set up. Open Settings and enter your SIP account.');
    if (!this.#gateway) throw new CallCommandError('Cannot call: the media gateway is not running; restart the app.');
    const reg = sip.registration;
    if (reg.state === 'unregistered' || reg.state === 'failed') {
      throw new CallCommandError(
        `Cannot call: not registered with the phone system${reg.reason ? ` (${reg.reason})` : ''}. Check Settings, then press Retry.`,
      );
    }
    const call = this.#newCall('outbound', remoteFromTarget(target), 'calling');
    this.#log.info(`call ${call.id}: dialling ${target}`);
    this.emit('changed');
    await this.#holdOthers(call.id);
    if (call.hangupPending) {
      // Hung up (or shut down) while other calls were being held: no INVITE has gone out, so
      // none must; #end() already showed the call as ended and no media was allocated yet.
      call.hangupPending = false;
      this.#log.info(`call ${call.id}: hung up before dialling; no INVITE sent`);
      return call.id;
    }
    const context = { mediaIds: [] as string[] };
    let sipCall: SipCall;
    try {
      sipCall = await this.#dialContext.run(context, () => sip.dial(target));
    } catch (err) {
      // SIP may have allocated media before failing (e.g. the transport broke while sending);
      // releasing twice is harmless, leaking ports is not.
      for (const sipId of context.mediaIds) this.#releaseMedia(sipId);
      if (call.hangupPending) return call.id; // the agent already hung up; nothing left to report
      const msg = errorText(err);
      // The command's error result tells the agent; a notice on top would say it twice.
      this.#end(call, { by: 'error', reason: msg }, { notify: false });
      throw new CallCommandError(`Call to ${call.remote.number} failed: ${msg}`);
    }
    if (call.hangupPending) {
      // The agent hung up while the INVITE was being sent: cancel it and free its media now.
      call.hangupPending = false;
      void sipCall.hangup().catch((err) => this.#log.warn(`call ${call.id}: cancel after early hang-up failed`, err));
      this.#releaseMedia(sipCall.id);
      return call.id;
    }
    this.#bind(call, sipCall);
    return call.id;
  }

  async answer(callId: string): Promise<void> {
    const call = this.#require(callId);
    // A second answer while the first is under way joins it: answering twice must not end the call.
    if (call.answering) return call.answering;
    const sip = call.sip;
    if (call.direction !== 'inbound' || call.state !== 'ringing' || !sip) throw new CallCommandError(`Cannot answer: the call is ${describe(call)}.`);
    const answering = this.#answer(call, sip);
    call.answering = answering;
    try {
      await answering;
    } finally {
      if (call.answering === answering) delete call.answering;
    }
  }

  async #answer(call: CallEntry, sip: SipCall): Promise<void> {
    await this.#holdOthers(call.id);
    // The caller may have hung up (CANCEL) while other calls were being held.
    if (call.state !== 'ringing') throw new CallCommandError(`Cannot answer: the call is ${describe(call)}.`);
    this.#stopRinging(call);
    call.media?.setRelaying(true);
    try {
      await sip.answer();
    } catch (err) {
      this.#end(call, { by: 'error', reason: failure('Answer failed', err) }, { notify: false });
      throw new CallCommandError(`Answering the call from ${call.remote.number} failed: ${errorText(err)}`);
    }
    this.#fire(call, 'accepted');
  }

  async decline(callId: string, reason: 'busy' | 'decline' = 'decline'): Promise<void> {
    const call = this.#require(callId);
    const sip = call.sip;
    if (call.direction !== 'inbound' || call.state !== 'ringing' || !sip) throw new CallCommandError(`Cannot decline: the call is ${describe(call)}.`);
    call.localEndReason = 'Declined';
    try {
      await sip.decline(reason === 'busy' ? 486 : 603);
    } catch (err) {
      this.#log.warn(`call ${call.id}: decline failed`, err);
    }
    this.#end(call, { by: 'local', reason: 'Declined', status: reason === 'busy' ? 486 : 603 });
  }

  async hangup(callId: string): Promise<void> {
    const call = this.#require(callId);
    if (!isLive(call.state)) throw new CallCommandError('The call has already ended.');
    if (!call.sip) {
      // sip.dial() has not resolved yet: show the call as ended now; dial() cancels it when it does.
      this.#end(call, { by: 'local', reason: 'Cancelled' });
      return;
    }
    await this.#hangupSip(call, call.sip);
  }

  async hold(callId: string, hold: boolean): Promise<void> {
    const call = this.#require(callId);
    const expected: CallStateName = hold ? 'connected' : 'held';
    if (call.state !== expected || !call.sip) throw new CallCommandError(`Cannot ${hold ? 'hold' : 'resume'}: the call is ${describe(call)}.`);
    // Holding (or resuming) a conference holds (resumes) every call in it.
    const conference = call.conferenceId ? this.#conferences.get(call.conferenceId) : undefined;
    const members = conference ? [call, ...conference.members.filter((m) => m !== call)] : [call];
    for (const member of members) {
      if (member.state === expected) await this.#holdOne(member, hold);
    }
  }

  async #holdOne(call: CallEntry, hold: boolean): Promise<void> {
    const sip = call.sip;
    if (!sip) return;
    try {
      await sip.setHold(hold);
    } catch (err) {
      throw new CallCommandError(`${failure(hold ? 'Hold failed' : 'Resume failed', err)}. Try again.`);
    }
    this.#fire(call, hold ? 'hold' : 'resume');
  }

  /**
   * A local 3-way conference: both calls (connected or held) are resumed and their SIP legs
   * mixed in the gateway, so the agent and both far ends hear each other. Each call keeps its
   * own controls; when one ends the other goes on as a normal call.
   */
  async conference(callIds: readonly [string, string]): Promise<string> {
    const [a, b] = callIds.map((id) => this.#require(id)) as [CallEntry, CallEntry];
    if (a === b) throw new CallCommandError('A conference needs two different calls.');
    for (const c of [a, b]) {
      if ((c.state !== 'connected' && c.state !== 'held') || !c.sip || !c.media) {
        throw new CallCommandError(`Cannot start a conference: the call with ${partyName(c)} is ${describe(c)}.`);
      }
      if (c.conferenceId) throw new CallCommandError(`Cannot start a conference: the call with ${partyName(c)} is already in a conference.`);
    }
    const gateway = this.#gateway;
    if (!gateway?.conference) throw new CallCommandError('Cannot start a conference: this media gateway cannot mix calls.');
    let mix: MediaConference;
    try {
      mix = gateway.conference([a.media!, b.media!]);
    } catch (err) {
      if (err instanceof ConferenceCodecError) {
        const who = [a, b].find((c) => c.media?.callId === err.callId);
        throw new CallCommandError(
          `Conference needs both calls on G.711 (PCMU/PCMA); ${who ? `the call with ${partyName(who)}` : 'one call'} uses ${err.codec}.`,
        );
      }
      throw new CallCommandError(`Cannot start a conference: ${errorText(err)}`);
    }
    // Mixing starts before the resumes: a leg still on hold sends silence until its re-INVITE completes.
    try {
      for (const c of [a, b]) if (c.state === 'held') await this.#holdOne(c, false);
    } catch (err) {
      mix.dispose();
      throw new CallCommandError(`${errorText(err).replace(/\. Try again\.$/, '')}; the conference was not started.`);
    }
    if (!isLive(a.state) || !isLive(b.state)) {
      mix.dispose();
      throw new CallCommandError('Cannot start a conference: one of the calls ended.');
    }
    const id = randomUUID();
    a.conferenceId = id;
    b.conferenceId = id;
    this.#conferences.set(id, { members: [a, b], mix });
    this.#log.info(`conference ${id}: calls ${a.id} and ${b.id}`);
    this.emit('changed');
    return id;
  }

  mute(callId: string, mute: boolean): void {
    const call = this.#require(callId);
    if (!isLive(call.state)) throw new CallCommandError('Cannot mute: the call has ended.');
    call.muted = mute;
    call.media?.setMuted(mute);
    this.emit('changed');
  }

  async dtmf(callId: string, digits: string): Promise<void> {
    const call = this.#require(callId);
    const sip = call.sip;
    if ((call.state !== 'connected' && call.state !== 'early') || !sip) throw new CallCommandError(`Cannot send tones: the call is ${describe(call)}.`);
    const sentInBand = call.media ? await call.media.sendDtmf(digits) : false;
    if (sentInBand) return;
    // The far end did not negotiate telephone-event: SIP INFO, one digit per request.
    this.#log.info(`call ${call.id}: RFC 4733 not negotiated, sending DTMF by SIP INFO`);
    for (const digit of digits) await sip.sendInfoDtmf(digit);
  }

  async transfer(callId: string, target: string): Promise<void> {
    const call = this.#require(callId);
    const sip = call.sip;
    if ((call.state !== 'connected' && call.state !== 'held') || !sip) throw new CallCommandError(`Cannot transfer: the call is ${describe(call)}.`);
    try {
      await sip.transfer(target);
    } catch (err) {
      throw new CallCommandError(`${failure(`Transfer to ${target} failed`, err)}. The caller is still on the line.`);
    }
    // Blind transfer: once the far end accepted the REFER our leg is done.
    call.localEndReason = `Transferred to ${target}`;
    await this.#hangupSip(call, sip);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#stopStats();
    const live = [...this.#calls.values()].filter((c) => isLive(c.state));
    await Promise.all(live.map((c) => (c.sip ? this.#hangupSip(c, c.sip) : Promise.resolve(this.#end(c, { by: 'local', reason: 'App closed' })))));
    for (const call of this.#calls.values()) {
      if (call.removalTimer) clearTimeout(call.removalTimer);
      if (!isLive(call.state)) this.#moveToHistory(call);
      for (const u of call.unsubscribe) u();
    }
    this.#calls.clear();
    for (const sipId of [...this.#media.keys()]) this.#releaseMedia(sipId);
    this.setAccount(undefined);
  }

  // ---- SIP events -----------------------------------------------------------------------

  #onIncoming(sipCall: SipCall): void {
    if (this.#disposed) {
      void sipCall.decline(486).catch(() => {});
      return;
    }
    const call = this.#newCall('inbound', sipCall.remote, 'ringing');
    this.#bind(call, sipCall);
    this.#log.info(`call ${call.id}: incoming from ${call.remote.number}`);
    this.emit('changed');
    call.ringing = true;
    this.emit('ring', call.id, true);
    this.emit('incoming', toSnapshot(call));
    if (this.#autoAnswer && !this.#hasOtherLiveCall(call.id)) {
      void this.answer(call.id).catch((err) => this.#log.warn(`call ${call.id}: auto-answer failed`, err));
    }
  }

  #hasOtherLiveCall(callId: string): boolean {
    return [...this.#calls.values()].some((c) => c.id !== callId && isLive(c.state));
  }

  #bind(call: CallEntry, sipCall: SipCall): void {
    call.sip = sipCall;
    if (call.direction === 'outbound' && sipCall.remote?.uri) call.remote = sipCall.remote;
    this.#bySipId.set(sipCall.id, call);
    const media = this.#media.get(sipCall.id);
    if (media) this.#attachMedia(call, media);
    else this.#log.warn(`call ${call.id}: SIP call ${sipCall.id} has no media yet`);
    call.unsubscribe.push(
      sipCall.on('progress', (p) => {
        if (p.earlyMedia) call.media?.setRelaying(true);
        this.#fire(call, p.earlyMedia ? 'earlyMedia' : 'ringing');
      }),
      sipCall.on('accepted', () => {
        call.media?.setRelaying(true);
        this.#fire(call, 'accepted');
      }),
      sipCall.on('remoteHold', (held) => {
        if (!isLive(call.state)) return;
        this.emit('notice', 'info', held ? `${partyName(call)} put the call on hold.` : `${partyName(call)} resumed the call.`);
      }),
      sipCall.on('ended', (ended) => this.#end(call, ended)),
    );
  }

  #attachMedia(call: CallEntry, media: CallMedia): void {
    if (call.media === media) return;
    call.media = media;
    if (call.muted) media.setMuted(true);
    if (media.mid) call.mid = media.mid;
    call.unsubscribe.push(
      media.on('rendererReady', (mid) => {
        call.mid = mid;
        this.emit('changed');
      }),
      media.on('error', (err) => {
        this.#log.error(`call ${call.id}: media error`, err);
        this.emit('notice', 'error', `Audio problem on the call with ${partyName(call)}: ${err.message}`);
      }),
    );
    this.#startStats();
  }

  // ---- transitions ----------------------------------------------------------------------

  #fire(call: CallEntry, event: CallEventName): boolean {
    const next = nextCallState(call.state, event);
    if (!next) {
      this.#log.warn(`call ${call.id}: event ${event} ignored in state ${call.state}`);
      return false;
    }
    if (next === call.state) return true;
    this.#log.info(`call ${call.id}: ${call.state} -> ${next}`);
    call.state = next;
    if (next === 'connected' && call.connectedAt === undefined) call.connectedAt = this.#now();
    this.#stopRinging(call);
    this.emit('changed');
    return true;
  }

  #end(call: CallEntry, ended: SipEnded, options: { notify?: boolean } = {}): void {
    if (!isLive(call.state)) {
      this.#log.debug(`call ${call.id}: already ended, ignoring end (${ended.reason})`);
      return;
    }
    call.endReason = ended.by === 'local' && call.localEndReason ? call.localEndReason : ended.reason;
    if (ended.status !== undefined) call.endStatus = ended.status;
    call.endedAt = this.#now();
    // Ended while sip.dial() is still under way (hang up, shutdown): dial() cancels the INVITE when it returns.
    if (!call.sip && call.direction === 'outbound') call.hangupPending = true;
    const answered = call.connectedAt !== undefined;
    this.#leaveConference(call);
    if (call.direction === 'inbound' && !answered && ended.by !== 'local') call.missed = true;
    this.#fire(call, 'end');
    this.#log.info(`call ${call.id}: ended by ${ended.by}${ended.status ? ` (${ended.status})` : ''}: ${call.endReason}`);
    if (call.sip) this.#releaseMedia(call.sip.id);
    call.media = undefined;
    if (answered) this.#agent.callEnded();
    if (options.notify === false) {
      // The caller reports this failure itself.
    } else if (call.direction === 'outbound' && !answered && ended.by !== 'local') {
      this.emit('notice', 'error', `Call to ${call.remote.number} failed: ${call.endReason}`);
    } else if (call.missed) {
      this.emit('notice', 'info', `Missed call from ${partyName(call)}`);
    }
    call.removalTimer = setTimeout(() => {
      this.#moveToHistory(call);
      this.emit('changed');
    }, this.#lingerMs);
    call.removalTimer.unref?.();
    if (!this.hasLiveCalls()) this.#stopStats();
  }

  /** The call leaves its conference; a single call left over is a normal call again (plain relay). */
  #leaveConference(call: CallEntry): void {
    const id = call.conferenceId;
    if (!id) return;
    delete call.conferenceId;
    const conference = this.#conferences.get(id);
    if (!conference) return;
    conference.members = conference.members.filter((m) => m !== call);
    if (call.media) conference.mix.remove(call.media.callId);
    if (conference.members.length < 2) {
      conference.mix.dispose();
      for (const m of conference.members) delete m.conferenceId;
      this.#conferences.delete(id);
      this.#log.info(`conference ${id}: ended`);
    }
  }

  #moveToHistory(call: CallEntry): void {
    if (!this.#calls.delete(call.id)) return;
    for (const u of call.unsubscribe) u();
    call.unsubscribe = [];
    if (call.sip) this.#bySipId.delete(call.sip.id);
    const durationSec = call.connectedAt !== undefined ? Math.max(0, Math.round(((call.endedAt ?? this.#now()) - call.connectedAt) / 1000)) : 0;
    this.#history.add({
      callId: call.id,
      direction: call.direction,
      remote: call.remote,
      startedAt: call.startedAt,
      durationSec,
      missed: call.missed ?? false,
      ...(call.endReason ? { endReason: call.endReason } : {}),
    });
  }

  #stopRinging(call: CallEntry): void {
    if (!call.ringing) return;
    call.ringing = false;
    this.emit('ring', call.id, false);
  }

  async #hangupSip(call: CallEntry, sip: SipCall): Promise<void> {
    try {
      await sip.hangup();
    } catch (err) {
      // The far end or the transport is gone: the call is over for the agent either way.
      this.#log.warn(`call ${call.id}: hangup failed`, err);
    }
    const reason = call.state === 'connected' || call.state === 'held' ? 'Hung up' : call.direction === 'inbound' ? 'Declined' : 'Cancelled';
    this.#end(call, { by: 'local', reason });
  }

  async #holdOthers(exceptId: string): Promise<void> {
    for (const other of this.#calls.values()) {
      if (other.id === exceptId || other.state !== 'connected') continue;
      try {
        await this.hold(other.id, true);
      } catch (err) {
        this.#log.warn(`call ${other.id}: could not hold before switching calls`, err);
      }
    }
  }

  #releaseMedia(sipCallId: string): void {
    const media = this.#media.get(sipCallId);
    if (!media) return;
    this.#media.delete(sipCallId);
    try {
      media.setRelaying(false);
    } catch {
      // Disposing below is what matters.
    }
    media.dispose();
  }

  // ---- stats polling --------------------------------------------------------------------

  #startStats(): void {
    if (this.#statsTimer || this.#disposed) return;
    this.#statsTimer = setInterval(() => this.pollStats(), this.#statsMs);
    this.#statsTimer.unref?.();
  }

  #stopStats(): void {
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
  }

  /** Reads every live call's media stats; emits `changed` only when some value moved. */
  pollStats(): void {
    let changed = false;
    for (const call of this.#calls.values()) {
      if (!isLive(call.state) || !call.media) continue;
      let stats: CallMediaStats;
      try {
        stats = call.media.stats();
      } catch (err) {
        this.#log.debug(`call ${call.id}: stats unavailable`, err);
        continue;
      }
      if (JSON.stringify(stats) !== JSON.stringify(call.stats)) {
        call.stats = stats;
        changed = true;
      }
    }
    if (changed) this.emit('changed');
  }

  // ---- helpers --------------------------------------------------------------------------

  #newCall(direction: 'inbound' | 'outbound', remote: RemoteParty, state: CallStateName): CallEntry {
    const call: CallEntry = { id: randomUUID(), direction, remote, state, muted: false, startedAt: this.#now(), stats: EMPTY_STATS, unsubscribe: [] };
    this.#calls.set(call.id, call);
    return call;
  }

  #require(callId: string): CallEntry {
    const call = this.#calls.get(callId);
    if (!call) throw new CallCommandError('That call no longer exists.');
    return call;
  }
}

function toSnapshot(call: CallEntry): CallSnapshot {
  return {
    id: call.id,
    direction: call.direction,
    remote: call.remote,
    state: call.state,
    muted: call.muted,
    startedAt: call.startedAt,
    media: call.stats,
    ...(call.connectedAt !== undefined ? { connectedAt: call.connectedAt } : {}),
    ...(call.endedAt !== undefined ? { endedAt: call.endedAt } : {}),
    ...(call.endReason !== undefined ? { endReason: call.endReason } : {}),
    ...(call.endStatus !== undefined ? { endStatus: call.endStatus } : {}),
    ...(call.missed ? { missed: true } : {}),
    ...(call.mid !== undefined ? { mid: call.mid } : {}),
    ...(call.conferenceId !== undefined ? { conferenceId: call.conferenceId } : {}),
  };
}

/** What the agent sees for a call they dial, until SIP tells us the full remote URI. */
export function remoteFromTarget(target: string): RemoteParty {
  const m = /^sips?:([^@;?]+)@/i.exec(target);
  return { number: m ? decodeURIComponent(m[1]!) : target, uri: target };
}

function partyName(call: CallEntry): string {
  return call.remote.displayName || call.remote.number;
}

function describe(call: CallEntry): string {
  const words: Record<CallStateName, string> = {
    calling: 'still being placed',
    ringing: call.direction === 'inbound' ? 'ringing' : 'ringing at the far end',
    early: 'ringing at the far end',
    connected: 'connected',
    held: 'on hold',
    ended: 'already ended',
  };
  return words[call.state];
}

/** "Hold failed: 488 Not Acceptable Here", without doubling a prefix the SIP error already has. */
function failure(prefix: string, err: unknown): string {
  const msg = errorText(err);
  const what = prefix.split(' ', 1)[0]!.toLowerCase();
  return msg.toLowerCase().startsWith(`${what} failed`) ? msg.replace(/^\S+ failed/i, prefix) : `${prefix}: ${msg}`;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
