// sip.js SessionDescriptionHandler for plain RTP/AVP toward the SIP far end. sip.js only tells
// us "give me a description" / "here is one"; whether that is an offer or an answer follows
// from our own state (a pending local offer means the next remote SDP is its answer). Hold is
// decided here too: sip.js passes options through but knows nothing about directions.
import type { BodyAndContentType, SessionDescriptionHandler } from 'sip.js';
import type { MediaDirection, NegotiatedMedia, SipMediaPort } from '../gateway/types';
import {
  LOCAL_CODECS,
  LOCAL_TELEPHONE_EVENT,
  SdpNegotiationError,
  answerDirection,
  buildSdp,
  chooseCodec,
  parseSdp,
  toNegotiated,
  type Choice,
  type ParsedAudio,
} from './sdp';

export interface PlainRtpSdhEvents {
  /** Every completed offer/answer, after the media port was told. */
  negotiated?: (media: NegotiatedMedia) => void;
  /** The far end's offer put us on hold (sendonly/inactive/c=0.0.0.0) or took us off it. */
  remoteHold?: (held: boolean) => void;
  /** A negotiation failure (kept by the call to explain why it ended). */
  error?: (error: Error) => void;
}

export interface PlainRtpSdhOptions {
  /** The call's media; awaited before the first SDP is built. */
  media: () => Promise<SipMediaPort>;
  events?: PlainRtpSdhEvents;
}

function isHeld(audio: ParsedAudio): boolean {
  return audio.direction === 'sendonly' || audio.direction === 'inactive' || audio.address === '0.0.0.0';
}

export class PlainRtpSessionDescriptionHandler implements SessionDescriptionHandler {
  readonly #options: PlainRtpSdhOptions;
  readonly #sessionId = String(Math.floor(Math.random() * 1e9) + 1);
  #version = 0;
  #localHold = false;
  #remoteHold = false;
  #pendingLocalOffer: { direction: MediaDirection } | undefined;
  #pendingRemoteOffer: { audio: ParsedAudio; choice: Choice } | undefined;
  #closed = false;
  #last: NegotiatedMedia | undefined;

  constructor(options: PlainRtpSdhOptions) {
    this.#options = options;
  }

  /** The next offer we make says a=sendonly (hold) or a=sendrecv (resume). */
  setLocalHold(hold: boolean): void {
    this.#localHold = hold;
  }

  get localHold(): boolean {
    return this.#localHold;
  }

  get remoteHold(): boolean {
    return this.#remoteHold;
  }

  get negotiated(): NegotiatedMedia | undefined {
    return this.#last;
  }

  close(): void {
    this.#closed = true;
    this.#pendingLocalOffer = undefined;
    this.#pendingRemoteOffer = undefined;
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]?.trim().toLowerCase() === 'application/sdp';
  }

  async getDescription(): Promise<BodyAndContentType> {
    if (this.#closed) throw new Error('session description handler is closed');
    const media = await this.#options.media();
    this.#version++;
    const pending = this.#pendingRemoteOffer;
    if (pending) {
      // Answer: only the chosen codec (+ telephone-event with the offerer's PT).
      this.#pendingRemoteOffer = undefined;
      const direction = answerDirection(pending.audio.direction, this.#localHold);
      const body = buildSdp({
        sessionId: this.#sessionId,
        version: this.#version,
        address: media.localAddress,
        port: media.rtpPort,
        codecs: [pending.choice.codec],
        telephoneEvent: pending.choice.telephoneEvent,
        direction,
      });
      this.#apply(media, toNegotiated(pending.audio, pending.choice, direction));
      const held = isHeld(pending.audio);
      if (held !== this.#remoteHold) {
        this.#remoteHold = held;
        this.#options.events?.remoteHold?.(held);
      }
      return { body, contentType: 'application/sdp' };
    }
    const direction: MediaDirection = this.#localHold ? 'sendonly' : 'sendrecv';
    this.#pendingLocalOffer = { direction };
    const body = buildSdp({
      sessionId: this.#sessionId,
      version: this.#version,
      address: media.localAddress,
      port: media.rtpPort,
      codecs: LOCAL_CODECS,
      telephoneEvent: LOCAL_TELEPHONE_EVENT,
      direction,
    });
    return { body, contentType: 'application/sdp' };
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.#closed) throw new Error('session description handler is closed');
    try {
      const parsed = parseSdp(sdp);
      const media = await this.#options.media();
      if (this.#pendingLocalOffer) {
        // The far end's answer to our offer.
        this.#pendingLocalOffer = undefined;
        if (!parsed.audio) throw new SdpNegotiationError('The far end rejected the audio stream');
        const choice = chooseCodec(parsed.audio.codecs);
        this.#apply(media, toNegotiated(parsed.audio, choice, answerDirection(parsed.audio.direction, this.#localHold)));
        return;
      }
      // An offer (initial INVITE, re-INVITE, or an offer in a 200 to our offerless INVITE).
      if (!parsed.audio) throw new SdpNegotiationError('The far end offered no audio stream');
      this.#pendingRemoteOffer = { audio: parsed.audio, choice: chooseCodec(parsed.audio.codecs) };
    } catch (error) {
      this.#options.events?.error?.(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  /** Our re-INVITE offer was refused (491/488): forget it so the next SDP is a fresh offer. */
  async rollbackDescription(): Promise<void> {
    this.#pendingLocalOffer = undefined;
  }

  /** RFC 4733 is the gateway's job and SIP INFO the call's; sip.js's own DTMF path is unused. */
  sendDtmf(): boolean {
    return false;
  }

  #apply(media: SipMediaPort, negotiated: NegotiatedMedia): void {
    this.#last = negotiated;
    media.applyNegotiation(negotiated);
    this.#options.events?.negotiated?.(negotiated);
  }
}
