// Snapshot builders for renderer tests and the screenshot harness.
import type { AppSnapshot, CallSnapshot } from '../../shared/types';

const emptyStats = { packets: 0, bytes: 0, lost: 0, jitterMs: 0 };

export function makeCall(partial: Partial<CallSnapshot> & Pick<CallSnapshot, 'id'>): CallSnapshot {
  return {
    direction: 'outbound',
    remote: { number: '2000', uri: 'sip:2000@testbed.local' },
    state: 'connected',
    muted: false,
    startedAt: Date.now() - 65_000,
    media: { fromSip: { ...emptyStats }, toSip: { ...emptyStats } },
    ...partial,
  };
}

export function makeSnapshot(partial: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    seq: 1,
    registration: { state: 'registered', aor: 'sip:1001@testbed.local' },
    profile: {
      configured: true,
      source: '/etc/agent-softphone/profile.json',
      values: {
        displayName: 'Agent 1001',
        sip: { uri: 'sip:1001@testbed.local', authUser: '1001', outboundProxy: 'sip:127.0.0.1:5070;transport=udp', localAddress: '127.0.0.1' },
        media: { rtpPortMin: 40000, rtpPortMax: 40999 },
      },
      hasPassword: true,
      locked: [],
      errors: [],
    },
    calls: [],
    agent: { state: 'ready', since: Date.now() - 60_000 },
    history: [],
    rtc: 'connected',
    ...partial,
  };
}
