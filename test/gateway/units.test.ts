// Unit tests of the gateway's pure parts and the port allocator.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PortRangeExhaustedError } from '../../src-main/core/gateway/errors';
import { PortAllocator } from '../../src-main/core/gateway/port-allocator';
import { buildRtp, parseRtp, RtpStreamRewriter, seqDelta } from '../../src-main/core/gateway/rtp';
import { RtpReceiveStats } from '../../src-main/core/gateway/rtp-stats';
import { buildReport, compactNtp, ntpNow, parseRtcp, rttFromReport } from '../../src-main/core/gateway/rtcp';
import { dtmfPackets } from '../../src-main/core/gateway/dtmf';
import { rendererCodecFor, silencePayload } from '../../src-main/core/gateway/codecs';
import { keepLoopbackCandidates } from '../../src-main/core/gateway/renderer-connection';
import { randomPortRange } from './helpers';

describe('PortAllocator', () => {
  it('hands out even RTP ports with RTCP + 1, throws PortRangeExhaustedError when full, and reuses released pairs', async () => {
    const { rtpPortMin } = randomPortRange(4);
    const alloc = new PortAllocator('127.0.0.1', rtpPortMin, rtpPortMin + 3);
    expect(alloc.capacity).toBe(2);
    const a = await alloc.allocate();
    const b = await alloc.allocate();
    expect(a.rtpPort % 2).toBe(0);
    expect(a.rtcp.address().port).toBe(a.rtpPort + 1);
    expect(new Set([a.rtpPort, b.rtpPort]).size).toBe(2);
    await expect(alloc.allocate()).rejects.toBeInstanceOf(PortRangeExhaustedError);
    a.release();
    a.release();
    expect(alloc.inUse).toBe(1);
    const c = await alloc.allocate();
    expect(c.rtpPort).toBe(a.rtpPort);
    b.release();
    c.release();
    expect(alloc.inUse).toBe(0);
  });

  it('skips ports something else holds', async () => {
    const { rtpPortMin } = randomPortRange(4);
    const squatter = dgram.createSocket('udp4');
    squatter.bind(rtpPortMin + 1, '127.0.0.1');
    await once(squatter, 'listening');
    const alloc = new PortAllocator('127.0.0.1', rtpPortMin, rtpPortMin + 3);
    const pair = await alloc.allocate();
    expect(pair.rtpPort).toBe(rtpPortMin + 2);
    await expect(alloc.allocate()).rejects.toThrow(/No free RTP port pair/);
    pair.release();
    squatter.close();
  });

  it('treats an odd or empty range sensibly', () => {
    expect(new PortAllocator('127.0.0.1', 40001, 40004).capacity).toBe(1); // 40002/40003
    expect(new PortAllocator('127.0.0.1', 40000, 40000).capacity).toBe(0);
  });
});

describe('RTP header', () => {
  it('round-trips and exposes the payload untouched', () => {
    const payload = Buffer.from([1, 2, 3, 4]);
    const pkt = buildRtp({ marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef }, payload);
    const v = parseRtp(pkt)!;
    expect(v).toMatchObject({ marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef });
    expect([...v.payload]).toEqual([1, 2, 3, 4]);
  });

  it('skips CSRCs, extension and padding', () => {
    const head = Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]); // V=2 P X CC=1
    const csrc = Buffer.from([0, 0, 0, 9]);
    const ext = Buffer.from([0xbe, 0xde, 0, 1, 0x10, 0xff, 0, 0]);
    const body = Buffer.from([7, 7, 7]);
    const pad = Buffer.from([0, 0, 3]);
    const v = parseRtp(Buffer.concat([head, csrc, ext, body, pad]))!;
    expect([...v.payload]).toEqual([7, 7, 7]);
  });

  it('rejects short, wrong-version, truncated and RTCP packets', () => {
    expect(parseRtp(Buffer.alloc(11))).toBeUndefined();
    expect(parseRtp(Buffer.alloc(12))).toBeUndefined(); // version 0
    expect(parseRtp(Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // 15 CSRCs missing
    expect(parseRtp(Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]))).toBeUndefined(); // extension overruns
    expect(parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200]))).toBeUndefined(); // padding overruns
    expect(parseRtp(Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // an SR
  });

  it('computes sequence distance across the wrap', () => {
    expect(seqDelta(2, 65534)).toBe(4);
    expect(seqDelta(65534, 2)).toBe(-4);
  });

  it('rewriter keeps offsets while a source is stable and re-anchors on a new source', () => {
    let now = 0;
    const rw = new RtpStreamRewriter(1234, () => 8000, () => now);
    const a = rw.map(1, 100, 1000);
    now += 20;
    const b = rw.map(1, 102, 1320); // a gap passes through
    expect(b.sequenceNumber - a.sequenceNumber).toBe(2);
    expect(b.timestamp - a.timestamp).toBe(320);
    now += 20;
    const c = rw.map(2, 9000, 77777); // new SSRC: continue right after b
    expect(c.sequenceNumber).toBe((b.sequenceNumber + 1) & 0xffff);
    expect(c.timestamp).toBe(b.timestamp + 160);
  });

  it('rewriter continues after injected packets using the time their timestamp stands for', () => {
    let now = 0;
    const rw = new RtpStreamRewriter(1, () => 8000, () => now);
    rw.map(5, 10, 0);
    now = 20;
    const inj = rw.nextInjected();
    rw.noteInjected(inj.sequenceNumber, inj.timestamp, 20);
    now = 140;
    rw.noteInjected((inj.sequenceNumber + 1) & 0xffff, inj.timestamp, 20);
    const next = rw.map(5, 11, 160);
    expect(next.sequenceNumber).toBe((inj.sequenceNumber + 2) & 0xffff);
    expect(next.timestamp).toBe(inj.timestamp + 120 * 8);
  });
});

describe('RtpReceiveStats', () => {
  it('counts packets, bytes and sequence-gap loss across the 16-bit wrap', () => {
    const s = new RtpReceiveStats(8000);
    const seqs = [65533, 65534, 65535, 0, 3, 4]; // 1 and 2 lost
    seqs.forEach((q, i) => s.record(7, q, i * 160, 160, i * 20));
    expect(s.snapshot()).toMatchObject({ packets: 6, bytes: 960, lost: 2 });
    expect(s.extendedHighestSeq).toBe(0x10000 + 4);
  });

  it('estimates jitter per RFC 3550 (zero for a perfect clock, > 0 for uneven arrival)', () => {
    const steady = new RtpReceiveStats(8000);
    for (let i = 0; i < 50; i++) steady.record(1, i, i * 160, 160, i * 20);
    expect(steady.jitterMs).toBeCloseTo(0, 5);
    const uneven = new RtpReceiveStats(8000);
    for (let i = 0; i < 200; i++) uneven.record(1, i, i * 160, 160, i * 20 + (i % 2 ? 10 : 0));
    // |D| = 10 ms every packet: J converges to 10 ms
    expect(uneven.jitterMs).toBeGreaterThan(9);
    expect(uneven.jitterMs).toBeLessThan(10.01);
  });

  it('reports fraction lost per interval as 8-bit fixed point', () => {
    const s = new RtpReceiveStats(8000);
    for (const q of [0, 1, 2, 3, 5, 6, 7, 8]) s.record(1, q, q * 160, 160, q * 20); // 1 of 9 lost
    expect(s.takeFractionLost()).toBe(Math.floor((1 << 8) / 9));
    for (const q of [9, 10]) s.record(1, q, q * 160, 160, q * 20);
    expect(s.takeFractionLost()).toBe(0);
  });

  it('keeps counting when the source changes SSRC', () => {
    const s = new RtpReceiveStats(8000);
    for (const q of [0, 2]) s.record(1, q, 0, 10, 0);
    for (const q of [500, 501]) s.record(2, q, 0, 10, 0);
    expect(s.snapshot()).toMatchObject({ packets: 4, lost: 1 });
  });
});

describe('RTCP', () => {
  it('builds an SR + SDES that parses back, with one report block', () => {
    const pkt = buildReport({
      ssrc: 0x01020304,
      cname: 'me',
      sender: { ntpSec: 1, ntpFrac: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 },
      block: { ssrc: 9, fractionLost: 25, cumulativeLost: -2, extendedHighestSeq: 70000, jitter: 12, lsr: 0xabcd, dlsr: 0x10000 },
    });
    expect(pkt.length % 4).toBe(0);
    const r = parseRtcp(pkt)!;
    expect(r.senderSsrc).toBe(0x01020304);
    expect(r.senderInfo).toMatchObject({ packetCount: 4, octetCount: 5 });
    expect(r.reports[0]).toEqual({ ssrc: 9, fractionLost: 25, cumulativeLost: -2, extendedHighestSeq: 70000, jitter: 12, lsr: 0xabcd, dlsr: 0x10000 });
  });

  it('parses a receiver report from a far end and computes RTT from LSR/DLSR', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const sentAt = ntpNow(now - 300); // our SR went out 300 ms ago
    const rr = buildReport({
      ssrc: 77,
      cname: 'far',
      block: { ssrc: 5, fractionLost: 64, cumulativeLost: 3, extendedHighestSeq: 10, jitter: 80, lsr: compactNtp(sentAt.sec, sentAt.frac), dlsr: Math.round(0.1 * 65536) },
    });
    const r = parseRtcp(rr)!;
    expect(r.senderInfo).toBeUndefined();
    expect(r.reports[0]!.fractionLost / 256).toBe(0.25);
    const rtt = rttFromReport(r.reports[0]!, now)!;
    expect(rtt).toBeGreaterThan(195);
    expect(rtt).toBeLessThan(205);
  });

  it('rejects garbage and truncated packets without throwing', () => {
    expect(parseRtcp(Buffer.alloc(3))).toBeUndefined();
    expect(parseRtcp(Buffer.from('hello world!'))).toBeUndefined();
    expect(parseRtcp(Buffer.from([0x81, 201, 0, 20, 0, 0, 0, 1]))).toBeUndefined(); // length beyond the datagram
    expect(parseRtcp(Buffer.from([0x85, 201, 0, 1, 0, 0, 0, 1]))).toBeUndefined(); // 5 blocks announced, none present
  });
});

describe('RFC 4733 DTMF', () => {
  it('generates start (marker), updates with growing duration and three end packets', () => {
    const p = dtmfPackets('#', { durationMs: 100, intervalMs: 20 });
    expect(p[0]!.marker).toBe(true);
    expect(p.slice(1).every((x) => !x.marker)).toBe(true);
    expect(p.every((x) => x.payload[0] === 11)).toBe(true);
    const updates = p.filter((x) => !x.end);
    expect(updates.map((x) => x.payload.readUInt16BE(2))).toEqual([160, 320, 480, 640]);
    const ends = p.filter((x) => x.end);
    expect(ends).toHaveLength(3);
    expect(ends.every((x) => (x.payload[1]! & 0x80) !== 0 && x.payload.readUInt16BE(2) === 800)).toBe(true);
    expect(p.map((x) => x.atMs)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(p[0]!.payload[1]! & 0x3f).toBe(10); // volume
  });

  it('maps every digit and rejects others', () => {
    expect(dtmfPackets('*')[0]!.payload[0]).toBe(10);
    expect(dtmfPackets('d')[0]!.payload[0]).toBe(15);
    expect(() => dtmfPackets('x')).toThrow(RangeError);
  });
});

describe('codec mapping', () => {
  it('maps SIP codecs onto the renderer leg by name and clock rate', () => {
    expect(rendererCodecFor({ name: 'PCMU', payloadType: 0, clockRate: 8000 }).payloadType).toBe(0);
    expect(rendererCodecFor({ name: 'opus', payloadType: 96, clockRate: 48000, channels: 2 }).payloadType).toBe(111);
    expect(rendererCodecFor({ name: 'G722', payloadType: 9, clockRate: 8000 }).payloadType).toBe(9);
    expect(() => rendererCodecFor({ name: 'G729', payloadType: 18, clockRate: 8000 })).toThrow(/G729/);
  });

  it('makes silence for G.711', () => {
    expect([...silencePayload('PCMU', 3)!]).toEqual([0xff, 0xff, 0xff]);
    expect([...silencePayload('PCMA', 2)!]).toEqual([0xd5, 0xd5]);
    expect(silencePayload('G722', 160)).toBeUndefined();
  });

  it('keeps only IPv4 loopback UDP candidates from the renderer', () => {
    const sdp = ['a=candidate:1 1 udp 1 abc.local 5000 typ host', 'a=candidate:2 1 udp 1 127.0.0.1 5001 typ host', 'a=candidate:3 1 tcp 1 127.0.0.1 9 typ host', 'a=mid:0'].join('\r\n');
    expect(keepLoopbackCandidates(sdp)).toBe(['a=candidate:2 1 udp 1 127.0.0.1 5001 typ host', 'a=mid:0'].join('\r\n'));
  });
});

describe('parsers on random bytes', () => {
  it('never throw on garbage (bounded fuzz, seeded)', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rand() * 64);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(rand() * 256);
      if (len > 0 && rand() < 0.5) buf[0] = (buf[0]! & 0x3f) | 0x80; // often look like v2
      expect(() => parseRtp(buf)).not.toThrow();
      expect(() => parseRtcp(buf)).not.toThrow();
    }
  });
});
