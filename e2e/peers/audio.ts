// Audio checks for tests: tones made with sox, and frequency/level measured in Node so a test
// can say "the far end heard 1 kHz" rather than "some bytes arrived".
import fs from 'node:fs';
import { alawToLinear, linearToUlaw, ulawToLinear } from '../../src-main/core/gateway/g711';
import { run } from './process';

export type SampleRate = 8000 | 16000 | 48000;

/** Writes a mono 16-bit sine WAV with sox. Amplitude 0.5 leaves headroom for codecs. */
export async function makeTone(freqHz: number, seconds: number, path: string, rate: SampleRate = 8000, amplitude = 0.5): Promise<string> {
  await run('sox', ['-n', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', path, 'synth', String(seconds), 'sine', String(freqHz), 'vol', String(amplitude)], { timeoutMs: 30_000 });
  return path;
}

/** Raw 8 kHz G.711 tone (sipp's rtp_stream plays raw u-law/a-law files). */
export async function makeG711Tone(freqHz: number, seconds: number, path: string, law: 'PCMU' | 'PCMA' = 'PCMU'): Promise<string> {
  await run('sox', ['-n', '-r', '8000', '-c', '1', '-t', law === 'PCMU' ? 'ul' : 'al', path, 'synth', String(seconds), 'sine', String(freqHz), 'vol', '0.5'], { timeoutMs: 30_000 });
  return path;
}

export interface Pcm {
  rate: number;
  /** Mono samples in [-1, 1] (first channel if the file has several). */
  samples: Float32Array;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

/** Reads a PCM 16-bit / 32-bit float WAV. A header-only file (e.g. a recording that got no audio) yields zero samples. */
export function readWav(path: string): Pcm {
  const buf = fs.readFileSync(path);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WavFormatError(`${path} is not a WAV file`);
  }
  let offset = 12;
  let format = 0;
  let channels = 1;
  let rate = 8000;
  let bits = 16;
  let data: Buffer | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    // Recorders that were killed leave size 0 / 0xffffffff in the data chunk: take the rest.
    if (id === 'data' && (size === 0 || size === 0xffffffff || body + size > buf.length)) size = buf.length - body;
    if (id === 'fmt ') {
      format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if (format === 0xfffe && size >= 26) format = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      data = buf.subarray(body, body + size);
    }
    offset = body + size + (size % 2);
  }
  if (!data) return { rate, samples: new Float32Array(0) };
  if (format === 1 && bits === 16) {
    const n = Math.floor(data.length / 2 / channels);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = data.readInt16LE(i * 2 * channels) / 32768;
    return { rate, samples: out };
  }
  if (format === 3 && bits === 32) {
    const n = Math.floor(data.length / 4 / channels);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = data.readFloatLE(i * 4 * channels);
    return { rate, samples: out };
  }
  throw new WavFormatError(`${path}: unsupported WAV format ${format}/${bits} bit (convert it with sox)`);
}

export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / samples.length);
}

function fftMagnitudes(frame: Float32Array): Float32Array {
  const n = frame.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = frame[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1))); // Hann
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  const mags = new Float32Array(n / 2);
  for (let i = 0; i < n / 2; i++) mags[i] = Math.hypot(re[i]!, im[i]!);
  return mags;
}

export interface ToneAnalysis {
  /** Frequency with the most energy (Hz), averaged over frames; 0 for silence / no samples. */
  dominantHz: number;
  /** Root mean square level of the analysed part, 0..1 (full-scale sine ~0.707). */
  rms: number;
  /** Analysed duration in seconds. */
  seconds: number;
}

export interface AnalyzeOptions {
  /** Skip the start (jitter buffer fill, ring-back, codec start-up). Default 0. */
  skipSeconds?: number;
  /** Analyse at most this many seconds after the skip. Default: all. */
  maxSeconds?: number;
}

/** Dominant frequency (averaged FFT spectrum, 4096-point frames, parabolic peak interpolation) and RMS. */
export function analyzeSamples(pcm: Pcm, options: AnalyzeOptions = {}): ToneAnalysis {
  const start = Math.min(pcm.samples.length, Math.round((options.skipSeconds ?? 0) * pcm.rate));
  const end = options.maxSeconds === undefined ? pcm.samples.length : Math.min(pcm.samples.length, start + Math.round(options.maxSeconds * pcm.rate));
  const part = pcm.samples.subarray(start, end);
  const level = rms(part);
  const seconds = part.length / pcm.rate;
  let n = 4096;
  while (n > 256 && n > part.length) n >>= 1;
  if (part.length < n || level < 1e-4) return { dominantHz: 0, rms: level, seconds };
  const sum = new Float32Array(n / 2);
  for (let off = 0; off + n <= part.length; off += n / 2) {
    const mags = fftMagnitudes(part.slice(off, off + n));
    for (let i = 0; i < mags.length; i++) sum[i]! += mags[i]!;
  }
  let peak = 1;
  for (let i = 2; i < sum.length - 1; i++) if (sum[i]! > sum[peak]!) peak = i;
  const a = sum[peak - 1]!;
  const b = sum[peak]!;
  const c = sum[peak + 1] ?? 0;
  const denom = a - 2 * b + c;
  const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return { dominantHz: ((peak + shift) * pcm.rate) / n, rms: level, seconds };
}

export function analyzeWav(path: string, options: AnalyzeOptions = {}): ToneAnalysis {
  return analyzeSamples(readWav(path), options);
}

/** Dominant frequency of a WAV file in Hz (0 if silent or empty). */
export function dominantFrequency(wavPath: string, options: AnalyzeOptions = {}): number {
  return analyzeWav(wavPath, options).dominantHz;
}

/** Throws a readable error unless `analysis` is a tone near `expectedHz` above a minimum level. */
export function expectTone(analysis: ToneAnalysis, expectedHz: number, what: string, toleranceHz = 30, minRms = 0.01): void {
  if (analysis.seconds < 0.2) throw new Error(`${what}: expected a ${expectedHz} Hz tone but got only ${analysis.seconds.toFixed(2)} s of audio`);
  if (analysis.rms < minRms) throw new Error(`${what}: expected a ${expectedHz} Hz tone but the audio is silent (RMS ${analysis.rms.toFixed(4)})`);
  if (Math.abs(analysis.dominantHz - expectedHz) > toleranceHz) {
    throw new Error(`${what}: expected a ${expectedHz} Hz tone, dominant frequency is ${analysis.dominantHz.toFixed(1)} Hz (RMS ${analysis.rms.toFixed(3)})`);
  }
}

// G.711: the gateway's codec (src-main/core/gateway/g711.ts), reused rather than copied.
export function decodeMulaw(byte: number): number {
  return ulawToLinear(byte);
}

export function decodeAlaw(byte: number): number {
  return alawToLinear(byte);
}

/** Decodes G.711 payloads (PCMU or PCMA) to samples in [-1, 1] at 8 kHz. */
export function decodeG711(payloads: readonly Uint8Array[], law: 'PCMU' | 'PCMA'): Pcm {
  const total = payloads.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(total);
  let i = 0;
  const dec = law === 'PCMU' ? decodeMulaw : decodeAlaw;
  for (const p of payloads) for (const b of p) out[i++] = dec(b) / 32768;
  return { rate: 8000, samples: out };
}

/** Encodes samples in [-1,1] to G.711 u-law (for a "renderer" in Node that sends PCMU). */
export function encodeMulaw(sample: number): number {
  return linearToUlaw(sample * 32768);
}

/** Generates one sine frame of G.711 u-law samples (phase continues via `startSample`). */
export function mulawToneFrame(freqHz: number, startSample: number, count = 160, amplitude = 0.5): Buffer {
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i++) out[i] = encodeMulaw(amplitude * Math.sin((2 * Math.PI * freqHz * (startSample + i)) / 8000));
  return out;
}

/**
 * Amplitude (0..1, a full-scale sine is 1) of the component at `hz`, by the Goertzel algorithm
 * over 100 ms blocks (10 Hz resolution at 8 kHz), averaged. Unlike analyzeSamples' dominant
 * frequency it tells whether a second, quieter tone is present in a mix.
 */
export function toneAmplitude(pcm: Pcm, hz: number, options: AnalyzeOptions = {}): number {
  const start = Math.min(pcm.samples.length, Math.round((options.skipSeconds ?? 0) * pcm.rate));
  const end = options.maxSeconds === undefined ? pcm.samples.length : Math.min(pcm.samples.length, start + Math.round(options.maxSeconds * pcm.rate));
  const block = Math.round(pcm.rate / 10);
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / pcm.rate);
  let sum = 0;
  let blocks = 0;
  for (let off = start; off + block <= end; off += block) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < block; i++) {
      const s0 = pcm.samples[off + i]! + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = Math.max(0, s1 * s1 + s2 * s2 - coeff * s1 * s2);
    sum += (2 * Math.sqrt(power)) / block;
    blocks++;
  }
  return blocks === 0 ? 0 : sum / blocks;
}

/**
 * Throws a readable error unless `pcm` has a clear component at `hz`: at least `minAmplitude`
 * and `minRatio` times the level at a reference frequency where no test tone is (`noiseHz`).
 */
export function expectTonePresent(pcm: Pcm, hz: number, what: string, options: AnalyzeOptions & { minAmplitude?: number; minRatio?: number; noiseHz?: number } = {}): void {
  const seconds = pcm.samples.length / pcm.rate - (options.skipSeconds ?? 0);
  if (seconds < 0.2) throw new Error(`${what}: expected a ${hz} Hz component but got only ${Math.max(0, seconds).toFixed(2)} s of audio`);
  const level = toneAmplitude(pcm, hz, options);
  const noise = toneAmplitude(pcm, options.noiseHz ?? 700, options);
  const minAmplitude = options.minAmplitude ?? 0.02;
  const minRatio = options.minRatio ?? 5;
  if (level < minAmplitude || level < noise * minRatio) {
    throw new Error(`${what}: expected a ${hz} Hz component; its amplitude is ${level.toFixed(4)} (reference ${(options.noiseHz ?? 700)} Hz: ${noise.toFixed(4)})`);
  }
}
