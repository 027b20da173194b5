import { describe, expect, it } from 'vitest';
import { SipFramingError, SipStreamFramer } from './framing';

const body = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';
const msgA = `INVITE sip:a@b SIP/2.0\r\nCall-ID: a\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const msgB = 'SIP/2.0 200 OK\r\nCall-ID: b\r\nl: 0\r\n\r\n';

describe('SipStreamFramer (TCP framing by Content-Length)', () => {
  it('reassembles a message split across chunks, byte by byte', () => {
    const f = new SipStreamFramer();
    const out = [];
    for (const byte of Buffer.from(msgA)) out.push(...f.push(Buffer.from([byte])));
    expect(out).toEqual([{ type: 'message', text: msgA }]);
    expect(f.pending).toBe(0);
  });

  it('splits several messages and keepalives in one chunk', () => {
    const f = new SipStreamFramer();
    const out = f.push(Buffer.from(`\r\n\r\n${msgA}${msgB}\r\n${msgA.slice(0, 10)}`));
    expect(out).toEqual([{ type: 'ping' }, { type: 'message', text: msgA }, { type: 'message', text: msgB }, { type: 'pong' }]);
    expect(f.push(Buffer.from(msgA.slice(10)))).toEqual([{ type: 'message', text: msgA }]);
  });

  it('counts Content-Length in bytes, not characters', () => {
    const utf = 'héllo';
    const m = `MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${Buffer.byteLength(utf)}\r\n\r\n${utf}`;
    expect(new SipStreamFramer().push(Buffer.from(m + msgB))).toEqual([{ type: 'message', text: m }, { type: 'message', text: msgB }]);
  });

  it('throws a named error for an unusable Content-Length', () => {
    expect(() => new SipStreamFramer().push(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: -4\r\n\r\n'))).toThrow(SipFramingError);
  });
});
