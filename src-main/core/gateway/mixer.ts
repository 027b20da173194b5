// Conference mixing helpers: a bounded FIFO of one far end's decoded samples (its jitter between
// arrivals and the agent's 20 ms microphone clock is absorbed here) and a clamped sum.

/**
 * Linear samples waiting to be mixed into another leg. Bounded: beyond `maxSamples` the oldest
 * are dropped (a far end whose clock runs fast must not build up delay); a take() that finds
 * too few samples pads with silence (a lost or late packet is a short gap, never a stall).
 */
export class PcmFifo {
  readonly #buffer: Int16Array;
  #start = 0;
  #size = 0;

  /** Default 120 ms at 8 kHz: enough for one late packet plus jitter, little added delay. */
  constructor(readonly maxSamples = 960) {
    this.#buffer = new Int16Array(maxSamples);
  }

  get size(): number {
    return this.#size;
  }

  push(samples: Int16Array): void {
    const cap = this.maxSamples;
    let input = samples;
    if (input.length > cap) input = input.subarray(input.length - cap);
    const overflow = this.#size + input.length - cap;
    if (overflow > 0) {
      this.#start = (this.#start + overflow) % cap;
      this.#size -= overflow;
    }
    let end = (this.#start + this.#size) % cap;
    for (let i = 0; i < input.length; i++) {
      this.#buffer[end] = input[i]!;
      end = end + 1 === cap ? 0 : end + 1;
    }
    this.#size += input.length;
  }

  /** The oldest `n` samples; missing ones are silence (0). */
  take(n: number): Int16Array {
    const out = new Int16Array(n);
    const count = Math.min(n, this.#size);
    const cap = this.maxSamples;
    for (let i = 0; i < count; i++) out[i] = this.#buffer[(this.#start + i) % cap]!;
    this.#start = (this.#start + count) % cap;
    this.#size -= count;
    return out;
  }

  clear(): void {
    this.#start = 0;
    this.#size = 0;
  }
}

/** Sums frames sample by sample into a new frame of `length`, clamped to 16 bits (no wrap-around on overflow). */
export function mixFrames(length: number, frames: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const f of frames) sum += f[i] ?? 0;
    out[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
  }
  return out;
}
