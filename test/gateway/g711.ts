// G.711 mu-law for tests: the gateway's codec, plus tone frames and a frequency estimate.
import { linearToUlaw } from '../../src-main/core/gateway/g711';

export { linearToUlaw, ulawToLinear } from '../../src-main/core/gateway/g711';

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
