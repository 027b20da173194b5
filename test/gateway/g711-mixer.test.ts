// G.711 codec and the conference mixer's pieces: pure functions, no sockets.
import { describe, expect, it } from 'vitest';
import { alawToLinear, decodeG711, encodeG711, g711Law, linearToAlaw, linearToUlaw, ulawToLinear } from '../../src-main/core/gateway/g711';
import { mixFrames, PcmFifo } from '../../src-main/core/gateway/mixer';
import { toneAmplitude } from '../../e2e/peers/audio';

function sine(hz: number, n: number, amplitude: number, start = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (start + i)) / 8000));
  return out;
}

const asPcm = (s: Int16Array) => ({ rate: 8000, samples: Float32Array.from(s, (v) => v / 32768) });

describe('G.711', () => {
  it('every code word survives decode -> encode (PCMU and PCMA)', () => {
    for (let b = 0; b < 256; b++) {
      // mu-law has two zeros (0x7f and 0xff); both decode to 0, which encodes as 0xff.
      const u = linearToUlaw(ulawToLinear(b));
      expect(ulawToLinear(u)).toBe(ulawToLinear(b));
      expect(linearToAlaw(alawToLinear(b))).toBe(b);
    }
  });

  it('round-trips linear samples within the quantisation step, and a tone keeps its frequency', () => {
    for (const law of ['PCMU', 'PCMA'] as const) {
      const tone = sine(1000, 1600, 12000);
      const back = decodeG711(law, encodeG711(law, tone));
      for (let i = 0; i < tone.length; i++) expect(Math.abs(back[i]! - tone[i]!)).toBeLessThanOrEqual(Math.max(16, Math.abs(tone[i]!) / 16));
      expect(toneAmplitude(asPcm(back), 1000)).toBeGreaterThan(0.3);
    }
  });

  it('knows which codecs it can decode', () => {
    expect(g711Law('PCMU')).toBe('PCMU');
    expect(g711Law('pcma')).toBe('PCMA');
    expect(g711Law('opus')).toBeUndefined();
    expect(g711Law('G722')).toBeUndefined();
  });
});

describe('conference mixer', () => {
  it('two tones mixed contain both frequencies (through G.711 and back)', () => {
    const a = sine(440, 1600, 8000);
    const b = sine(1400, 1600, 8000);
    const mixed = decodeG711('PCMU', encodeG711('PCMU', mixFrames(1600, [a, b])));
    const pcm = asPcm(mixed);
    expect(toneAmplitude(pcm, 440)).toBeGreaterThan(0.2);
    expect(toneAmplitude(pcm, 1400)).toBeGreaterThan(0.2);
    expect(toneAmplitude(pcm, 700)).toBeLessThan(0.02);
  });

  it('clamps on overflow instead of wrapping around', () => {
    const loud = new Int16Array([30000, -30000, 20000, 100]);
    expect([...mixFrames(4, [loud, loud])]).toEqual([32767, -32768, 32767, 200]);
  });

  it('a leg with no packets for a frame contributes silence', () => {
    const fifo = new PcmFifo();
    expect([...fifo.take(160)].every((s) => s === 0)).toBe(true);
    fifo.push(new Int16Array(100).fill(500));
    const frame = fifo.take(160);
    expect(frame.slice(0, 100).every((s) => s === 500)).toBe(true);
    expect(frame.slice(100).every((s) => s === 0)).toBe(true);
    const mic = sine(1000, 160, 4000);
    expect([...mixFrames(160, [mic, fifo.take(160)])]).toEqual([...mic]);
  });

  it('bounds the delay: beyond its size the oldest samples are dropped, order is kept', () => {
    const fifo = new PcmFifo(320);
    for (let i = 0; i < 5; i++) fifo.push(new Int16Array(160).fill(i + 1));
    expect(fifo.size).toBe(320);
    const out = fifo.take(320);
    expect(out[0]).toBe(4);
    expect(out[319]).toBe(5);
    expect(fifo.size).toBe(0);
  });
});
