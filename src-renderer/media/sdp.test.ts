import { describe, expect, it } from 'vitest';
import { onlyNarrowbandTelephoneEvent, prepareLocalDescription, stripCandidates } from './sdp';

const chromeOffer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2113937151 3b1f7c1e-6a0e-4b8e-9a51-0c0d7f5b1e2a.local 51234 typ host generation 0',
  'a=candidate:2 1 udp 2113939711 192.168.1.20 51235 typ host generation 0',
  'a=end-of-candidates',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=fmtp:110 0-15',
  'a=rtpmap:126 telephone-event/8000',
  'a=fmtp:126 0-15',
  '',
].join('\r\n');

describe('renderer SDP munging', () => {
  it('strips every candidate, mDNS and LAN alike', () => {
    const out = stripCandidates(chromeOffer);
    expect(out).not.toMatch(/a=candidate/);
    expect(out).not.toMatch(/\.local/);
    expect(out).not.toMatch(/end-of-candidates/);
    expect(out).toMatch(/a=mid:0\r\n/);
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('keeps telephone-event at 8 kHz only', () => {
    const out = onlyNarrowbandTelephoneEvent(chromeOffer);
    expect(out).toMatch(/^m=audio 9 UDP\/TLS\/RTP\/SAVPF 111 63 9 0 8 13 126$/m);
    expect(out).not.toMatch(/telephone-event\/48000/);
    expect(out).not.toMatch(/a=fmtp:110/);
    expect(out).toMatch(/a=rtpmap:126 telephone-event\/8000/);
    expect(out).toMatch(/a=fmtp:126 0-15/);
  });

  it('leaves an SDP without wideband telephone-event unchanged', () => {
    const sdp = chromeOffer.replace(/a=rtpmap:110[^\r]*\r\na=fmtp:110[^\r]*\r\n/, '').replace(' 110 126', ' 126');
    expect(onlyNarrowbandTelephoneEvent(sdp)).toBe(sdp);
  });

  it('prepares a full description for the core', () => {
    const out = prepareLocalDescription(chromeOffer);
    expect(out).not.toMatch(/candidate|telephone-event\/48000/);
  });
});
