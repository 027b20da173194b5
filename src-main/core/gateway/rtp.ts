// Minimal RTP (RFC 3550) header handling for the plain-RTP leg. The gateway never decodes
// audio: it reads the fields it must rewrite and slices the payload out untouched.

export interface RtpView {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Payload without header, CSRCs, extension and padding (a view into the datagram). */
  payload: Buffer;
}

const MIN_HEADER = 12;

/** Parses an RTP datagram; returns undefined for anything that is not a well-formed RTP v2 packet. */
export function parseRtp(packet: Buffer): RtpView | undefined {
  if (packet.length < MIN_HEADER) return undefined;
  const b0 = packet[0]!;
  if (b0 >> 6 !== 2) return undefined;
  const b1 = packet[1]!;
  const payloadType = b1 & 0x7f;
  // 72-76 (after masking the marker bit: 200-204) are RTCP packet types on a muxed port.
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  let offset = MIN_HEADER + (b0 & 0x0f) * 4;
  if (packet.length < offset) return undefined;
  if (b0 & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
    if (packet.length < offset) return undefined;
  }
  let end = packet.length;
  if (b0 & 0x20) {
    const padding = packet[packet.length - 1]!;
    if (padding === 0 || offset + padding > end) return undefined;
    end -= padding;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  };
}

export interface RtpHeaderFields {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

/** Serialises a 12-byte header (no CSRC, no extension, no padding) followed by the payload. */
export function buildRtp(header: RtpHeaderFields, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(MIN_HEADER + payload.length);
  out[0] = 0x80;
  out[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  out.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  out.writeUInt32BE(header.timestamp >>> 0, 4);
  out.writeUInt32BE(header.ssrc >>> 0, 8);
  out.set(payload, MIN_HEADER);
  return out;
}

export const u16 = (n: number): number => n & 0xffff;
export const u32 = (n: number): number => n >>> 0;

/** Signed distance a - b in 16-bit sequence space. */
export function seqDelta(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/**
 * Maps one incoming RTP stream onto one outgoing stream (our SSRC) with continuous sequence
 * numbers and timestamps. While the source is stable the mapping is a fixed offset, so gaps
 * and reordering pass through unchanged (the receiver's loss statistics stay honest). When
 * the source changes (new SSRC: far end switched streams, a transceiver reused by a new call)
 * or packets were injected in between (DTMF, silence), the offsets are re-anchored so the
 * receiver sees one continuous stream.
 */
export class RtpStreamRewriter {
  readonly ssrc: number;
  #sourceSsrc: number | undefined;
  #seqOffset = 0;
  #tsOffset = 0;
  #lastSeq: number | undefined;
  #lastTs = 0;
  #lastSentAt = 0;
  #reanchor = true;

  constructor(
    ssrc: number,
    private readonly clockRate: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ssrc = ssrc >>> 0;
  }

  /** The next relayed packet starts a new segment (e.g. after injected packets). */
  reanchor(): void {
    this.#reanchor = true;
  }

  /** Output sequence number / timestamp for a relayed packet. */
  map(sourceSsrc: number, sequenceNumber: number, timestamp: number): { sequenceNumber: number; timestamp: number } {
    if (this.#reanchor || sourceSsrc !== this.#sourceSsrc) {
      this.#sourceSsrc = sourceSsrc;
      this.#reanchor = false;
      if (this.#lastSeq === undefined) {
        this.#seqOffset = 0;
        this.#tsOffset = 0;
      } else {
        const elapsed = Math.max(1, Math.round(((this.now() - this.#lastSentAt) * this.clockRate()) / 1000));
        this.#seqOffset = u16(this.#lastSeq + 1 - sequenceNumber);
        this.#tsOffset = u32(this.#lastTs + elapsed - timestamp);
      }
    }
    const out = { sequenceNumber: u16(sequenceNumber + this.#seqOffset), timestamp: u32(timestamp + this.#tsOffset) };
    this.#note(out.sequenceNumber, out.timestamp);
    return out;
  }

  /** Next sequence number for an injected packet; its timestamp is chosen by the caller via injectTimestamp(). */
  nextInjected(): { sequenceNumber: number; timestamp: number } {
    const sequenceNumber = u16((this.#lastSeq ?? Math.floor(Math.random() * 0x7fff)) + 1);
    const elapsed = this.#lastSeq === undefined ? 0 : Math.round(((this.now() - this.#lastSentAt) * this.clockRate()) / 1000);
    const timestamp = u32(this.#lastSeq === undefined ? Math.floor(Math.random() * 0x7fffffff) : this.#lastTs + elapsed);
    return { sequenceNumber, timestamp };
  }

  /**
   * Records an injected packet so relayed packets continue after it. `timestampAt` is the
   * monotonic time (ms) that `timestamp` stands for (a DTMF event keeps its start timestamp
   * for all its packets, so the next audio must be placed relative to the event's start).
   */
  noteInjected(sequenceNumber: number, timestamp: number, timestampAt: number = this.now()): void {
    this.#lastSeq = sequenceNumber;
    this.#lastTs = timestamp;
    this.#lastSentAt = timestampAt;
    this.#reanchor = true;
  }

  get lastTimestamp(): number {
    return this.#lastTs;
  }

  #note(sequenceNumber: number, timestamp: number): void {
    if (this.#lastSeq === undefined || seqDelta(sequenceNumber, this.#lastSeq) > 0) {
      this.#lastSeq = sequenceNumber;
      this.#lastTs = timestamp;
      this.#lastSentAt = this.now();
    }
  }
}
