// One call's media: the SIP-side RTP leg and the call's transceiver on the renderer
// connection, with the relay between them. Payloads are never decoded; only payload types,
// SSRC, sequence numbers and timestamps are rewritten.
import { randomBytes } from 'node:crypto';
import type { RtpPacket } from 'werift';
import type { CallMediaStats } from '../../../shared/types';
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';
import { PCMU, rendererCodecFor, silencePayload, TELEPHONE_EVENT, type RendererCodec } from './codecs';
import { dtmfEventCode, dtmfPackets } from './dtmf';
import { decodeG711, encodeG711, g711Law } from './g711';
import { mixFrames, PcmFifo } from './mixer';
import { HeldPackets, type HeldPacket } from './held-packets';
import type { RendererConnection, RendererLostInfo, RendererSlot, SlotOwner } from './renderer-connection';
import { buildReport, ntpNow, rttFromReport, type ParsedRtcp, type ReportBlock } from './rtcp';
import { buildRtp, parseRtp, RtpStreamRewriter, type RtpView } from './rtp';
import { RtpReceiveStats } from './rtp-stats';
import { SenderReportClock, SipLeg } from './sip-leg';
import type { SocketPair } from './port-allocator';
import type { CallMedia, CallMediaEvents, CodecSpec, NegotiatedMedia } from './types';

export class RendererConnectionLostError extends Error {
  override name = 'RendererConnectionLostError';
}

const DTMF_GAP_MS = 60;

/**
 * Silence frames by codec and length: while muted every microphone packet (50/s per call) is
 * replaced by one, so they are built once and shared (only ever read: buildRtp copies them).
 * Lengths come from the renderer's packets, so the cache is bounded.
 */
const silenceFrames = new Map<string, Buffer | undefined>();
const MAX_SILENCE_FRAMES = 32;

function silenceFrame(codec: string, length: number): Buffer | undefined {
  const key = `${codec.toLowerCase()}/${length}`;
  if (silenceFrames.has(key)) return silenceFrames.get(key);
  if (silenceFrames.size >= MAX_SILENCE_FRAMES) silenceFrames.clear();
  const frame = silencePayload(codec, length);
  silenceFrames.set(key, frame);
  return frame;
}

function randomSsrc(): number {
  return randomBytes(4).readUInt32BE(0);
}

export interface CallMediaOptions {
  callId: string;
  localAddress: string;
  renderer: RendererConnection;
  log: Logger;
  /** RTP/RTCP sockets toward the far end; absent for the echo test. */
  pair?: SocketPair;
  rtcpIntervalMs?: number;
  /** Called once when disposed (the gateway forgets the call). */
  onDisposed?: () => void;
}

export class CallMediaImpl extends TypedEmitter<CallMediaEvents> implements CallMedia, SlotOwner {
  readonly callId: string;
  readonly localAddress: string;
  readonly label: string;
  readonly #renderer: RendererConnection;
  readonly #log: Logger;
  readonly #leg: SipLeg | undefined;
  readonly #echo: boolean;
  readonly #onDisposed: (() => void) | undefined;

  #negotiated: NegotiatedMedia | undefined;
  #rendererCodec: RendererCodec | undefined;
  /** What we last asked the renderer connection for (prepared or negotiated). */
  #requested: { codec: RendererCodec; telephoneEvent: boolean } | undefined;
  /** Far-end packets that arrived while relaying but before the renderer leg was ready for the codec. */
  readonly #held = new HeldPackets();
  #slot: RendererSlot | undefined;
  #mid: string | undefined;
  #relaying = false;
  #muted = false;
  #disposed = false;
  #dtmfActive = false;
  #dtmfChain: Promise<unknown> = Promise.resolve();
  #timers = new Map<NodeJS.Timeout, () => void>();
  #firstFromSip = false;
  #firstToSip = false;
  /**
   * Conference mixing (G.711 only): the other members whose far-end audio this leg's far end
   * also hears, and one FIFO per member holding that member's decoded far-end samples until the
   * agent's next microphone packet on this call clocks them out.
   */
  #mixPeers: CallMediaImpl[] = [];
  readonly #mixInputs = new Map<CallMediaImpl, PcmFifo>();

  /** Our outgoing stream toward the far end (our own SSRC). */
  readonly #toSip: RtpStreamRewriter;
  /** Outgoing stream toward the renderer (werift stamps its sender SSRC). */
  readonly #toRenderer: RtpStreamRewriter;
  readonly #fromSipStats = new RtpReceiveStats(8000);
  readonly #toSipStats = new RtpReceiveStats(8000);
  readonly #srClock = new SenderReportClock();
  #sentPackets = 0;
  #sentOctets = 0;
  #remoteReport: CallMediaStats['remoteReport'];
  readonly #cname = `softphone-${randomBytes(6).toString('hex')}`;

  constructor(opts: CallMediaOptions) {
    super();
    this.callId = opts.callId;
    this.localAddress = opts.localAddress;
    this.label = opts.pair ? `call ${opts.callId}` : 'echo test';
    this.#renderer = opts.renderer;
    this.#log = opts.log;
    this.#onDisposed = opts.onDisposed;
    this.#echo = !opts.pair;
    const clock = (): number => this.#rendererCodec?.clockRate ?? 8000;
    this.#toSip = new RtpStreamRewriter(randomSsrc(), clock);
    this.#toRenderer = new RtpStreamRewriter(0, clock);
    if (opts.pair) {
      this.#leg = new SipLeg(opts.pair, { onRtp: (p, t) => this.#onSipRtp(p, t), onRtcp: (r) => this.#onSipRtcp(r) }, opts.log, opts.rtcpIntervalMs);
    }
    if (this.#echo) {
      this.#rendererCodec = PCMU;
      this.#relaying = true;
      this.#renderer.attach(this, PCMU, false);
    }
  }

  get rtpPort(): number {
    return this.#leg?.rtpPort ?? 0;
  }

  get mid(): string | undefined {
    return this.#mid;
  }

  /** The SIP leg's negotiated codec name (undefined before the first offer/answer). */
  get codecName(): string | undefined {
    return this.#negotiated?.codec.name;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  // --- Conference mixing -----------------------------------------------------------------------

  /**
   * From now on this leg's far end gets the agent's microphone mixed with the far-end audio of
   * `peers` (each 20 ms microphone packet clocks one mixed frame). The renderer side does not
   * change: the agent keeps hearing each far end on that call's own transceiver.
   */
  startMixing(peers: readonly CallMediaImpl[]): void {
    if (this.#disposed) return;
    this.#mixPeers = peers.filter((p) => p !== this);
    this.#mixInputs.clear();
    for (const p of this.#mixPeers) this.#mixInputs.set(p, new PcmFifo());
    this.#log.info(`${this.label}: mixing with ${this.#mixPeers.map((p) => p.label).join(', ')}`);
  }

  /** Back to plain relay: the far end gets only the agent's microphone. */
  stopMixing(): void {
    if (this.#mixPeers.length === 0 && this.#mixInputs.size === 0) return;
    this.#mixPeers = [];
    this.#mixInputs.clear();
    if (!this.#disposed) this.#log.info(`${this.label}: mixing stopped, plain relay`);
  }

  get mixing(): boolean {
    return this.#mixInputs.size > 0;
  }

  /** Far-end samples of another member (`from`), to be mixed into what this leg's far end hears. */
  feedMix(from: CallMediaImpl, samples: Int16Array): void {
    this.#mixInputs.get(from)?.push(samples);
  }

  /** Agent payload (mic, or silence when muted) + every other member's far end, as one frame of `codecName`. */
  #mixedPayload(agent: Buffer, codecName: string): Buffer {
    const law = g711Law(codecName);
    if (!law) return agent; // the conference refuses other codecs; a later re-INVITE to one just stops mixing in
    const own = decodeG711(law, agent);
    const frames = [own];
    for (const fifo of this.#mixInputs.values()) frames.push(fifo.take(own.length));
    return encodeG711(law, mixFrames(own.length, frames));
  }

  // --- SipMediaPort -------------------------------------------------------------------------

  applyNegotiation(media: NegotiatedMedia): void {
    if (this.#disposed || this.#echo || !this.#leg) return;
    let codec: RendererCodec;
    try {
      codec = rendererCodecFor(media.codec);
    } catch (error) {
      this.#log.error(`${this.label}: ${(error as Error).message}`);
      this.#emitError(error as Error);
      return;
    }
    const previous = this.#negotiated;
    this.#negotiated = media;
    this.#rendererCodec = codec;
    this.#fromSipStats.setClockRate(codec.clockRate);
    this.#toSipStats.setClockRate(codec.clockRate);
    this.#leg.setRemote(
      { address: media.remoteAddress, port: media.remoteRtpPort },
      { address: media.remoteAddress, port: media.remoteRtcpPort },
    );
    if (!previous || previous.codec.payloadType !== media.codec.payloadType || previous.codec.name !== media.codec.name) {
      this.#toSip.reanchor();
      // Held packets of the previous codec would be relabelled as the new one: noise.
      this.#held.clear();
    }
    this.#log.info(
      `${this.label}: SIP leg ${media.codec.name}/${media.codec.clockRate} pt ${media.codec.payloadType}` +
        `${media.telephoneEvent ? ` + telephone-event pt ${media.telephoneEvent.payloadType}` : ''} ` +
        `${media.direction} -> ${media.remoteAddress}:${media.remoteRtpPort}`,
    );
    // A leg prepared with telephone-event stays as it is when the far end has none: an unused
    // payload type on the renderer m-line costs nothing, another offer/answer would cost ~40 ms.
    const keepEvent = this.#requested?.codec === codec && this.#requested.telephoneEvent;
    this.#request(codec, media.telephoneEvent !== undefined || keepEvent);
    this.#leg.startReports(() => this.#buildReport());
    const slot = this.#slot;
    if (!previous && slot && this.#legReady()) {
      // Prepared before the SIP answer and already negotiated: audio flows from the first packet.
      this.#log.info(`${this.label}: renderer transceiver mid ${slot.mid ?? '?'} ready (prepared before the SIP answer)`);
    }
  }

  /**
   * Negotiates the call's renderer leg for `codec` before the SIP answer is known (outbound: the
   * codec we offer first; inbound: the one we will answer with), so that at 200 OK / 183 /
   * Answer the leg is usually ready. Relays nothing (setRelaying still decides). Ignored once
   * the SIP leg has negotiated: applyNegotiation always wins, and renegotiates if it differs.
   */
  prepare(codec: CodecSpec, telephoneEvent?: CodecSpec): void {
    if (this.#disposed || this.#echo || !this.#leg || this.#negotiated) return;
    let rendererCodec: RendererCodec;
    try {
      rendererCodec = rendererCodecFor(codec);
    } catch {
      return; // applyNegotiation reports an unsupported codec if the far end really picks it
    }
    this.#log.debug(`${this.label}: preparing the renderer leg for ${codec.name}${telephoneEvent ? ' + telephone-event' : ''}`);
    this.#request(rendererCodec, telephoneEvent !== undefined);
  }

  /** The gateway's own guess (PREPARED_CODEC) when the media is created; a caller's prepare() or negotiation wins. */
  prepareDefault(codec: CodecSpec, telephoneEvent?: CodecSpec): void {
    if (this.#requested) return;
    this.prepare(codec, telephoneEvent);
  }

  #request(codec: RendererCodec, telephoneEvent: boolean): void {
    this.#requested = { codec, telephoneEvent };
    this.#renderer.attach(this, codec, telephoneEvent);
  }

  // --- CallMedia ----------------------------------------------------------------------------

  setRelaying(on: boolean): void {
    if (this.#echo) return;
    this.#relaying = on;
    // Nothing reaches the agent while relaying is off, not even later.
    if (!on) this.#held.clear();
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
  }

  sendDtmf(digits: string): Promise<boolean> {
    const te = this.#negotiated?.telephoneEvent;
    if (!te || !this.#leg || this.#disposed) return Promise.resolve(false);
    const valid = [...digits].filter((d) => dtmfEventCode(d) !== undefined);
    const run = this.#dtmfChain.then(async () => {
      for (const digit of valid) {
        if (this.#disposed) return;
        await this.#sendDigit(digit, te.payloadType, te.clockRate);
        await this.#delay(DTMF_GAP_MS);
      }
    });
    this.#dtmfChain = run.catch(() => undefined);
    return run.then(() => true);
  }

  stats(): CallMediaStats {
    return {
      ...(this.#negotiated ? { codec: this.#negotiated.codec.name } : this.#echo ? { codec: 'PCMU' } : {}),
      fromSip: this.#fromSipStats.snapshot(),
      toSip: this.#toSipStats.snapshot(),
      ...(this.#remoteReport ? { remoteReport: this.#remoteReport } : {}),
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // Pending DTMF waits end now (their loop sees #disposed and stops).
    for (const [timer, resolve] of this.#timers) {
      clearTimeout(timer);
      resolve();
    }
    this.#timers.clear();
    this.#leg?.close();
    this.#held.clear();
    this.stopMixing();
    this.#renderer.detach(this);
    this.#slot = undefined;
    this.removeAllListeners();
    this.#onDisposed?.();
  }

  // --- SlotOwner (renderer side) ---------------------------------------------------------------

  onRendererReady(slot: RendererSlot): void {
    if (this.#disposed) return;
    this.#slot = slot;
    this.#mid = slot.mid;
    this.#toRenderer.reanchor();
    if (this.#negotiated || this.#echo) this.#log.info(`${this.label}: renderer transceiver mid ${slot.mid ?? '?'} ready`);
    // Not "ready" in the log: that line marks the leg ready for the SIP answer's codec (bench/ui-call.ts reads it).
    else this.#log.info(`${this.label}: renderer transceiver mid ${slot.mid ?? '?'} prepared (${slot.negotiated?.codec.name ?? '?'}), waiting for the SIP answer`);
    this.#flushHeld();
    if (slot.mid !== undefined) this.emit('rendererReady', slot.mid);
  }

  onRendererLost(reason: string, { willReattach }: RendererLostInfo): void {
    if (this.#disposed) return;
    this.#slot = undefined;
    this.#log.warn(`${this.label}: renderer leg lost (${reason})`);
    // A reload re-attaches the call's leg by itself: only a connection that is gone is an error.
    if (!willReattach) this.#emitError(new RendererConnectionLostError(`Call audio to the app was lost (${reason})`));
  }

  onRendererRtp(packet: RtpPacket): void {
    if (this.#disposed) return;
    const { header, payload } = packet;
    const isEvent = header.payloadType === TELEPHONE_EVENT.payloadType;
    this.#toSipStats.record(header.ssrc, header.sequenceNumber, header.timestamp, payload.length, performance.now(), !isEvent);
    if (this.#echo) {
      const slot = this.#slot;
      if (!slot || isEvent) return;
      const out = this.#toRenderer.map(header.ssrc, header.sequenceNumber, header.timestamp);
      slot.sendAudio({ marker: header.marker, ...out }, payload);
      this.#markFirst('toSip');
      this.#markFirst('fromSip');
      return;
    }
    const media = this.#negotiated;
    const leg = this.#leg;
    if (!this.#relaying || !media || !leg) return;
    if (media.direction === 'recvonly' || media.direction === 'inactive') return;
    let payloadType: number;
    let body: Buffer = payload;
    if (isEvent) {
      // The agent pressed a key in the renderer (RTCDTMFSender): map it onto the SIP leg's event PT.
      if (!media.telephoneEvent || this.#dtmfActive) return;
      payloadType = media.telephoneEvent.payloadType;
    } else {
      if (this.#dtmfActive) return; // audio is suppressed while we send an event
      if (header.payloadType !== this.#rendererCodec?.payloadType) return; // old codec during a codec change
      payloadType = media.codec.payloadType;
      // Muted or holding the far end (sendonly): the far end hears silence, never the microphone.
      if (this.#muted || media.direction === 'sendonly') {
        const silence = silenceFrame(media.codec.name, payload.length);
        if (!silence) return;
        body = silence;
      }
      // In a conference the far end also hears the other members (not while we hold it).
      if (this.#mixInputs.size > 0 && media.direction !== 'sendonly') body = this.#mixedPayload(body, media.codec.name);
    }
    const out = this.#toSip.map(header.ssrc, header.sequenceNumber, header.timestamp);
    leg.sendRtp(buildRtp({ marker: header.marker, payloadType, ssrc: this.#toSip.ssrc, ...out }, body));
    this.#sentPackets++;
    this.#sentOctets += body.length;
    this.#markFirst('toSip');
  }

  // --- SIP side ----------------------------------------------------------------------------------

  #onSipRtp(datagram: Buffer, arrivalMs: number): void {
    const media = this.#negotiated;
    if (!media || this.#disposed) return;
    const rtp = parseRtp(datagram);
    if (!rtp) return; // malformed: drop
    const isEvent = media.telephoneEvent !== undefined && rtp.payloadType === media.telephoneEvent.payloadType;
    if (!isEvent && rtp.payloadType !== media.codec.payloadType) return; // CN or anything not negotiated
    this.#fromSipStats.record(rtp.ssrc, rtp.sequenceNumber, rtp.timestamp, rtp.payload.length, arrivalMs, !isEvent);
    if (!this.#relaying) return;
    if (!isEvent && this.#mixPeers.length > 0) this.#feedPeers(media.codec.name, rtp.payload);
    // The renderer leg is not negotiated yet (call start) or still carries the old codec (a
    // re-INVITE changed it: relabelling the new payloads would play noise): hold the packet
    // (bounded) and relay it as soon as the leg is ready, rather than clip the far end's first words.
    // rtp.payload is a view into a datagram buffer Node never reuses: holding it needs no copy.
    if (!this.#legReady()) {
      this.#held.push({ rtp, isEvent, arrivalMs }, this.#rendererCodec?.clockRate ?? 8000);
      return;
    }
    if (this.#held.size > 0) this.#flushHeld(); // keeps the order should a flush not have run yet
    this.#relayToRenderer(rtp, isEvent);
  }

  #feedPeers(codecName: string, payload: Buffer): void {
    const law = g711Law(codecName);
    if (!law) return;
    const samples = decodeG711(law, payload);
    for (const peer of this.#mixPeers) peer.feedMix(this, samples);
  }

  /** The renderer leg can carry the SIP leg's current codec. */
  #legReady(): boolean {
    const slot = this.#slot;
    return slot !== undefined && this.#rendererCodec !== undefined && slot.negotiated?.codec === this.#rendererCodec;
  }

  #relayToRenderer(rtp: RtpView, isEvent: boolean): void {
    const slot = this.#slot;
    if (!slot) return;
    const out = this.#toRenderer.map(rtp.ssrc, rtp.sequenceNumber, rtp.timestamp);
    if (isEvent) slot.sendTelephoneEvent({ marker: rtp.marker, ...out }, rtp.payload);
    else slot.sendAudio({ marker: rtp.marker, ...out }, rtp.payload);
    this.#markFirst('fromSip');
  }

  /**
   * Relays what was held, oldest first, in one burst. All of it (up to the holder's ~200 ms
   * bound) rather than only the newest: the burst only raises the renderer's jitter buffer
   * level once, which it sheds by time-compressing within a second or so, whereas a dropped
   * packet is a clipped syllable at the very start of the call.
   */
  #flushHeld(): void {
    if (this.#held.size === 0 || !this.#relaying || !this.#legReady()) return;
    const { packets, dropped } = this.#held.take();
    const now = performance.now();
    const oldest: HeldPacket = packets[0]!;
    for (const p of packets) this.#relayToRenderer(p.rtp, p.isEvent);
    this.#log.info(
      `${this.label}: relayed ${packets.length} far-end packet(s) held until the renderer leg was ready ` +
        `(oldest held ${Math.round(now - oldest.arrivalMs)} ms${dropped ? `, ${dropped} older dropped` : ''})`,
    );
  }

  #onSipRtcp(report: ParsedRtcp): void {
    if (this.#disposed) return;
    if (report.senderInfo) this.#srClock.noteSenderReport(report.senderInfo.ntpSec, report.senderInfo.ntpFrac);
    const block = report.reports.find((b) => b.ssrc === this.#toSip.ssrc);
    if (!block) return;
    const clockRate = this.#rendererCodec?.clockRate ?? 8000;
    const rttMs = rttFromReport(block);
    this.#remoteReport = {
      fractionLost: block.fractionLost / 256,
      cumulativeLost: block.cumulativeLost,
      jitterMs: (block.jitter * 1000) / clockRate,
      ...(rttMs !== undefined ? { rttMs: Math.round(rttMs * 10) / 10 } : {}),
    };
  }

  #buildReport(): Buffer | undefined {
    if (this.#disposed) return undefined;
    const sourceSsrc = this.#fromSipStats.ssrc;
    let block: ReportBlock | undefined;
    if (sourceSsrc !== undefined) {
      block = {
        ssrc: sourceSsrc,
        fractionLost: this.#fromSipStats.takeFractionLost(),
        cumulativeLost: this.#fromSipStats.lost,
        extendedHighestSeq: this.#fromSipStats.extendedHighestSeq,
        jitter: this.#fromSipStats.jitterTimestampUnits,
        ...this.#srClock.lsrDlsr(),
      };
    }
    const now = ntpNow();
    const sender =
      this.#sentPackets > 0
        ? {
            ntpSec: now.sec,
            ntpFrac: now.frac,
            rtpTimestamp: this.#toSip.nextInjected().timestamp,
            packetCount: this.#sentPackets,
            octetCount: this.#sentOctets,
          }
        : undefined;
    return buildReport({ ssrc: this.#toSip.ssrc, cname: this.#cname, ...(sender ? { sender } : {}), ...(block ? { block } : {}) });
  }

  async #sendDigit(digit: string, payloadType: number, clockRate: number): Promise<void> {
    const leg = this.#leg;
    if (!leg) return;
    const packets = dtmfPackets(digit, { clockRate, intervalMs: this.#negotiated?.ptime ?? 20 });
    this.#dtmfActive = true;
    const start = this.#toSip.nextInjected();
    const startedAt = performance.now();
    try {
      let seq = start.sequenceNumber;
      for (const p of packets) {
        const wait = startedAt + p.atMs - performance.now();
        if (wait > 1) await this.#delay(wait);
        if (this.#disposed) return;
        leg.sendRtp(buildRtp({ marker: p.marker, payloadType, sequenceNumber: seq, timestamp: start.timestamp, ssrc: this.#toSip.ssrc }, p.payload));
        this.#toSip.noteInjected(seq, start.timestamp, startedAt);
        this.#sentPackets++;
        this.#sentOctets += p.payload.length;
        seq = (seq + 1) & 0xffff;
      }
    } finally {
      this.#dtmfActive = false;
    }
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#disposed) return resolve();
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.set(timer, resolve);
    });
  }

  /** Node's emitter throws an 'error' nobody listens to; a media problem must never crash the core. */
  #emitError(error: Error): void {
    try {
      this.emit('error', error);
    } catch {
      this.#log.warn(`${this.label}: unhandled media error`, error);
    }
  }

  #markFirst(direction: 'fromSip' | 'toSip'): void {
    if (direction === 'fromSip') {
      if (this.#firstFromSip) return;
      this.#firstFromSip = true;
    } else {
      if (this.#firstToSip) return;
      this.#firstToSip = true;
    }
    this.emit('firstPacket', direction);
  }
}
