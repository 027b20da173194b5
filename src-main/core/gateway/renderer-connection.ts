// The one long-lived werift RTCPeerConnection to the renderer, and the per-call transceiver
// slots on it.
//
// Offer/answer dance (see README-gateway.md):
//  1. The renderer offers first, once, after microphone permission (one audio m-line, mid "0").
//     We answer with a=setup:passive (werift as DTLS server connects faster). That first m-line
//     stays an idle slot (inactive) until a call takes it.
//  2. Every later change is offered by the core: a call needing audio takes an idle slot (or adds
//     a transceiver), restricts it to exactly the SIP leg's codec (+ telephone-event/8000 if the
//     SIP leg has it) with setCodecPreferences and sets it sendrecv; an ended call's slot goes
//     back to inactive. Changes are coalesced: at most one offer is in flight; changes made
//     meanwhile trigger one more offer after the answer.
//  3. The renderer answers (attaching its microphone track to every sendrecv transceiver). When
//     the answer is applied, each waiting call learns its mid (rendererReady).
//  4. Glare (a renderer offer while ours is in flight): we are the polite side, roll back ours,
//     answer theirs, then offer again. A renderer offer with a new DTLS fingerprint is a new
//     renderer peer connection (page reload): we replace ours and re-attach every call.
import {
  MediaStreamTrack as WeriftTrack,
  RTCDtlsTransport,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';
import { RendererNegotiationError } from './errors';
import { TELEPHONE_EVENT, toWeriftCodec, weriftCodecTable, type RendererCodec } from './codecs';
import type { RtpHeaderFields } from './rtp';

export type RtcState = 'idle' | 'connecting' | 'connected' | 'failed';

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

/** What a call (or the echo test) gives the connection to receive its slot's audio. */
export interface SlotOwner {
  readonly label: string;
  /** RTP from the renderer on this owner's transceiver. */
  onRendererRtp(packet: RtpPacket): void;
  /** The transceiver is negotiated with the requested codec; `slot` can send. */
  onRendererReady(slot: RendererSlot): void;
  /**
   * The renderer connection went away. `willReattach`: it is being replaced by a new one (page
   * reload) and a new onRendererReady follows; false when it failed and nothing will follow.
   */
  onRendererLost(reason: string, info: RendererLostInfo): void;
}

export interface RendererLostInfo {
  willReattach: boolean;
}

interface SlotRequest {
  codec: RendererCodec;
  telephoneEvent: boolean;
}

/** One transceiver on the renderer connection. */
export class RendererSlot {
  owner: SlotOwner | undefined;
  request: SlotRequest | undefined;
  /** Request that the renderer has answered (what is on the wire now). */
  negotiated: SlotRequest | undefined;
  /** Owner that was last told this slot is ready. */
  readyOwner: SlotOwner | undefined;
  readonly #subscribed = new Set<string>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(readonly transceiver: RTCRtpTransceiver) {}

  get mid(): string | undefined {
    return this.transceiver.mid ?? undefined;
  }

  /** Subscribes to remote tracks of this transceiver not seen yet (a reused transceiver may get a new one). */
  watchTracks(): void {
    for (const track of this.transceiver.receiver.tracks) {
      if (this.#subscribed.has(track.uuid)) continue;
      this.#subscribed.add(track.uuid);
      const { unSubscribe } = track.onReceiveRtp.subscribe((packet) => this.owner?.onRendererRtp(packet));
      this.#unsubscribe.push(unSubscribe);
    }
  }

  /** Sends one packet of the negotiated audio codec (payload untouched). */
  sendAudio(header: Omit<RtpHeaderFields, 'payloadType' | 'ssrc'>, payload: Buffer): void {
    const negotiated = this.negotiated;
    if (!negotiated) return;
    const packet = new RtpPacket(
      new RtpHeader({
        marker: header.marker,
        payloadType: negotiated.codec.payloadType,
        sequenceNumber: header.sequenceNumber,
        timestamp: header.timestamp,
      }),
      payload,
    );
    void this.transceiver.sender.sendRtp(packet).catch(() => undefined);
  }

  /** Sends a telephone-event packet. werift's sender would relabel it with the audio PT, so it goes to the transport directly with the sender's SSRC. */
  sendTelephoneEvent(header: Omit<RtpHeaderFields, 'payloadType' | 'ssrc'>, payload: Buffer): void {
    if (!this.negotiated?.telephoneEvent) return;
    const sender = this.transceiver.sender;
    const transport = sender.dtlsTransport;
    if (!transport || transport.state !== 'connected') return;
    const rtpHeader = new RtpHeader({
      marker: header.marker,
      payloadType: TELEPHONE_EVENT.payloadType,
      sequenceNumber: header.sequenceNumber,
      timestamp: header.timestamp,
      ssrc: sender.ssrc,
    });
    void transport.sendRtp(payload, rtpHeader).catch(() => undefined);
  }

  /** Telephone-event payload type on the renderer leg. */
  get telephoneEventPayloadType(): number {
    return TELEPHONE_EVENT.payloadType;
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#subscribed.clear();
  }
}

export interface RendererConnectionEvents {
  description: (description: SessionDescription) => void;
  state: (state: RtcState) => void;
}

const FINGERPRINT = /^a=fingerprint:(.+)$/m;
const ICE_UFRAG = /^a=ice-ufrag:(.+)$/m;
/** No SDP step may wedge signalling for good (a stuck werift promise would block every later call). */
const TASK_TIMEOUT_MS = 10_000;
/** An offer the renderer never answers (lost on a signalling reconnect) is withdrawn and sent again. */
const ANSWER_TIMEOUT_MS = 5_000;

/** Identifies one renderer peer connection: its DTLS fingerprint and ICE credentials. A renderer ICE restart also counts as new (calls survive it). */
function sessionKey(sdp: string): string | undefined {
  const fingerprint = FINGERPRINT.exec(sdp)?.[1]?.trim();
  const ufrag = ICE_UFRAG.exec(sdp)?.[1]?.trim();
  return fingerprint || ufrag ? `${fingerprint ?? ''}|${ufrag ?? ''}` : undefined;
}
const HOST_CANDIDATE_ADDRESS = '127.0.0.1';

/** Browser candidates we accept: IPv4 loopback only (no mDNS names, no LAN addresses). */
export function keepLoopbackCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const parts = line.split(' ');
      return parts[4] === HOST_CANDIDATE_ADDRESS && parts[2]?.toLowerCase() === 'udp';
    })
    .join('\r\n');
}

export class RendererConnection extends TypedEmitter<RendererConnectionEvents> {
  #pc: RTCPeerConnection | undefined;
  #pcDisposers: (() => void)[] = [];
  #slots: RendererSlot[] = [];
  #state: RtcState = 'idle';
  #remoteFingerprint: string | undefined;
  /** All SDP operations run one after another. */
  #chain: Promise<void> = Promise.resolve();
  #offerInFlight = false;
  #answerTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #disposed = false;
  /** Owners that asked for a slot, with what they asked for (survives a renderer reconnect). */
  readonly #requests = new Map<SlotOwner, SlotRequest>();

  readonly #answerTimeoutMs: number;

  constructor(
    private readonly log: Logger,
    opts: { answerTimeoutMs?: number } = {},
  ) {
    super();
    this.#answerTimeoutMs = opts.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    // werift makes its DTLS certificate (one per process) lazily on the first offer/answer,
    // which would add ~0.3 s to the renderer's first connection: make it now, while idle.
    void RTCDtlsTransport.SetupCertificate().catch((error: unknown) => log.warn('DTLS certificate setup failed', error));
  }

  get state(): RtcState {
    return this.#state;
  }

  get hasRenderer(): boolean {
    return this.#pc !== undefined && this.#remoteFingerprint !== undefined;
  }

  /** Gives `owner` a transceiver restricted to `codec` (and telephone-event if asked), or updates its codec. */
  attach(owner: SlotOwner, codec: RendererCodec, telephoneEvent: boolean): void {
    if (this.#disposed) return;
    const request = { codec, telephoneEvent };
    const previous = this.#requests.get(owner);
    this.#requests.set(owner, request);
    const existing = this.#slots.find((s) => s.owner === owner);
    if (existing && previous && previous.codec === codec && previous.telephoneEvent === telephoneEvent) return;
    if (!this.#pc) return; // attached when the renderer connects
    this.#assign(owner, request, existing);
    this.#scheduleNegotiation();
  }

  /** Frees the owner's transceiver for reuse (it becomes inactive). */
  detach(owner: SlotOwner): void {
    this.#requests.delete(owner);
    const slot = this.#slots.find((s) => s.owner === owner);
    if (!slot) return;
    slot.owner = undefined;
    slot.request = undefined;
    slot.readyOwner = undefined;
    if (!this.#disposed && !slot.transceiver.stopped) {
      slot.transceiver.setDirection('inactive');
      this.#scheduleNegotiation();
    }
  }

  /** An SDP from the renderer. Rejects with RendererNegotiationError if it cannot be applied. */
  handleRemoteDescription(description: SessionDescription): Promise<void> {
    this.log.debug(`renderer ${description.type} received`);
    return this.#enqueue(async () => {
      if (this.#disposed) return;
      this.log.debug(`applying renderer ${description.type}`);
      const sdp = keepLoopbackCandidates(description.sdp);
      if (description.type === 'offer') await this.#handleOffer(sdp);
      else await this.#handleAnswer(sdp);
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#requests.clear();
    await this.#closePc();
    this.#setState('idle');
    this.removeAllListeners();
  }

  // --- internals -------------------------------------------------------------------------

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RendererNegotiationError('renderer SDP step timed out')), TASK_TIMEOUT_MS);
        timer.unref();
      });
      return Promise.race([task(), timeout]).finally(() => clearTimeout(timer));
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #createPc(): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: [HOST_CANDIDATE_ADDRESS],
      iceInterfaceAddresses: { udp4: HOST_CANDIDATE_ADDRESS },
      iceUseIpv6: false,
      iceUseTcp: false,
      iceTcpPassive: false,
      bundlePolicy: 'max-bundle',
      codecs: { audio: weriftCodecTable() },
      headerExtensions: { audio: [] },
    });
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (pc !== this.#pc) return;
      this.log.info(`renderer connection ${state}`);
      if (state === 'connected') this.#setState('connected');
      else if (state === 'failed' || state === 'closed') {
        this.#setState('failed');
        for (const slot of this.#slots) slot.owner?.onRendererLost(`renderer connection ${state}`, { willReattach: false });
      } else if (state === 'connecting' || state === 'new') this.#setState('connecting');
    });
    this.#pcDisposers = [unSubscribe];
    return pc;
  }

  async #closePc(): Promise<void> {
    const pc = this.#pc;
    this.#pc = undefined;
    this.#remoteFingerprint = undefined;
    for (const dispose of this.#pcDisposers.splice(0)) dispose();
    for (const slot of this.#slots) slot.dispose();
    this.#slots = [];
    this.#offerInFlight = false;
    clearTimeout(this.#answerTimer);
    if (!pc) return;
    // werift's close() can wait a long time when the browser side is already gone (DTLS close
    // toward a dead peer): never let it hold up the next renderer offer.
    const closed = pc.close().catch(() => undefined);
    await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 200).unref())]);
  }

  #setState(state: RtcState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }

  async #handleOffer(sdp: string): Promise<void> {
    const startedAt = performance.now();
    const fingerprint = sessionKey(sdp);
    if (!this.#pc || (fingerprint && fingerprint !== this.#remoteFingerprint)) {
      // A new renderer peer connection (first start or page reload): start over, keep the calls.
      const hadRenderer = this.#pc !== undefined;
      await this.#closePc();
      if (hadRenderer) for (const owner of this.#requests.keys()) owner.onRendererLost('renderer reconnected', { willReattach: true });
      this.#pc = this.#createPc();
      this.#setState('connecting');
    }
    const pc = this.#pc;
    if (this.#offerInFlight && pc.signalingState === 'have-local-offer') {
      this.log.info('renegotiation glare: rolling back our offer, answering the renderer');
      await pc.setLocalDescription({ type: 'rollback' });
      this.#offerInFlight = false;
      clearTimeout(this.#answerTimer);
      this.#dirty = true;
    }
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
    } catch (error) {
      throw new RendererNegotiationError(`renderer offer rejected: ${(error as Error).message}`);
    }
    this.#remoteFingerprint = fingerprint;
    this.#adoptTransceivers(pc);
    // Transceivers nobody uses stay inactive: the browser then sends nothing on them.
    for (const slot of this.#slots) {
      if (!slot.owner && !slot.transceiver.stopped) slot.transceiver.setDirection('inactive');
    }
    // werift as DTLS server (a=setup:passive) shaves ~50 ms off the handshake. Munging the SDP
    // does not work (werift rewrites a=setup from the transport's role), so set the role itself;
    // only a transport that has not chosen yet ('auto') can, later answers keep the role.
    for (const transport of pc.dtlsTransports) if (transport.role === 'auto') transport.role = 'server';
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.emit('description', { type: 'answer', sdp: keepLoopbackCandidates(pc.localDescription?.sdp ?? answer.sdp) });
    this.log.debug(`answered the renderer offer in ${Math.round(performance.now() - startedAt)} ms`);
    this.#afterNegotiation();
    // Calls that were waiting for the renderer (or survived a reconnect) get their slots now.
    let changed = false;
    for (const [owner, request] of this.#requests) {
      const slot = this.#slots.find((s) => s.owner === owner);
      if (!slot || slot.negotiated?.codec !== request.codec || slot.negotiated.telephoneEvent !== request.telephoneEvent) {
        this.#assign(owner, request, slot);
        changed = true;
      }
    }
    if (changed || this.#dirty) this.#scheduleNegotiation();
  }

  async #handleAnswer(sdp: string): Promise<void> {
    const pc = this.#pc;
    if (!pc || pc.signalingState !== 'have-local-offer') {
      this.log.warn(`ignoring renderer answer in signaling state ${pc?.signalingState ?? 'closed'}`);
      return;
    }
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      this.#offerInFlight = false;
      clearTimeout(this.#answerTimer);
      // Our offer is stuck: roll back so the next change can try again.
      await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      for (const slot of this.#slots) slot.owner?.onRendererLost(`renderer answer rejected: ${(error as Error).message}`, { willReattach: false });
      throw new RendererNegotiationError(`renderer answer rejected: ${(error as Error).message}`);
    }
    this.#offerInFlight = false;
    clearTimeout(this.#answerTimer);
    this.#afterNegotiation();
    if (this.#dirty) this.#scheduleNegotiation();
  }

  /** Wraps transceivers werift created from a renderer offer into slots. */
  #adoptTransceivers(pc: RTCPeerConnection): void {
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.kind !== 'audio') continue;
      if (!this.#slots.some((s) => s.transceiver === transceiver)) this.#slots.push(new RendererSlot(transceiver));
    }
  }

  #assign(owner: SlotOwner, request: SlotRequest, existing: RendererSlot | undefined): void {
    const pc = this.#pc;
    if (!pc) return;
    let slot = existing && !existing.transceiver.stopped ? existing : undefined;
    slot ??= this.#slots.find((s) => !s.owner && !s.transceiver.stopped && s.mid !== undefined);
    if (!slot) {
      const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
      // werift needs a track on the sender to send; RTP is written by us, never by the track.
      void transceiver.sender.replaceTrack(new WeriftTrack({ kind: 'audio' })).catch(() => undefined);
      slot = new RendererSlot(transceiver);
      this.#slots.push(slot);
    }
    slot.owner = owner;
    slot.request = request;
    const codecs = [toWeriftCodec(request.codec)];
    if (request.telephoneEvent) codecs.push(toWeriftCodec(TELEPHONE_EVENT));
    slot.transceiver.setCodecPreferences(codecs);
    slot.transceiver.setDirection('sendrecv');
    this.log.debug(`slot ${slot.mid ?? '(new)'} -> ${owner.label} ${request.codec.name}${request.telephoneEvent ? '+te' : ''}`);
  }

  #scheduleNegotiation(): void {
    this.#dirty = true;
    void this.#enqueue(() => this.#offerIfNeeded()).catch((error: unknown) => {
      this.log.warn('renderer renegotiation failed', error);
    });
  }

  async #offerIfNeeded(): Promise<void> {
    const pc = this.#pc;
    if (!this.#dirty || this.#offerInFlight || this.#disposed) return;
    if (!pc || this.#remoteFingerprint === undefined || pc.signalingState !== 'stable') return;
    this.#dirty = false;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.#offerInFlight = true;
    clearTimeout(this.#answerTimer);
    this.#answerTimer = setTimeout(() => this.#onAnswerTimeout(pc), this.#answerTimeoutMs);
    this.#answerTimer.unref();
    this.emit('description', { type: 'offer', sdp: keepLoopbackCandidates(pc.localDescription?.sdp ?? offer.sdp) });
  }

  #onAnswerTimeout(pc: RTCPeerConnection): void {
    void this.#enqueue(async () => {
      if (pc !== this.#pc || !this.#offerInFlight || pc.signalingState !== 'have-local-offer') return;
      this.log.warn('the renderer did not answer our offer: offering again');
      await pc.setLocalDescription({ type: 'rollback' });
      this.#offerInFlight = false;
      this.#dirty = true;
      await this.#offerIfNeeded();
    }).catch((error: unknown) => this.log.warn('re-offer failed', error));
  }

  /** After a completed offer/answer: record what each slot negotiated and tell owners that are ready. */
  #afterNegotiation(): void {
    for (const slot of this.#slots) {
      slot.watchTracks();
      const t = slot.transceiver;
      if (!slot.owner || !slot.request || t.stopped || !slot.mid) continue;
      const codecs = t.codecs.map((c) => c.name.toLowerCase());
      if (!codecs.includes(slot.request.codec.name) || t.currentDirection !== 'sendrecv') continue;
      const before = slot.negotiated;
      slot.negotiated = {
        codec: slot.request.codec,
        telephoneEvent: slot.request.telephoneEvent && codecs.includes('telephone-event'),
      };
      if (slot.readyOwner !== slot.owner || before?.codec !== slot.negotiated.codec || before.telephoneEvent !== slot.negotiated.telephoneEvent) {
        slot.readyOwner = slot.owner;
        slot.owner.onRendererReady(slot);
      }
    }
  }
}
