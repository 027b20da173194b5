import { describe, expect, it } from 'vitest';
import { addViaPort, peekMessage, stripViaPort } from './wire';

const INVITE = 'INVITE sip:2000@testbed.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKabc;rport\r\nTo: <sip:2000@testbed.local>\r\nFrom: <sip:1001@testbed.local>;tag=x\r\nCall-ID: abc@h\r\nCSeq: 5 INVITE\r\nContent-Length: 0\r\n\r\n';

describe('wire helpers', () => {
  it('classifies requests and responses by top Via branch and CSeq method', () => {
    expect(peekMessage(INVITE)).toEqual({ kind: 'request', method: 'INVITE', branch: 'z9hG4bKabc', cseqMethod: 'INVITE', callId: 'abc@h' });
    const r = 'SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP 127.0.0.1:4000;branch=z9hG4bKq\r\ni: c\r\nCSeq: 1 INVITE\r\n\r\n';
    expect(peekMessage(r)).toMatchObject({ kind: 'response', status: 180, reason: 'Ringing', branch: 'z9hG4bKq' });
  });

  it('returns undefined for garbage instead of throwing', () => {
    for (const junk of ['', 'hello', '\r\n\r\n', 'INVITE sip:x SIP/2.0\r\n\r\n', 'SIP/2.0 abc\r\nVia: x\r\n\r\n', '\u0000\u0001\u0002']) {
      expect(peekMessage(junk)).toBeUndefined();
    }
  });

  it('adds our port to the top Via of outgoing requests and strips it from responses', () => {
    const out = addViaPort(INVITE, '127.0.0.1', 40123);
    expect(out).toContain('Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bKabc;rport\r\n');
    const response = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bKabc;rport=40123;received=127.0.0.1\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKother\r\nCSeq: 5 INVITE\r\n\r\n';
    const stripped = stripViaPort(response, '127.0.0.1');
    expect(stripped).toContain('Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKabc;rport=40123;received=127.0.0.1\r\n');
    expect(stripped).toContain('Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKother');
  });

  it('leaves a Via that is not ours alone', () => {
    const foreign = INVITE.replace('127.0.0.1;branch', '10.1.1.1;branch');
    expect(addViaPort(foreign, '127.0.0.1', 1)).toBe(foreign);
  });
});
