// CallMediaImpl on its own: a stand-in renderer connection, a real SIP-side socket pair.
import dgram from 'node:dgram';
import { once } from 'node:events';
import type { RtpPacket } from 'werift';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallMediaImpl, RendererConnectionLostError } from '../../src-main/core/gateway/call-media';
import { silencePayload } from '../../src-main/core/gateway/codecs';
import { PortAllocator } from '../../src-main/core/gateway/port-allocator';
import type { RendererConnection } from '../../src-main/core/gateway/renderer-connection';
import { parseRtp } from '../../src-main/core/gateway/rtp';
import { nullLogger } from '../../src-main/core/log/logger';
import { randomPortRange } from './helpers';

// Counts how often silence frames are built (the real function does the work).
vi.mock('../../src-main/core/gateway/codecs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src-main/core/gateway/codecs')>();
  return { ...actual, silencePayload: vi.fn(actual.silencePayload) };
});

const fakeRenderer = (): RendererConnection => ({ attach: () => undefined, detach: () => undefined }) as unknown as RendererConnection;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('CallMediaImpl', () => {
  it('issue: a renderer reload is recognised by willReattach, not by the wording of the reason', () => {
    const media = new CallMediaImpl({ callId: 'c1', localAddress: '127.0.0.1', renderer: fakeRenderer(), log: nullLogger });
    cleanups.push(() => media.dispose());
    const errors: Error[] = [];
    media.on('error', (e) => errors.push(e));
    media.onRendererLost('renderer peer connection replaced', { willReattach: true });
    expect(errors).toEqual([]);
    media.onRendererLost('renderer connection failed', { willReattach: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RendererConnectionLostError);
  });

  it('issue: muted packets reuse one silence frame per codec and length instead of allocating each time', async () => {
    const { rtpPortMin, rtpPortMax } = randomPortRange(4);
    const pair = await new PortAllocator('127.0.0.1', rtpPortMin, rtpPortMax).allocate();
    const far = dgram.createSocket('udp4');
    far.bind(0, '127.0.0.1');
    await once(far, 'listening');
    const media = new CallMediaImpl({ callId: 'c2', localAddress: '127.0.0.1', renderer: fakeRenderer(), log: nullLogger, pair, rtcpIntervalMs: 60_000 });
    cleanups.push(() => {
      media.dispose();
      far.close();
    });
    const farPort = far.address().port;
    media.applyNegotiation({
      remoteAddress: '127.0.0.1',
      remoteRtpPort: farPort,
      remoteRtcpPort: farPort + 1,
      codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
      direction: 'sendrecv',
    });
    media.setRelaying(true);
    media.setMuted(true);
    vi.mocked(silencePayload).mockClear();

    const received: Buffer[] = [];
    const allArrived = new Promise<void>((resolve) =>
      far.on('message', (m: Buffer) => {
        received.push(m);
        if (received.length === 5) resolve();
      }),
    );
    const mic = Buffer.alloc(160, 0x12); // anything but silence
    for (let i = 0; i < 5; i++) {
      media.onRendererRtp({ header: { payloadType: 0, ssrc: 7, sequenceNumber: i, timestamp: i * 160, marker: false }, payload: mic } as unknown as RtpPacket);
    }
    await allArrived;
    // The far end hears silence, never the microphone...
    for (const m of received) expect(parseRtp(m)!.payload.equals(Buffer.alloc(160, 0xff))).toBe(true);
    // ...built once for PCMU/160, not once per packet.
    expect(vi.mocked(silencePayload)).toHaveBeenCalledTimes(1);
  });
});
