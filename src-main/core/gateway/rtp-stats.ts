// Per-direction receive statistics (RFC 3550 A.1 / A.8): packets, bytes, loss from sequence
// gaps, interarrival jitter. Also the numbers an RTCP report block needs.
import type { RtpDirectionStats } from '../../../shared/types';
import { seqDelta } from './rtp';

export class RtpReceiveStats {
  packets = 0;
  bytes = 0;
  #baseSeq = 0;
  /** Highest sequence number seen, extended with the wrap-around cycle count. */
  #maxExt = -1;
  #cycles = 0;
  #jitter = 0; // timestamp units
  #lastTransit: number | undefined;
  #ssrc: number | undefined;
  // Snapshot at the last report block, for "fraction lost" over the interval.
  #expectedPrior = 0;
  #receivedPrior = 0;
  #lostCarried = 0;
  #receivedInSegment = 0;

  constructor(private clockRate: number) {}

  setClockRate(clockRate: number): void {
    if (clockRate !== this.clockRate) {
      this.clockRate = clockRate;
      this.#lastTransit = undefined; // transit times in the old unit are meaningless now
    }
  }

  get ssrc(): number | undefined {
    return this.#ssrc;
  }

  /** Records one packet; `arrivalMs` is a monotonic clock in ms. */
  record(ssrc: number, sequenceNumber: number, timestamp: number, bytes: number, arrivalMs: number, countForJitter = true): void {
    this.packets++;
    this.bytes += bytes;
    if (this.#ssrc !== ssrc) {
      // A new source restarts the sequence bookkeeping (RFC 3550 A.1 init_seq); totals keep counting.
      this.#carryOver();
      this.#ssrc = ssrc;
      this.#baseSeq = sequenceNumber;
      this.#maxExt = sequenceNumber;
      this.#cycles = 0;
      this.#lastTransit = undefined;
    } else {
      const delta = seqDelta(sequenceNumber, this.#maxExt & 0xffff);
      if (delta > 0) {
        if (sequenceNumber < (this.#maxExt & 0xffff)) this.#cycles += 0x10000;
        this.#maxExt = this.#cycles + sequenceNumber;
      } else if (delta < -3000) {
        // A large jump back: the source restarted its sequence; re-base like a new source.
        this.#carryOver();
        this.#baseSeq = sequenceNumber;
        this.#maxExt = sequenceNumber;
        this.#cycles = 0;
      }
    }
    this.#receivedInSegment++;
    if (countForJitter) {
      // Jitter only over packets whose timestamps advance with the media clock (not DTMF).
      const arrival = (arrivalMs * this.clockRate) / 1000;
      const transit = arrival - timestamp;
      if (this.#lastTransit !== undefined) {
        let d = Math.abs(transit - this.#lastTransit);
        if (d > 0x80000000) d = 0x100000000 - d; // timestamp wrap
        this.#jitter += (d - this.#jitter) / 16;
      }
      this.#lastTransit = transit;
    }
  }

  #carryOver(): void {
    if (this.#maxExt >= 0) this.#lostCarried += Math.max(0, this.#expectedInSegment() - this.#receivedInSegment);
    this.#receivedInSegment = 0;
    this.#expectedPrior = 0;
    this.#receivedPrior = 0;
  }

  #expectedInSegment(): number {
    return this.#maxExt < 0 ? 0 : this.#maxExt - this.#baseSeq + 1;
  }

  get extendedHighestSeq(): number {
    return Math.max(0, this.#maxExt);
  }

  get lost(): number {
    return this.#lostCarried + Math.max(0, this.#expectedInSegment() - this.#receivedInSegment);
  }

  get jitterTimestampUnits(): number {
    return Math.round(this.#jitter);
  }

  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRate;
  }

  /** Fraction lost since the previous call, as the 8-bit fixed point an RTCP report block carries. */
  takeFractionLost(): number {
    const expected = this.#expectedInSegment();
    const expectedInterval = expected - this.#expectedPrior;
    const receivedInterval = this.#receivedInSegment - this.#receivedPrior;
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#receivedInSegment;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval <= 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
  }

  snapshot(): RtpDirectionStats {
    return { packets: this.packets, bytes: this.bytes, lost: this.lost, jitterMs: Math.round(this.jitterMs * 100) / 100 };
  }
}
