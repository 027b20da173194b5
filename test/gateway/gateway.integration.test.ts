// The gateway against a werift "renderer" and a UDP "far end": real sockets, real DTLS-SRTP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaGateway } from '../../src-main/core/gateway';
import type { CallMedia, NegotiatedMedia } from '../../src-main/core/gateway/types';
import { LogHub, nullLogger, stderrSink } from '../../src-main/core/log/logger';

// GW_DEBUG=1 shows the gateway's log while debugging a failure.
const testLog = process.env.GW_DEBUG ? debugLogger() : nullLogger;
function debugLogger(): ReturnType<LogHub['logger']> {
  const hub = new LogHub('debug');
  hub.addSink(stderrSink);
  return hub.logger('gw');
}
import { FakeRenderer, type Description } from './fake-renderer';
import { FarEnd } from './far-end';
import { pumpUntil, randomPortRange, waitFor } from './helpers';
import { buildReport, compactNtp, parseRtcp } from '../../src-main/core/gateway/rtcp';

function negotiated(far: FarEnd, over: Partial<NegotiatedMedia> = {}): NegotiatedMedia {
  return {
    remoteAddress: '127.0.0.1',
    remoteRtpPort: far.rtpPort,
    remoteRtcpPort: far.rtcpPort,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
    telephoneEvent: { name: 'telephone-event', payloadType: 101, clockRate: 8000 },
    direction: 'sendrecv',
    ...over,
  };
}

describe('gateway with a werift renderer', () => {
  let gw: ReturnType<typeof createMediaGateway>;
  let renderer: FakeRenderer;
  const farEnds: FarEnd[] = [];
  /**
   * Core -> renderer SDP held back while set: stands in for the real WebSocket + browser round
   * trip (tens of ms), which this in-process renderer would otherwise finish before a single
   * datagram is read.
   */
  let heldDescriptions: Description[] | undefined;
  function pauseSignalling(): void {
    heldDescriptions ??= [];
  }
  function resumeSignalling(): void {
    const queued = heldDescriptions ?? [];
    heldDescriptions = undefined;
    for (const d of queued) void renderer.handle(d).catch(() => undefined);
  }

  beforeEach(async () => {
    heldDescriptions = undefined;
    gw = createMediaGateway({ localAddress: '127.0.0.1', ...randomPortRange(40), rtcpIntervalMs: 100 }, testLog);
    renderer = new FakeRenderer((d) => void gw.handleRendererDescription(d).catch(() => undefined));
    gw.on('description', (d) => (heldDescriptions ? heldDescriptions.push(d) : void renderer.handle(d).catch(() => undefined)));
    const connected = waitFor<void>((r) => gw.on('rtcState', (s) => s === 'connected' && r()));
    await renderer.start();
    await connected;
  });

  afterEach(async () => {
    for (const f of farEnds.splice(0)) f.close();
    await gw.dispose();
    await renderer.close();
  });

  async function startCall(id: string, over: Partial<NegotiatedMedia> = {}): Promise<{ call: CallMedia; far: FarEnd; mid: string }> {
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia(id);
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation(negotiated(far, over));
    call.setRelaying(true);
    return { call, far, mid: await ready };
  }

  it('relays PCMU both ways with payloads untouched and counts stats', async () => {
    const { call, far, mid } = await startCall('c1');
    const fromSip: Buffer[] = [];
    renderer.onRtp((m, p) => m === mid && fromSip.push(p.payload));
    const firstFromSip = waitFor<void>((r) => call.on('firstPacket', (d) => d === 'fromSip' && r()));
    const payload = (i: number): Buffer => Buffer.alloc(160, i & 0x7f);
    await pumpUntil((i) => far.send(call.rtpPort, payload(i)), () => fromSip.length >= 5);
    await firstFromSip;
    expect(fromSip[0]!.length).toBe(160);
    expect(fromSip.every((p) => p.every((b) => b === p[0]))).toBe(true);

    await pumpUntil((i) => renderer.sendRtp(mid, Buffer.alloc(160, 0x20 + (i & 0x0f))), () => far.received.length >= 5);
    const got = far.received[0]!;
    expect(got.payloadType).toBe(0);
    expect(got.payload.length).toBe(160);
    expect(got.payload.every((b) => b === got.payload[0])).toBe(true);
    // SSRC is ours, not the browser's
    expect(new Set(far.received.map((r) => r.ssrc)).size).toBe(1);

    const stats = call.stats();
    expect(stats.codec).toBe('PCMU');
    expect(stats.fromSip.packets).toBeGreaterThanOrEqual(5);
    expect(stats.toSip.packets).toBeGreaterThanOrEqual(5);
    expect(stats.fromSip.lost).toBe(0);
    call.dispose();
  });

  it('maps payload types between legs (PCMA, dynamic telephone-event) and counts a sequence gap as loss', async () => {
    const { call, far, mid } = await startCall('c2', { codec: { name: 'PCMA', payloadType: 8, clockRate: 8000 }, telephoneEvent: { name: 'telephone-event', payloadType: 101, clockRate: 8000 } });
    const seen: number[] = [];
    renderer.onRtp((m, p) => m === mid && seen.push(p.header.payloadType));
    await pumpUntil((i) => far.send(call.rtpPort, Buffer.alloc(160, 0xd5), 8, { seq: i === 3 ? 5000 : 200 + i }), () => seen.length >= 4);
    expect(seen[0]).toBe(8);
    // event from the far end (PT 101) arrives as the renderer leg's 126
    await pumpUntil(() => far.send(call.rtpPort, Buffer.from([5, 0x0a, 0, 160]), 101), () => seen.includes(126));
    // event from the renderer (126) reaches the far end as 101
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.from([1, 0x8a, 3, 32]), 126), () => far.received.some((r) => r.payloadType === 101));
    expect(call.stats().fromSip.lost).toBeGreaterThan(0);
    call.dispose();
  });

  it('runs two calls on the one connection, each on its own mid', async () => {
    const a = await startCall('a');
    const b = await startCall('b');
    expect(a.mid).not.toBe(b.mid);
    const got = new Map<string, number[]>();
    renderer.onRtp((m, p) => got.set(m, [...(got.get(m) ?? []), p.payload[0]!]));
    await pumpUntil(
      () => {
        a.far.send(a.call.rtpPort, Buffer.alloc(160, 0x11));
        b.far.send(b.call.rtpPort, Buffer.alloc(160, 0x22));
      },
      () => (got.get(a.mid)?.length ?? 0) >= 3 && (got.get(b.mid)?.length ?? 0) >= 3,
    );
    expect(new Set(got.get(a.mid))).toEqual(new Set([0x11]));
    expect(new Set(got.get(b.mid))).toEqual(new Set([0x22]));
    await pumpUntil(
      () => {
        renderer.sendRtp(a.mid, Buffer.alloc(160, 0x33));
        renderer.sendRtp(b.mid, Buffer.alloc(160, 0x44));
      },
      () => a.far.received.length >= 3 && b.far.received.length >= 3,
    );
    expect(new Set(a.far.received.map((r) => r.payload[0]))).toEqual(new Set([0x33]));
    expect(new Set(b.far.received.map((r) => r.payload[0]))).toEqual(new Set([0x44]));
    a.call.dispose();
    b.call.dispose();
  });

  it('reuses an ended call transceiver and keeps the SDP small', async () => {
    const first = await startCall('r1');
    first.call.dispose();
    const second = await startCall('r2');
    expect(second.mid).toBe(first.mid);
    second.call.dispose();
  });

  it('sends silence while muted, nothing before setRelaying, and RFC 4733 DTMF', async () => {
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('m1');
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation(negotiated(far));
    const mid = await ready;
    // not relaying yet: the renderer's audio must not leak to the far end
    let sent = 0;
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x42)), () => call.stats().toSip.packets >= 5);
    sent = far.received.length;
    expect(sent).toBe(0);
    call.setRelaying(true);
    call.setMuted(true);
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x42)), () => far.received.length >= 3);
    expect(far.received.every((r) => r.payload.every((b) => b === 0xff))).toBe(true);
    far.received.length = 0;
    expect(await call.sendDtmf('5')).toBe(true);
    const events = far.received.filter((r) => r.payloadType === 101);
    expect(events.length).toBeGreaterThanOrEqual(4);
    expect(events[0]!.marker).toBe(true);
    expect(events.every((e) => e.timestamp === events[0]!.timestamp)).toBe(true);
    const ends = events.filter((e) => (e.payload[1]! & 0x80) !== 0);
    expect(ends.length).toBe(3);
    expect(events.every((e) => e.payload[0] === 5)).toBe(true);
    call.dispose();
  });

  it('resolves sendDtmf false without telephone-event', async () => {
    const { call } = await startCall('d0', { telephoneEvent: undefined });
    expect(await call.sendDtmf('1')).toBe(false);
    call.dispose();
  });

  it('learns the far end real source address (symmetric RTP) and survives malformed packets', async () => {
    const { call, far, mid } = await startCall('s1', { remoteRtpPort: 9 });
    const fromSip: Buffer[] = [];
    renderer.onRtp((m, p) => m === mid && fromSip.push(p.payload));
    far.sendRaw(call.rtpPort, Buffer.from([0x80]));
    far.sendRaw(call.rtpPort, Buffer.from('not rtp at all, just text'));
    far.sendRaw(call.rtpPort, Buffer.from([0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0xff, 0xff]));
    await pumpUntil(() => far.send(call.rtpPort, Buffer.alloc(160, 1)), () => fromSip.length >= 2);
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 2)), () => far.received.length >= 2);
    call.dispose();
  });

  it('frees every port after calls, including failed ones', async () => {
    const calls: CallMedia[] = [];
    for (let i = 0; i < 6; i++) calls.push(await gw.createCallMedia(`p${i}`));
    expect(gw.portsInUse).toBe(6);
    const far = await new FarEnd().open();
    farEnds.push(far);
    const errors: Error[] = [];
    calls[0]!.on('error', (e) => errors.push(e));
    calls[0]!.applyNegotiation({ ...negotiated(far), codec: { name: 'G729', payloadType: 18, clockRate: 8000 } });
    expect(errors[0]?.name).toBe('UnsupportedCodecError');
    calls[1]!.applyNegotiation({ ...negotiated(far), codec: { name: 'G729', payloadType: 18, clockRate: 8000 } }); // nobody listens: no crash
    for (const c of calls) c.dispose();
    calls[1]!.dispose(); // twice is safe
    expect(gw.portsInUse).toBe(0);
  });

  it('echo test loops the renderer audio back to it', async () => {
    const echo = await gw.startEchoTest();
    const mid = await waitFor<string>((r) => echo.on('rendererReady', r));
    const back: Buffer[] = [];
    renderer.onRtp((m, p) => m === mid && back.push(p.payload));
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x5a)), () => back.length >= 3);
    expect(back.every((p) => p.every((b) => b === 0x5a))).toBe(true);
    echo.dispose();
  });

  it('keeps calls when the renderer reconnects with a new peer connection (page reload)', async () => {
    const { call, far } = await startCall('k1');
    const newMid = waitFor<string>((r) => call.on('rendererReady', r));
    await renderer.close();
    renderer = new FakeRenderer((d) => void gw.handleRendererDescription(d).catch(() => undefined));
    await renderer.start();
    const mid = await newMid;
    const got: Buffer[] = [];
    renderer.onRtp((m, p) => m === mid && got.push(p.payload));
    await pumpUntil(() => far.send(call.rtpPort, Buffer.alloc(160, 9)), () => got.length >= 3);
    call.dispose();
  });

  it('sends RTCP SR with a report block on the SIP leg and reads the far end RR (loss, jitter, RTT)', async () => {
    const { call, far, mid } = await startCall('rt1');
    await pumpUntil(
      (i) => {
        far.send(call.rtpPort, Buffer.alloc(160, 1));
        renderer.sendRtp(mid, Buffer.alloc(160, 2 + (i & 1)));
      },
      () => far.rtcpReceived.some((b) => parseRtcp(b)?.senderInfo !== undefined && (parseRtcp(b)?.reports.length ?? 0) > 0),
    );
    const sr = far.rtcpReceived.map((b) => parseRtcp(b)!).find((r) => r.senderInfo && r.reports.length > 0)!;
    expect(sr.reports[0]!.ssrc).toBe(far.ssrc);
    expect(sr.senderSsrc).toBe(far.received[0]!.ssrc);
    // The far end answers with an RR about our stream: 1/4 lost, 80 units jitter, LSR = that SR.
    const rr = buildReport({
      ssrc: far.ssrc,
      cname: 'far',
      block: { ssrc: sr.senderSsrc!, fractionLost: 64, cumulativeLost: 7, extendedHighestSeq: 1, jitter: 80, lsr: compactNtp(sr.senderInfo!.ntpSec, sr.senderInfo!.ntpFrac), dlsr: 0 },
    });
    await pumpUntil(() => far.rtcp.send(rr, call.rtpPort + 1, '127.0.0.1'), () => call.stats().remoteReport !== undefined);
    const report = call.stats().remoteReport!;
    expect(report.fractionLost).toBe(0.25);
    expect(report.cumulativeLost).toBe(7);
    expect(report.jitterMs).toBe(10);
    expect(report.rttMs).toBeGreaterThanOrEqual(0);
    call.dispose();
  });

  it('on hold sends silence (sendonly) or nothing (inactive) toward the far end', async () => {
    const { call, far, mid } = await startCall('h1');
    call.applyNegotiation(negotiated(far, { direction: 'sendonly' }));
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x42)), () => far.received.length >= 3);
    expect(far.received.every((r) => r.payload.every((b) => b === 0xff))).toBe(true);
    call.applyNegotiation(negotiated(far, { direction: 'inactive' }));
    far.received.length = 0;
    const before = call.stats().toSip.packets;
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x42)), () => call.stats().toSip.packets >= before + 5);
    expect(far.received.length).toBe(0);
    call.dispose();
  });

  /** The call's first rendererReady, which must come without any SIP negotiation (bounded: fails instead of hanging). */
  function preparedMid(call: CallMedia): Promise<string> {
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    let settled = false;
    void ready.then(() => (settled = true));
    const guard = pumpUntil(() => undefined, () => settled, 500).catch(() => {
      throw new Error('the renderer leg was not negotiated before the SIP answer');
    });
    return Promise.all([ready, guard]).then(([mid]) => mid);
  }

  /** Offers the gateway sends the renderer from now on (each is one renderer-leg negotiation). */
  function countOffers(): { readonly count: number } {
    let count = 0;
    gw.on('description', (d) => {
      if (d.type === 'offer') count++;
    });
    return {
      get count() {
        return count;
      },
    };
  }

  /** Far-end audio payloads (first byte) the renderer receives on `mid`, with their sequence numbers. */
  function receivedAt(mid: () => string | undefined): Array<{ byte: number; pt: number; seq: number }> {
    const got: Array<{ byte: number; pt: number; seq: number }> = [];
    renderer.onRtp((m, p) => {
      if (m === mid() && p.header.payloadType !== 126) got.push({ byte: p.payload[0]!, pt: p.header.payloadType, seq: p.header.sequenceNumber });
    });
    return got;
  }

  /** Sends tail packets (0xe0) until one reaches the renderer, so every earlier packet had its chance. */
  async function sendTailUntilSeen(far: FarEnd, call: CallMedia, got: Array<{ byte: number }>, pt = 0): Promise<void> {
    await pumpUntil(() => far.send(call.rtpPort, Buffer.alloc(160, 0xe0), pt), () => got.some((g) => g.byte === 0xe0));
  }

  function expectBurstInOrder(got: Array<{ byte: number; pt: number; seq: number }>, burst: number, pt: number): void {
    const head = got.slice(0, burst);
    expect(head.map((g) => g.byte)).toEqual(Array.from({ length: burst }, (_, i) => i + 1));
    expect(head.every((g) => g.pt === pt)).toBe(true);
    // consecutive sequence numbers on the renderer leg: nothing lost or reordered in between
    expect(head.map((g) => (g.seq - head[0]!.seq) & 0xffff)).toEqual(Array.from({ length: burst }, (_, i) => i));
  }

  it('relays far-end packets that arrive before the renderer leg is ready, all and in order', async () => {
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('early1');
    const got = receivedAt(() => call.mid);
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    pauseSignalling();
    // Negotiated in the same turn as the media is created: the renderer leg is negotiated only now.
    call.applyNegotiation(negotiated(far));
    call.setRelaying(true);
    // The far end's first words, sent the moment its answer is out, all read by the gateway
    // before the renderer has answered the offer for the call's transceiver.
    for (let i = 1; i <= 6; i++) far.send(call.rtpPort, Buffer.alloc(160, i));
    await pumpUntil(() => undefined, () => call.stats().fromSip.packets >= 6);
    expect(call.mid).toBeUndefined();
    resumeSignalling();
    await ready;
    await sendTailUntilSeen(far, call, got);
    expectBurstInOrder(got, 6, 0);
    expect(call.stats().fromSip.packets).toBeGreaterThanOrEqual(7);
    call.dispose();
  });

  it('prepares the renderer leg when the media is created: an answer with that codec (PCMU) needs no further offer', async () => {
    const offers = countOffers();
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('prep1');
    // Before any SIP answer (INVITE just built / ringing): the call already has its transceiver.
    const mid = await preparedMid(call);
    expect(offers.count).toBe(1);
    const got = receivedAt(() => mid);
    call.applyNegotiation(negotiated(far));
    call.setRelaying(true);
    for (let i = 1; i <= 3; i++) far.send(call.rtpPort, Buffer.alloc(160, i));
    await sendTailUntilSeen(far, call, got);
    expectBurstInOrder(got, 3, 0);
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0x42)), () => far.received.length >= 3);
    expect(call.mid).toBe(mid);
    expect(offers.count).toBe(1);
    call.dispose();
  });

  it('keeps a prepared leg (PCMU + telephone-event) when the far end answers PCMU without telephone-event', async () => {
    const offers = countOffers();
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('prep2');
    const mid = await preparedMid(call);
    const got = receivedAt(() => mid);
    call.applyNegotiation(negotiated(far, { telephoneEvent: undefined }));
    call.setRelaying(true);
    await pumpUntil((i) => far.send(call.rtpPort, Buffer.alloc(160, i + 1)), () => got.length >= 3);
    expect(got[0]!.byte).toBe(1);
    expect(await call.sendDtmf('1')).toBe(false);
    expect(offers.count).toBe(1);
    call.dispose();
  });

  it('renegotiates a prepared leg when the answer picks another codec (PCMA), holding the first packets meanwhile', async () => {
    const offers = countOffers();
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('prep3');
    const mid = await preparedMid(call);
    expect(offers.count).toBe(1);
    const got = receivedAt(() => mid);
    const again = waitFor<string>((r) => call.on('rendererReady', r));
    pauseSignalling();
    call.applyNegotiation(negotiated(far, { codec: { name: 'PCMA', payloadType: 8, clockRate: 8000 } }));
    call.setRelaying(true);
    for (let i = 1; i <= 5; i++) far.send(call.rtpPort, Buffer.alloc(160, i), 8);
    await pumpUntil(() => undefined, () => call.stats().fromSip.packets >= 5);
    resumeSignalling();
    expect(await again).toBe(mid);
    await sendTailUntilSeen(far, call, got, 8);
    expectBurstInOrder(got, 5, 8);
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0xd5), 8), () => far.received.length >= 3);
    expect(new Set(far.received.map((r) => r.payloadType))).toEqual(new Set([8]));
    expect(offers.count).toBe(2);
    call.dispose();
  });

  it('inbound: prepare() with the offered codec while ringing, Answer starts audio without another offer', async () => {
    const offers = countOffers();
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('in1');
    const pcma = { name: 'PCMA', payloadType: 8, clockRate: 8000 };
    const te = { name: 'telephone-event', payloadType: 101, clockRate: 8000 };
    call.prepare?.(pcma, te); // what the SIP layer knows from the INVITE's offer
    const mid = await preparedMid(call);
    expect(offers.count).toBe(1);
    // Answer: relaying on, then our SDP answer is applied; the caller talks at once.
    const got = receivedAt(() => mid);
    call.setRelaying(true);
    call.applyNegotiation(negotiated(far, { codec: pcma, telephoneEvent: te }));
    for (let i = 1; i <= 3; i++) far.send(call.rtpPort, Buffer.alloc(160, i), 8);
    await sendTailUntilSeen(far, call, got, 8);
    expectBurstInOrder(got, 3, 8);
    expect(offers.count).toBe(1);
    call.dispose();
  });

  it('holds nothing while not relaying: far-end audio before setRelaying never reaches the renderer', async () => {
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia('gate1');
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation(negotiated(far));
    const got = receivedAt(() => call.mid);
    for (let i = 0; i < 4; i++) far.send(call.rtpPort, Buffer.alloc(160, 0x77));
    await ready;
    await pumpUntil(() => undefined, () => call.stats().fromSip.packets >= 4); // all four were processed
    call.setRelaying(true);
    await sendTailUntilSeen(far, call, got);
    expect(got.some((g) => g.byte === 0x77)).toBe(false);
    call.dispose();
  });

  it('follows a mid-call codec change (re-INVITE PCMU -> PCMA) by renegotiating the renderer leg', async () => {
    const { call, far, mid } = await startCall('cc1');
    const again = waitFor<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation(negotiated(far, { codec: { name: 'PCMA', payloadType: 8, clockRate: 8000 } }));
    expect(await again).toBe(mid);
    const seen: number[] = [];
    renderer.onRtp((m, p) => m === mid && seen.push(p.header.payloadType));
    await pumpUntil(() => far.send(call.rtpPort, Buffer.alloc(160, 0xd5), 8), () => seen.length >= 3);
    expect(new Set(seen)).toEqual(new Set([8]));
    await pumpUntil(() => renderer.sendRtp(mid, Buffer.alloc(160, 0xd5), 8), () => far.received.length >= 3);
    expect(new Set(far.received.map((r) => r.payloadType))).toEqual(new Set([8]));
    call.dispose();
  });
});
