// The bounded holder for far-end packets that arrive before a call's renderer leg is ready.
import { describe, expect, it } from 'vitest';
import { HeldPackets, type HeldPacket } from '../../src-main/core/gateway/held-packets';

function packet(seq: number, timestamp: number, ssrc = 1): HeldPacket {
  return { rtp: { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: timestamp >>> 0, ssrc, payload: Buffer.alloc(1, seq) }, isEvent: false, arrivalMs: seq };
}

describe('HeldPackets', () => {
  it('gives back everything in arrival order and is empty afterwards', () => {
    const held = new HeldPackets();
    for (let i = 0; i < 5; i++) held.push(packet(i, i * 160), 8000);
    const { packets, dropped } = held.take();
    expect(packets.map((p) => p.rtp.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    expect(dropped).toBe(0);
    expect(held.size).toBe(0);
  });

  it('keeps at most 10 packets, dropping the oldest', () => {
    const held = new HeldPackets();
    for (let i = 0; i < 13; i++) held.push(packet(i, i * 160), 8000);
    const { packets, dropped } = held.take();
    expect(packets.map((p) => p.rtp.sequenceNumber)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(dropped).toBe(3);
  });

  it('keeps at most 200 ms of audio by RTP timestamp (60 ms packets; 48 kHz clock)', () => {
    const g711 = new HeldPackets();
    for (let i = 0; i < 6; i++) g711.push(packet(i, i * 480), 8000); // 60 ms each
    expect(g711.take().packets.map((p) => p.rtp.sequenceNumber)).toEqual([2, 3, 4, 5]); // span 180 ms
    const opus = new HeldPackets();
    for (let i = 0; i < 12; i++) opus.push(packet(i, 0xffffff00 + i * 960), 48000); // 20 ms each, timestamp wraps
    expect(opus.take().packets.length).toBe(10);
  });

  it('does not count a source change or a backwards timestamp as a long span', () => {
    const held = new HeldPackets();
    held.push(packet(0, 1_000_000, 1), 8000);
    held.push(packet(1, 5, 2), 8000);
    held.push(packet(2, 10, 2), 8000);
    expect(held.size).toBe(3);
    held.clear();
    held.push(packet(0, 5000), 8000);
    held.push(packet(1, 4840), 8000);
    expect(held.size).toBe(2);
  });
});
