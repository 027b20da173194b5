import { describe, expect, it } from 'vitest';
import type { NegotiatedMedia, SipMediaPort } from '../gateway/types';
import { PlainRtpSessionDescriptionHandler } from './sdh';
import { SdpNegotiationError, SdpParseError } from './sdp';

function fakeMedia(): SipMediaPort & { applied: NegotiatedMedia[] } {
  const applied: NegotiatedMedia[] = [];
  return { localAddress: '127.0.0.1', rtpPort: 40002, applied, applyNegotiation: (m) => applied.push(m) };
}

const remote = (dir: string, pts = '0 101'): string =>
  ['v=0', 'o=far 1 1 IN IP4 127.0.0.9', 's=-', 'c=IN IP4 127.0.0.9', 't=0 0', `m=audio 30000 RTP/AVP ${pts}`, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', `a=${dir}`, ''].join('\r\n');

describe('PlainRtpSessionDescriptionHandler', () => {
  it('offers, then applies the answer to the media port', async () => {
    const media = fakeMedia();
    const sdh = new PlainRtpSessionDescriptionHandler({ media: async () => media });
    const offer = await sdh.getDescription();
    expect(offer.contentType).toBe('application/sdp');
    expect(offer.body).toContain('m=audio 40002 RTP/AVP 0 8 9 111 101');
    expect(offer.body).toContain('a=sendrecv');
    await sdh.setDescription(remote('sendrecv'));
    expect(media.applied).toEqual([
      expect.objectContaining({ remoteAddress: '127.0.0.9', remoteRtpPort: 30000, remoteRtcpPort: 30001, direction: 'sendrecv', codec: expect.objectContaining({ name: 'PCMU', payloadType: 0 }), telephoneEvent: expect.objectContaining({ payloadType: 101 }) }),
    ]);
  });

  it("answers an offer with only the chosen codec and the offerer's telephone-event PT", async () => {
    const media = fakeMedia();
    const sdh = new PlainRtpSessionDescriptionHandler({ media: async () => media });
    await sdh.setDescription(remote('sendrecv', '8 0 101'));
    const answer = await sdh.getDescription();
    expect(answer.body).toContain('m=audio 40002 RTP/AVP 8 101\r\n');
    expect(answer.body).not.toContain('PCMU');
    expect(media.applied[0]?.codec.name).toBe('PCMA');
  });

  it('holds with a=sendonly and versions each new SDP', async () => {
    const media = fakeMedia();
    const sdh = new PlainRtpSessionDescriptionHandler({ media: async () => media });
    const first = await sdh.getDescription();
    await sdh.setDescription(remote('sendrecv'));
    sdh.setLocalHold(true);
    const hold = await sdh.getDescription();
    expect(hold.body).toContain('a=sendonly');
    const v = (s: string): number => Number(/^o=\S+ \S+ (\d+)/m.exec(s)?.[1]);
    expect(v(hold.body)).toBeGreaterThan(v(first.body));
    await sdh.setDescription(remote('recvonly'));
    expect(media.applied.at(-1)?.direction).toBe('sendonly');
  });

  it('detects a remote hold offer, answers recvonly/inactive and reports the resume', async () => {
    const media = fakeMedia();
    const holds: boolean[] = [];
    const sdh = new PlainRtpSessionDescriptionHandler({ media: async () => media, events: { remoteHold: (h) => holds.push(h) } });
    await sdh.getDescription();
    await sdh.setDescription(remote('sendrecv'));
    await sdh.setDescription(remote('sendonly'));
    expect((await sdh.getDescription()).body).toContain('a=recvonly');
    await sdh.setDescription(remote('inactive'));
    expect((await sdh.getDescription()).body).toContain('a=inactive');
    await sdh.setDescription(remote('sendrecv'));
    expect((await sdh.getDescription()).body).toContain('a=sendrecv');
    expect(holds).toEqual([true, false]);
  });

  it('fails a no-common-codec offer with SdpNegotiationError and a malformed one with SdpParseError', async () => {
    const errors: Error[] = [];
    const sdh = new PlainRtpSessionDescriptionHandler({ media: async () => fakeMedia(), events: { error: (e) => errors.push(e) } });
    await expect(sdh.setDescription(remote('sendrecv', '18'))).rejects.toBeInstanceOf(SdpNegotiationError);
    await expect(sdh.setDescription('garbage')).rejects.toBeInstanceOf(SdpParseError);
    expect(errors.map((e) => e.name)).toEqual(['SdpNegotiationError', 'SdpParseError']);
  });
});
