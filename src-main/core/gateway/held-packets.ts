// Far-end RTP that arrives while the call's renderer leg is not ready yet (its transceiver is
// still being negotiated, or renegotiated for a new codec), held so it can be relayed in order
// once the leg is ready instead of being dropped: the first packets after a 200 OK / 183 are
// the far end's "hello".
//
// Bounded two ways, oldest dropped first: at most `maxPackets` packets, and at most `maxMs` of
// audio by RTP timestamp (not wall clock, so a slow renegotiation under load does not throw
// away audio that still fits). Holding is a one-off at call start or after a codec change; the
// bound caps the burst the renderer's jitter buffer gets (and the extra playout delay it then
// has to shed by time-compressing) at ~200 ms.
import type { RtpView } from './rtp';

export interface HeldPacket {
  rtp: RtpView;
  isEvent: boolean;
  arrivalMs: number;
}

export const DEFAULT_MAX_HELD_PACKETS = 10;
export const DEFAULT_MAX_HELD_MS = 200;

export class HeldPackets {
  #items: HeldPacket[] = [];
  #dropped = 0;

  constructor(
    private readonly maxPackets = DEFAULT_MAX_HELD_PACKETS,
    private readonly maxMs = DEFAULT_MAX_HELD_MS,
  ) {}

  get size(): number {
    return this.#items.length;
  }

  /** Packets dropped (oldest first) because the bound was exceeded, since the last take(). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Holds one packet; drops the oldest while over the bound. `clockRate` is the audio codec's RTP clock. */
  push(packet: HeldPacket, clockRate: number): void {
    this.#items.push(packet);
    const maxTicks = (this.maxMs * clockRate) / 1000;
    while (this.#items.length > this.maxPackets || this.#spanTicks() > maxTicks) {
      this.#items.shift();
      this.#dropped++;
    }
  }

  /** Everything held, oldest first; the holder is empty afterwards. */
  take(): { packets: HeldPacket[]; dropped: number } {
    const out = { packets: this.#items, dropped: this.#dropped };
    this.#items = [];
    this.#dropped = 0;
    return out;
  }

  clear(): void {
    this.#items = [];
    this.#dropped = 0;
  }

  /** RTP timestamp span from the oldest to the newest held packet of the same source (0 across a source change). */
  #spanTicks(): number {
    const first = this.#items[0];
    const last = this.#items[this.#items.length - 1];
    if (!first || !last || first.rtp.ssrc !== last.rtp.ssrc) return 0;
    const span = (last.rtp.timestamp - first.rtp.timestamp) >>> 0;
    // A "negative" span (reordering, wrap) counts as none rather than as ~2^32 ticks.
    return span >= 0x80000000 ? 0 : span;
  }
}
