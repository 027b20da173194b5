import { describe, expect, it } from 'vitest';
import { callFailureReason, registrationFailureReason } from './wording';

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
});
