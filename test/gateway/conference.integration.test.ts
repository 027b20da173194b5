// A local conference in the gateway, against a werift "renderer" and two UDP far ends: each far
// end must hear the agent and the other far end (mixed, G.711), the agent keeps hearing each far
// end untouched on its own transceiver, and leaving the conference restores plain relay.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toneAmplitude } from '../../e2e/peers/audio';
import { ConferenceCodecError, createMediaGateway } from '../../src-main/core/gateway';
import { decodeG711, encodeG711, type G711Law } from '../../src-main/core/gateway/g711';
import type { CallMedia, MediaConference, NegotiatedMedia } from '../../src-main/core/gateway/types';
import { nullLogger } from '../../src-main/core/log/logger';
import type { RtpView } from '../../src-main/core/gateway/rtp';
import { FakeRenderer } from './fake-renderer';
import { FarEnd } from './far-end';
import { pumpUntil, randomPortRange, waitFor } from './helpers';

const PCMU = { name: 'PCMU', payloadType: 0, clockRate: 8000 };
const PCMA = { name: 'PCMA', payloadType: 8, clockRate: 8000 };
const AGENT_HZ = 1000;
const A_HZ = 440;
const B_HZ = 1400;

function toneFrame(law: G711Law, hz: number, index: number): Buffer {
  const s = new Int16Array(160);
  for (let i = 0; i < 160; i++) s[i] = Math.round(6000 * Math.sin((2 * Math.PI * hz * (index * 160 + i)) / 8000));
  return encodeG711(law, s);
}

function pcmOf(packets: readonly RtpView[], law: G711Law) {
  const parts = packets.map((p) => decodeG711(law, p.payload));
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) for (const v of p) samples[o++] = v / 32768;
  return { rate: 8000, samples };
}

/** Amplitudes at the three test frequencies, for readable failures. */
function levels(packets: readonly RtpView[], law: G711Law): Record<number, number> {
  const pcm = pcmOf(packets, law);
  return Object.fromEntries([AGENT_HZ, A_HZ, B_HZ].map((hz) => [hz, Number(toneAmplitude(pcm, hz).toFixed(4))]));
}

describe('gateway conference (G.711 mixing)', () => {
  let gw: ReturnType<typeof createMediaGateway>;
  let renderer: FakeRenderer;
  const farEnds: FarEnd[] = [];

  beforeEach(async () => {
    gw = createMediaGateway({ localAddress: '127.0.0.1', ...randomPortRange(40), rtcpIntervalMs: 1000 }, nullLogger);
    renderer = new FakeRenderer((d) => void gw.handleRendererDescription(d).catch(() => undefined));
    gw.on('description', (d) => void renderer.handle(d).catch(() => undefined));
    const connected = waitFor<void>((r) => gw.on('rtcState', (s) => s === 'connected' && r()));
    await renderer.start();
    await connected;
  });

  afterEach(async () => {
    for (const f of farEnds.splice(0)) f.close();
    await gw.dispose();
    await renderer.close();
  });

  async function startCall(id: string, codec: NegotiatedMedia['codec']): Promise<{ call: CallMedia; far: FarEnd; mid: string }> {
    const far = await new FarEnd().open();
    farEnds.push(far);
    const call = await gw.createCallMedia(id);
    const ready = waitFor<string>((r) => call.on('rendererReady', r));
    call.applyNegotiation({ remoteAddress: '127.0.0.1', remoteRtpPort: far.rtpPort, remoteRtcpPort: far.rtcpPort, codec, direction: 'sendrecv' });
    call.setRelaying(true);
    return { call, far, mid: await ready };
  }

  it('each far end hears the agent and the other far end; leaving restores plain relay', async () => {
    const a = await startCall('a', PCMU);
    const b = await startCall('b', PCMA);
    const conference: MediaConference = gw.conference!([a.call, b.call]);
    expect(conference.callIds).toEqual(['a', 'b']);
    const toRendererA: Buffer[] = [];
    renderer.onRtp((mid, p) => mid === a.mid && toRendererA.push(Buffer.from(p.payload)));
    const sentByA: Buffer[] = [];

    let n = 0;
    // One 20 ms tick: both far ends talk, the agent's mic arrives on both transceivers.
    const tick = (): void => {
      const i = n++;
      const frameA = toneFrame('PCMU', A_HZ, i);
      sentByA.push(frameA);
      a.far.send(a.call.rtpPort, frameA, 0);
      b.far.send(b.call.rtpPort, toneFrame('PCMA', B_HZ, i), 8);
      renderer.sendRtp(a.mid, toneFrame('PCMU', AGENT_HZ, i), 0);
      renderer.sendRtp(b.mid, toneFrame('PCMA', AGENT_HZ, i), 8);
    };
    await pumpUntil(tick, () => a.far.received.length >= 60 && b.far.received.length >= 60, 400);

    const toA = levels(a.far.received.slice(-40), 'PCMU');
    const toB = levels(b.far.received.slice(-40), 'PCMA');
    expect(toA[AGENT_HZ], `far end A hears the agent ${JSON.stringify(toA)}`).toBeGreaterThan(0.05);
    expect(toA[B_HZ], `far end A hears far end B ${JSON.stringify(toA)}`).toBeGreaterThan(0.05);
    expect(toA[A_HZ], `far end A does not hear itself ${JSON.stringify(toA)}`).toBeLessThan(0.01);
    expect(toB[AGENT_HZ], `far end B hears the agent ${JSON.stringify(toB)}`).toBeGreaterThan(0.05);
    expect(toB[A_HZ], `far end B hears far end A ${JSON.stringify(toB)}`).toBeGreaterThan(0.05);
    expect(toB[B_HZ], `far end B does not hear itself ${JSON.stringify(toB)}`).toBeLessThan(0.01);
    // The agent still gets far end A untouched on A's own transceiver (the browser mixes playback).
    expect(toRendererA.length).toBeGreaterThan(20);
    expect(toRendererA.every((p) => sentByA.some((s) => s.equals(p)))).toBe(true);

    // Mute applies to the agent's contribution only: A still hears B.
    a.call.setMuted(true);
    let mark = a.far.received.length;
    await pumpUntil(tick, () => a.far.received.length >= mark + 40, 400);
    const muted = levels(a.far.received.slice(mark + 10), 'PCMU');
    expect(muted[AGENT_HZ], `muted: no agent ${JSON.stringify(muted)}`).toBeLessThan(0.01);
    expect(muted[B_HZ], `muted: still far end B ${JSON.stringify(muted)}`).toBeGreaterThan(0.05);
    a.call.setMuted(false);

    // B leaves: A's leg is a plain relay of the agent's microphone again.
    conference.remove('b');
    expect(conference.callIds).toEqual([]);
    mark = a.far.received.length;
    await pumpUntil(tick, () => a.far.received.length >= mark + 40, 400);
    const after = levels(a.far.received.slice(mark + 10), 'PCMU');
    expect(after[AGENT_HZ], `after leaving ${JSON.stringify(after)}`).toBeGreaterThan(0.05);
    expect(after[B_HZ], `after leaving, B is no longer mixed in ${JSON.stringify(after)}`).toBeLessThan(0.01);
    // Plain relay again: the payload is the agent's frame byte for byte.
    const last = a.far.received.at(-1)!.payload;
    expect([...Array(n).keys()].some((i) => toneFrame('PCMU', AGENT_HZ, i).equals(last))).toBe(true);
  });

  it('refuses a call on a codec it cannot mix, naming the codec', async () => {
    const a = await startCall('a', PCMU);
    const c = await startCall('c', { name: 'opus', payloadType: 96, clockRate: 48000, channels: 2 });
    let error: unknown;
    try {
      gw.conference!([a.call, c.call]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConferenceCodecError);
    expect((error as Error).message).toBe('Conference needs both calls on G.711 (PCMU/PCMA); call c uses opus');
  });
});
