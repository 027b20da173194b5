// ITU-T G.711 (PCMU = mu-law, PCMA = A-law) <-> 16-bit linear PCM. The gateway relays payloads
// untouched except in a conference, where two far ends and the agent are mixed: that needs
// linear samples. Tests that act as media peers reuse these functions.

export type G711Law = 'PCMU' | 'PCMA';

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** 16-bit linear sample -> mu-law byte. */
export function linearToUlaw(sample: number): number {
  let s = Math.max(-MULAW_CLIP, Math.min(MULAW_CLIP, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** mu-law byte -> 16-bit linear sample. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return sign ? 0 - magnitude : magnitude; // 0 - m, not -m: no negative zero
}

/** Upper bounds of the A-law segments (13-bit magnitudes). */
const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

/** 16-bit linear sample -> A-law byte. */
export function linearToAlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3;
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let segment = 0;
  while (segment < 8 && pcm > ALAW_SEGMENT_END[segment]!) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const value = (segment << 4) | ((segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0f);
  return value ^ mask;
}

/** A-law byte -> 16-bit linear sample. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : 0 - magnitude;
}

/** The law for an SDP encoding name, or undefined if it is not G.711. */
export function g711Law(codecName: string): G711Law | undefined {
  const upper = codecName.toUpperCase();
  return upper === 'PCMU' || upper === 'PCMA' ? upper : undefined;
}

export function decodeG711(law: G711Law, payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  const decode = law === 'PCMU' ? ulawToLinear : alawToLinear;
  for (let i = 0; i < payload.length; i++) out[i] = decode(payload[i]!);
  return out;
}

export function encodeG711(law: G711Law, samples: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length);
  const encode = law === 'PCMU' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i]!);
  return out;
}
