import { describe, expect, it } from 'vitest';
import { redact } from './redact';

describe('redact', () => {
  it('removes Authorization headers at a line start, mid-line and inside escaped one-line SIP messages', () => {
    const text = [
      'Authorization: Digest username="1001", response="6629fae49393a05397450978507c4ef1"',
      'proxy said: Proxy-Authorization: Digest username="1001", response="abcdef0123"',
      'renderer sent authorization: Basic dXNlcjpzZWNyZXQ=',
      '"REGISTER sip:x SIP/2.0\\r\\nAuthorization: Digest response=\\"feed\\"\\r\\nCSeq: 2 REGISTER"',
    ].join('\n');
    const out = redact(text);
    expect(out).not.toMatch(/6629fae|abcdef0123|dXNlcjpzZWNyZXQ|feed/);
    expect(out).toContain('Authorization: [redacted]');
    expect(out).toContain('Proxy-Authorization: [redacted]');
    // The escaped message keeps its other headers.
    expect(out).toContain('\\r\\nCSeq: 2 REGISTER');
  });

  it('removes JSON and key=value passwords and registered secrets', () => {
    expect(redact('{"password":"secret1001","user":"1001"}')).toBe('{"password":"[redacted]","user":"1001"}');
    expect(redact('login password=hunter2&x=1')).toBe('login password=[redacted]&x=1');
    expect(redact('the pass is s3cr3t!', ['s3cr3t!'])).toBe('the pass is [redacted]');
  });
});
