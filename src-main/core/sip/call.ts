// One call as the call layer sees it (SipCall), on top of a sip.js Inviter or Invitation.
// Named states; anything asked in the wrong state is refused with a clear error, and every way
// a session can end (reject, CANCEL, BYE, timeout, failed negotiation) becomes one 'ended'
// event with plain words.
import { Invitation, Inviter, SessionState, type Core, type Session, type URI } from 'sip.js';
import type { CallDirection, RemoteParty } from '../../../shared/types';
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';
import type { PlainRtpSessionDescriptionHandler } from './sdh';
import { SdpNegotiationError, SdpParseError } from './sdp';
import type { SipCall, SipCallEvents, SipEnded } from './types';
import { callFailureReason } from './wording';

export type SipCallState = 'calling' | 'early' | 'ringing' | 'answering' | 'connected' | 'ending' | 'ended';

/** The operation is not possible in the call's current state (e.g. answer() on an outbound call). */
export class SipCallStateError extends Error {
  override readonly name = 'SipCallStateError';
}

/** The far end refused a mid-call request (hold, transfer, INFO). */
export class SipRequestFailedError extends Error {
  override readonly name = 'SipRequestFailedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const DTMF_DIGIT = /^[0-9*#A-Da-d]$/;

export interface SipCallInit {
  id: string;
  direction: CallDirection;
  remote: RemoteParty;
  session: Session;
  sdh: () => PlainRtpSessionDescriptionHandler | undefined;
  /** Resolves a dial string / URI for REFER. */
  makeTarget: (target: string) => URI;
  /** Called once when the session is over (media release). */
  onTerminated: () => void;
  log: Logger;
}

export class SipCallImpl extends TypedEmitter<SipCallEvents> implements SipCall {
  readonly id: string;
  readonly direction: CallDirection;
  readonly remote: RemoteParty;
  readonly #session: Session;
  readonly #init: SipCallInit;
  readonly #log: Logger;
  #state: SipCallState;
  #ended: SipEnded | undefined;
  #negotiationError: Error | undefined;

  constructor(init: SipCallInit) {
    super();
    this.id = init.id;
    this.direction = init.direction;
    this.remote = init.remote;
    this.#session = init.session;
    this.#init = init;
    this.#log = init.log;
    this.#state = init.direction === 'outbound' ? 'calling' : 'ringing';
    this.#session.stateChange.addListener((state) => this.#onSessionState(state));
    this.#session.delegate = {
      onBye: (bye) => {
        this.#setEnd({ by: 'remote', reason: 'Hung up by remote party' });
        void bye.accept().catch((error: unknown) => this.#log.warn('could not answer BYE', error));
      },
      onCancel: () => this.#setEnd({ by: 'remote', reason: 'Cancelled by caller' }),
      onInfo: (info) => {
        // We only expect DTMF relay; accept anything so the far end does not tear the call down.
        void info.accept().catch((error: unknown) => this.#log.warn('could not answer INFO', error));
      },
      onRefer: (referral) => {
        // Being transferred by the far end is not supported yet: refuse clearly.
        void referral.reject({ statusCode: 603 }).catch(() => undefined);
      },
    };
  }

  get state(): SipCallState {
    return this.#state;
  }

  get session(): Session {
    return this.#session;
  }

  /** A failure from the SDH (kept to explain an ending: "No common audio codec (offered: ...)"). */
  noteNegotiationError(error: Error): void {
    // A refused re-INVITE mid-call does not end the call; only the setup's failure explains an end.
    if (this.#state === 'connected' || this.#state === 'ended') return;
    this.#negotiationError ??= error;
  }

  /** Outbound: sends the INVITE; events follow. Resolves once it is on its way. */
  async start(): Promise<void> {
    const inviter = this.#session;
    if (!(inviter instanceof Inviter)) throw new SipCallStateError('only outbound calls are started');
    await inviter.invite({
      requestDelegate: {
        onProgress: (response) => this.#onProgress(response),
        onReject: (response) => {
          const { statusCode = 0, reasonPhrase = '' } = response.message;
          if (this.#ended) return;
          if (statusCode === 487 && this.#state === 'ending') {
            this.#setEnd({ by: 'local', status: 487, reason: 'Cancelled' });
          } else {
            this.#setEnd({ by: 'remote', status: statusCode, reason: callFailureReason(statusCode, reasonPhrase) });
          }
        },
      },
    });
  }

  #onProgress(response: Core.IncomingResponse): void {
    const { statusCode = 0, reasonPhrase = '', body } = response.message;
    if (statusCode === 100) return;
    const earlyMedia = !!body && statusCode >= 180 && statusCode < 200;
    if (this.#state === 'calling') this.#state = 'early';
    this.emit('progress', { status: statusCode, reason: reasonPhrase, earlyMedia });
  }

  async answer(): Promise<void> {
    const invitation = this.#session;
    if (!(invitation instanceof Invitation)) throw new SipCallStateError('only an inbound call can be answered');
    if (this.#state !== 'ringing') throw new SipCallStateError(`cannot answer a call that is ${this.#state}`);
    this.#state = 'answering';
    try {
      await invitation.accept();
    } catch (error) {
      if (!this.#ended) this.#setEnd({ by: 'error', reason: `Could not answer: ${error instanceof Error ? error.message : String(error)}` });
      throw error;
    }
  }

  async decline(status: 486 | 603): Promise<void> {
    const invitation = this.#session;
    if (!(invitation instanceof Invitation)) throw new SipCallStateError('only an inbound call can be declined');
    if (this.#state !== 'ringing') throw new SipCallStateError(`cannot decline a call that is ${this.#state}`);
    this.#state = 'ending';
    this.#setEnd({ by: 'local', status, reason: status === 486 ? 'Busy' : 'Declined' });
    await invitation.reject({ statusCode: status });
  }

  async hangup(): Promise<void> {
    const s = this.#session;
    switch (this.#state) {
      case 'ended':
      case 'ending':
        return;
      case 'calling':
      case 'early':
        this.#state = 'ending';
        this.#setEnd({ by: 'local', reason: 'Cancelled' });
        if (s instanceof Inviter) await s.cancel();
        return;
      case 'ringing':
        this.#state = 'ending';
        this.#setEnd({ by: 'local', status: 486, reason: 'Declined' });
        if (s instanceof Invitation) await s.reject({ statusCode: 486 });
        return;
      case 'answering':
      case 'connected':
        this.#state = 'ending';
        this.#setEnd({ by: 'local', reason: 'Hung up' });
        if (s.state === SessionState.Established) await s.bye();
        else if (s instanceof Inviter) await s.cancel();
        return;
    }
  }

  async setHold(hold: boolean): Promise<void> {
    if (this.#state !== 'connected') throw new SipCallStateError(`cannot ${hold ? 'hold' : 'resume'} a call that is ${this.#state}`);
    const sdh = this.#init.sdh();
    if (!sdh) throw new SipCallStateError('the call has no media yet');
    const previous = sdh.localHold;
    sdh.setLocalHold(hold);
    try {
      await this.#awaitFinal((requestDelegate) => this.#session.invite({ requestDelegate }), hold ? 'Hold' : 'Resume');
    } catch (error) {
      sdh.setLocalHold(previous);
      throw error;
    }
  }

  async sendInfoDtmf(digit: string): Promise<void> {
    if (this.#state !== 'connected') throw new SipCallStateError(`cannot send DTMF on a call that is ${this.#state}`);
    if (!DTMF_DIGIT.test(digit)) throw new RangeError(`"${digit}" is not a DTMF digit (0-9, *, #, A-D)`);
    const content = `Signal=${digit.toUpperCase()}\r\nDuration=160\r\n`;
    await this.#awaitFinal(
      (requestDelegate) =>
        this.#session.info({
          requestDelegate,
          requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content } },
        }),
      'DTMF',
    );
  }

  async transfer(target: string): Promise<void> {
    if (this.#state !== 'connected') throw new SipCallStateError(`cannot transfer a call that is ${this.#state}`);
    const uri = this.#init.makeTarget(target);
    await this.#awaitFinal((requestDelegate) => this.#session.refer(uri, { requestDelegate }), 'Transfer');
  }

  /** Sends a request and waits for its final response; rejects with plain words on failure. */
  #awaitFinal(send: (delegate: Core.OutgoingRequestDelegate) => Promise<unknown>, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const delegate: Core.OutgoingRequestDelegate = {
        onAccept: () => resolve(),
        onReject: (response) => {
          const { statusCode = 0, reasonPhrase = '' } = response.message;
          reject(new SipRequestFailedError(`${what} failed: ${statusCode} ${reasonPhrase}`, statusCode));
        },
      };
      send(delegate).catch((error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
    });
  }

  #setEnd(ended: SipEnded): void {
    this.#ended ??= ended;
  }

  #onSessionState(state: SessionState): void {
    switch (state) {
      case SessionState.Established:
        if (this.#state === 'ending' || this.#state === 'ended') return;
        this.#state = 'connected';
        this.emit('accepted');
        return;
      case SessionState.Terminated:
        // sip.js terminates the session before it calls the request delegate with the final
        // response that explains why: let that callback run first.
        queueMicrotask(() => this.#onTerminated());
        return;
      default:
        return;
    }
  }

  #onTerminated(): void {
    if (this.#state === 'ended') return;
    const was = this.#state;
    this.#state = 'ended';
    let ended = this.#ended;
    // sip.js gives up on an unanswered inbound call itself (480 after its no-answer timeout).
    if (!ended && was === 'ringing') ended = { by: 'local', status: 480, reason: 'Not answered' };
    const negotiation = this.#negotiationError;
    if (negotiation && (!ended || ended.status === 488 || ended.by !== 'local')) {
      const status = negotiation instanceof SdpNegotiationError ? negotiation.status : negotiation instanceof SdpParseError ? 488 : undefined;
      ended = { by: 'error', ...(status ? { status } : {}), reason: negotiation.message };
    }
    ended ??= { by: 'error', reason: 'Call ended' };
    try {
      this.#init.onTerminated();
    } finally {
      this.emit('ended', ended);
    }
  }


  /** The far end's offer put us on hold or resumed (called by the SDH). */
  noteRemoteHold(held: boolean): void {
    if (this.#state === 'connected') this.emit('remoteHold', held);
  }
}
