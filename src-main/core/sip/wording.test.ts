import { describe, expect, it } from 'vitest';
import { callFailureReason, connectFailureReason, registrationFailureReason, tlsFailureReason } from './wording';

describe('plain words', () => {
  it('explains registration failures with what to do', () => {
    expect(registrationFailureReason({ status: 401, reason: 'Unauthorized' }, '127.0.0.1:5070', '1001')).toBe('401 Unauthorized — check the user name and password in Settings');
    expect(registrationFailureReason({ status: 403, reason: 'Forbidden' }, 'p', '1001')).toBe('403 Forbidden — check the user name and password in Settings');
    expect(registrationFailureReason({ status: 408, reason: 'Request Timeout' }, '127.0.0.1:5070', '1001')).toBe('no answer from 127.0.0.1:5070 — check the network and the outbound proxy in Settings');
    expect(registrationFailureReason({ status: 503, reason: 'Service Unavailable' }, 'p', '1001')).toBe('503 Service Unavailable from the server — try again later or call IT');
    expect(registrationFailureReason({ status: 404, reason: 'Not Found' }, 'p', '1001')).toContain('does not know user 1001');
  });

  it('names call failures the way an agent says them', () => {
    expect([486, 404, 480, 487, 603, 408].map((s) => callFailureReason(s))).toEqual(['Busy', 'Number not found', 'Not available', 'Cancelled', 'Declined', 'No answer']);
    expect(callFailureReason(500, 'Server Internal Error')).toBe('Call failed: 500 Server Internal Error from the server');
  });

  it('explains TLS failures: what is wrong with the certificate and who can fix it', () => {
    const at = { host: 'sip.example.com', caFileSet: false };
    expect(tlsFailureReason({ kind: 'untrusted' }, 'sip.example.com:5061', at)).toBe(
      "the SIP server's certificate is not trusted (self-signed or unknown CA) — ask IT for the CA file and set sip.tlsCaFile",
    );
    expect(tlsFailureReason({ kind: 'mismatch', certNames: ['pbx.example.com'] }, 'sip.example.com:5061', at)).toBe(
      "the SIP server's certificate does not match sip.example.com (it is for pbx.example.com) — set the outbound proxy in Settings to the name on the certificate, or ask IT",
    );
    expect(tlsFailureReason({ kind: 'not-yet-valid' }, 'p', at)).toContain("check this computer's date and time");
    expect(tlsFailureReason({ kind: 'handshake', detail: 'no TLS version or cipher in common' }, '10.0.0.5:5061', at)).toBe(
      "TLS handshake with 10.0.0.5:5061 failed (no TLS version or cipher in common) — check that the outbound proxy's port speaks SIP over TLS (usually 5061), or call IT",
    );
    expect(connectFailureReason('10.0.0.5:5061', 'connect ECONNREFUSED 10.0.0.5:5061')).toBe(
      'cannot connect to 10.0.0.5:5061 (connection refused) — check the network and the outbound proxy in Settings',
    );
  });
});
