import { describe, expect, it } from 'vitest';
import { answerDirection, buildSdp, chooseCodec, LOCAL_CODECS, LOCAL_TELEPHONE_EVENT, parseSdp, SdpNegotiationError, SdpParseError } from './sdp';

const sdp = (lines: string[]): string => lines.join('\r\n') + '\r\n';

describe('SDP: build', () => {
  it('offers PCMU, PCMA, G722, opus and telephone-event on RTP/AVP with ptime 20', () => {
    const text = buildSdp({ sessionId: '42', version: 3, address: '127.0.0.1', port: 40000, codecs: LOCAL_CODECS, telephoneEvent: LOCAL_TELEPHONE_EVENT, direction: 'sendrecv' });
    expect(text).toContain('o=- 42 3 IN IP4 127.0.0.1\r\n');
    expect(text).toContain('c=IN IP4 127.0.0.1\r\n');
    expect(text).toContain('m=audio 40000 RTP/AVP 0 8 9 111 101\r\n');
    for (const line of ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:9 G722/8000', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv']) {
      expect(text).toContain(line + '\r\n');
    }
    // What we build, we can parse back.
    expect(parseSdp(text).audio?.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA', 'G722', 'opus', 'telephone-event']);
  });
});

describe('SDP: parse', () => {
  it('picks the first audio m-line, media-level c= over session-level, a=rtcp, static PTs without rtpmap', () => {
    const parsed = parseSdp(
      sdp(['v=0', 'o=x 1 7 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0', 'm=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000', 'm=audio 6000 RTP/AVP 8 0 97', 'c=IN IP4 10.0.0.2', 'a=rtpmap:97 telephone-event/8000', 'a=rtcp:6005', 'a=sendonly', 'a=ptime:30']),
    );
    expect(parsed.sessionVersion).toBe(7);
    expect(parsed.audio).toMatchObject({ address: '10.0.0.2', port: 6000, rtcpPort: 6005, direction: 'sendonly', ptime: 30 });
    expect(parsed.audio?.codecs.map((c) => `${c.name}/${c.payloadType}`)).toEqual(['PCMA/8', 'PCMU/0', 'telephone-event/97']);
  });

  it('uses the session-level c= and rtp+1 for RTCP when the media has none', () => {
    const parsed = parseSdp(sdp(['v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', 'm=audio 7000 RTP/AVP 0']));
    expect(parsed.audio).toMatchObject({ address: '1.2.3.4', rtcpPort: 7001, direction: 'sendrecv' });
  });

  it('reports a rejected audio stream (port 0) as no audio', () => {
    expect(parseSdp(sdp(['v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', 'm=audio 0 RTP/AVP 0'])).audio).toBeUndefined();
  });

  it('maps dynamic payload types by rtpmap name (G722 and opus at any PT)', () => {
    const parsed = parseSdp(sdp(['v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', 'm=audio 7000 RTP/AVP 120 121', 'a=rtpmap:120 OPUS/48000/2', 'a=rtpmap:121 telephone-event/8000']));
    const choice = chooseCodec(parsed.audio?.codecs ?? []);
    expect(choice.codec).toMatchObject({ name: 'OPUS', payloadType: 120, clockRate: 48000 });
    expect(choice.telephoneEvent).toMatchObject({ payloadType: 121 });
  });

  it.each([
    ['empty', ''],
    ['not SDP', 'hello world'],
    ['no m-line', sdp(['v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0'])],
    ['bad port', sdp(['v=0', 'c=IN IP4 1.2.3.4', 'm=audio 99999 RTP/AVP 0'])],
    ['no connection address', sdp(['v=0', 'm=audio 4000 RTP/AVP 0'])],
    ['bad c=', sdp(['v=0', 'c=IN', 'm=audio 4000 RTP/AVP 0'])],
    ['garbage line', sdp(['v=0', 'this is not sdp', 'm=audio 4000 RTP/AVP 0'])],
    ['bad payload type', sdp(['v=0', 'c=IN IP4 1.2.3.4', 'm=audio 4000 RTP/AVP abc'])],
    ['unknown audio transport', sdp(['v=0', 'c=IN IP4 1.2.3.4', 'm=audio 4000 udp 0'])],
  ])('rejects malformed SDP (%s) with SdpParseError', (_name, text) => {
    expect(() => parseSdp(text)).toThrow(SdpParseError);
  });
});

describe('SDP: negotiate', () => {
  it("chooses the first common codec in the offerer's order", () => {
    const offered = parseSdp(sdp(['v=0', 'c=IN IP4 1.2.3.4', 'm=audio 4000 RTP/AVP 18 9 0', 'a=rtpmap:18 G729/8000'])).audio?.codecs ?? [];
    expect(chooseCodec(offered).codec.name).toBe('G722');
  });

  it('throws SdpNegotiationError (488) naming the offered codecs when nothing matches', () => {
    const offered = parseSdp(sdp(['v=0', 'c=IN IP4 1.2.3.4', 'm=audio 4000 RTP/AVP 18 4 101', 'a=rtpmap:18 G729/8000', 'a=rtpmap:4 G723/8000', 'a=rtpmap:101 telephone-event/8000'])).audio?.codecs ?? [];
    let error: unknown;
    try {
      chooseCodec(offered);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SdpNegotiationError);
    expect((error as SdpNegotiationError).status).toBe(488);
    expect((error as Error).message).toBe('No common audio codec (offered: G729, G723)');
  });

  it.each(['RTP/SAVP', 'RTP/SAVPF', 'UDP/TLS/RTP/SAVPF'])('issue: SRTP offers accepted as plain RTP: %s only is refused with SdpNegotiationError (488)', (proto) => {
    const text = sdp(['v=0', 'o=x 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', `m=audio 4000 ${proto} 0`, 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz']);
    let error: unknown;
    try {
      parseSdp(text, 'The caller');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SdpNegotiationError);
    expect((error as SdpNegotiationError).status).toBe(488);
    expect((error as Error).message).toBe(`The caller offered only encrypted media (${proto}), which this softphone does not support`);
  });

  it('accepts plain RTP/AVP and RTP/AVPF audio', () => {
    for (const proto of ['RTP/AVP', 'RTP/AVPF']) {
      expect(parseSdp(sdp(['v=0', 'c=IN IP4 1.2.3.4', `m=audio 4000 ${proto} 0`])).audio?.codecs.map((c) => c.name)).toEqual(['PCMU']);
    }
  });

  it('answers hold offers with the mirrored direction', () => {
    expect(answerDirection('sendonly', false)).toBe('recvonly');
    expect(answerDirection('inactive', false)).toBe('inactive');
    expect(answerDirection('sendrecv', false)).toBe('sendrecv');
    expect(answerDirection('sendrecv', true)).toBe('sendonly');
    expect(answerDirection('sendonly', true)).toBe('inactive');
    expect(answerDirection('recvonly', false)).toBe('sendonly');
  });
});
