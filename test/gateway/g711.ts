// G.711 mu-law for tests: make tones, decode what arrived, estimate its frequency.

export function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(u: number): number {
  const x = ~u & 0xff;
  const sign = x & 0x80;
  const exponent = (x >> 4) & 0x07;
  const mantissa = x & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

/** One 20 ms PCMU frame of a sine at `freq` Hz, continuing from sample index `start`. */
export function ulawSineFrame(freq: number, start: number, amplitude = 8000, samples = 160): Buffer {
  const out = Buffer.alloc(samples);
  for (let i = 0; i < samples; i++) out[i] = linearToUlaw(amplitude * Math.sin((2 * Math.PI * freq * (start + i)) / 8000));
  return out;
}

/** Dominant frequency by zero crossings (good enough for a clean test tone). */
export function estimateFrequency(samples: number[], rate = 8000): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings++;
  return (crossings / 2) * (rate / samples.length);
}
