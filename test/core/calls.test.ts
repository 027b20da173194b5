// The call and agent state machines, driven through fake SIP and gateway objects.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentStateError, AgentStateMachine } from '../../src-main/core/calls/agent-state';
import { CallCommandError, CallManager } from '../../src-main/core/calls/call-manager';
import { HistoryStore } from '../../src-main/core/calls/history';
import { nextCallState } from '../../src-main/core/calls/call-state';
import { nullLogger } from '../../src-main/core/log/logger';
import type { CallSnapshot } from '../../shared/types';
import { FakeGateway, FakeSipAccount, type FakeSipCall } from './fakes';

const PROFILE = { sip: { uri: 'sip:1001@testbed.local' } };

interface Rig {
  manager: CallManager;
  sip: FakeSipAccount;
  gateway: FakeGateway;
  agent: AgentStateMachine;
  history: HistoryStore;
  rings: Array<[string, boolean]>;
  notices: string[];
  dir: string;
}

function rig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'calls-test-'));
  const agent = new AgentStateMachine({ log: nullLogger });
  const history = new HistoryStore(join(dir, 'history.json'), nullLogger);
  const manager = new CallManager({ log: nullLogger, history, agent, endedLingerMs: 0, statsIntervalMs: 60_000 });
  const gateway = new FakeGateway();
  const sip = new FakeSipAccount({ profile: PROFILE, ...manager.mediaHooks });
  manager.setGateway(gateway);
  manager.setAccount(sip);
  const rings: Array<[string, boolean]> = [];
  const notices: string[] = [];
  manager.on('ring', (id, r) => rings.push([id, r]));
  manager.on('notice', (_l, m) => notices.push(m));
  return { manager, sip, gateway, agent, history, rings, notices, dir };
}

/** Resolves once the manager's calls satisfy `pred` (checked now and on every change). */
function until(manager: CallManager, pred: (calls: CallSnapshot[]) => boolean): Promise<CallSnapshot[]> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const calls = manager.snapshots();
      if (!pred(calls)) return false;
      resolve(calls);
      return true;
    };
    if (check()) return;
    const off = manager.on('changed', () => {
      if (check()) off();
    });
  });
}

const only = (m: CallManager): CallSnapshot => {
  const calls = m.snapshots();
  expect(calls).toHaveLength(1);
  return calls[0]!;
};

describe('call state table', () => {
  it('accepts only the events valid in each state', () => {
    expect(nextCallState('calling', 'ringing')).toBe('ringing');
    expect(nextCallState('ringing', 'earlyMedia')).toBe('early');
    expect(nextCallState('early', 'accepted')).toBe('connected');
    expect(nextCallState('connected', 'hold')).toBe('held');
    expect(nextCallState('held', 'resume')).toBe('connected');
    expect(nextCallState('connected', 'ringing')).toBeUndefined();
    expect(nextCallState('calling', 'hold')).toBeUndefined();
    expect(nextCallState('ended', 'accepted')).toBeUndefined();
    expect(nextCallState('ended', 'end')).toBeUndefined();
  });
});

describe('CallManager', () => {
  let r: Rig;
  beforeEach(() => {
    r = rig();
  });
  afterEach(async () => {
    await r.manager.dispose();
  });

  it('outbound: calling -> ringing -> early -> connected -> ended, relaying from early media, history and after-call-work', async () => {
    const id = await r.manager.dial('1002');
    expect(only(r.manager)).toMatchObject({ id, direction: 'outbound', state: 'calling', remote: { number: '1002' } });
    const sipCall = r.sip.dialed[0]!;
    const media = r.gateway.media[0]!;
    expect(media.callId).toBe(sipCall.id);

    sipCall.progress({ status: 180, reason: 'Ringing', earlyMedia: false });
    expect(only(r.manager).state).toBe('ringing');
    expect(media.relaying).toBe(false);
    sipCall.progress({ status: 183, reason: 'Session Progress', earlyMedia: true });
    expect(only(r.manager).state).toBe('early');
    expect(media.relaying).toBe(true);
    media.ready('3');
    expect(only(r.manager).mid).toBe('3');

    sipCall.accept();
    const connected = only(r.manager);
    expect(connected.state).toBe('connected');
    expect(connected.connectedAt).toBeTypeOf('number');

    await r.manager.hangup(id);
    expect(sipCall.calls).toContain('hangup');
    expect(media.disposed).toBeGreaterThan(0);
    expect(r.agent.snapshot().state).toBe('after-call-work');

    await until(r.manager, (c) => c.length === 0);
    expect(r.history.entries()[0]).toMatchObject({ callId: id, direction: 'outbound', missed: false, endReason: 'Hung up' });
  });

  it('outbound rejected (486): ended with status and reason, media freed, a notice, agent stays ready', async () => {
    const id = await r.manager.dial('1003');
    const sipCall = r.sip.dialed[0]!;
    sipCall.end({ by: 'remote', status: 486, reason: 'Busy' });
    expect(r.manager.get(id)).toMatchObject({ state: 'ended', endStatus: 486, endReason: 'Busy' });
    expect(r.gateway.live()).toHaveLength(0);
    expect(r.notices).toContain('Call to 1003 failed: Busy');
    expect(r.agent.snapshot().state).toBe('ready');
  });

  it('inbound: rings, answer relays and connects, remote BYE ends it', async () => {
    const incoming: CallSnapshot[] = [];
    r.manager.on('incoming', (c) => incoming.push(c));
    const sipCall = await r.sip.ring('2000', 'Customer');
    const call = only(r.manager);
    expect(call).toMatchObject({ direction: 'inbound', state: 'ringing', remote: { number: '2000', displayName: 'Customer' } });
    expect(incoming).toHaveLength(1);
    expect(r.rings).toEqual([[call.id, true]]);
    const media = r.gateway.media[0]!;
    expect(media.relaying).toBe(false);

    await r.manager.answer(call.id);
    expect(sipCall.calls).toEqual(['answer']);
    expect(media.relaying).toBe(true);
    expect(only(r.manager).state).toBe('connected');
    expect(r.rings).toEqual([[call.id, true], [call.id, false]]);
    sipCall.accept(); // the SIP event after the answer promise: no change, no error
    expect(only(r.manager).state).toBe('connected');

    sipCall.end({ by: 'remote', reason: 'Hung up by remote party' });
    expect(only(r.manager)).toMatchObject({ state: 'ended', endReason: 'Hung up by remote party' });
    expect(only(r.manager).missed).toBeUndefined();
    expect(media.disposed).toBeGreaterThan(0);
  });

  it('inbound cancelled by the caller is a missed call (in history too)', async () => {
    const sipCall = await r.sip.ring('2001');
    const { id } = only(r.manager);
    sipCall.end({ by: 'remote', status: 487, reason: 'Cancelled by caller' });
    expect(r.manager.get(id)).toMatchObject({ state: 'ended', missed: true, endReason: 'Cancelled by caller' });
    expect(r.rings).toEqual([[id, true], [id, false]]);
    expect(r.notices).toContain('Missed call from 2001');
    await until(r.manager, (c) => c.length === 0);
    expect(r.history.entries()[0]).toMatchObject({ callId: id, missed: true, durationSec: 0 });
  });

  it('decline sends 486 for busy and 603 otherwise, and is not a missed call', async () => {
    const a = await r.sip.ring('2002');
    const callA = r.manager.snapshots().find((c) => c.remote.number === '2002')!;
    await r.manager.decline(callA.id, 'busy');
    expect(a.calls).toEqual(['decline 486']);
    expect(r.manager.get(callA.id)).toMatchObject({ state: 'ended', endReason: 'Declined', endStatus: 486 });
    expect(r.manager.get(callA.id)?.missed).toBeUndefined();

    const b = await r.sip.ring('2003');
    const callB = r.manager.snapshots().find((c) => c.remote.number === '2003')!;
    await r.manager.decline(callB.id);
    expect(b.calls).toEqual(['decline 603']);
    expect(r.gateway.live()).toHaveLength(0);
  });

  it('ignores events that are invalid in the current state and refuses invalid commands', async () => {
    const id = await r.manager.dial('1004');
    const sipCall = r.sip.dialed[0]!;
    await expect(r.manager.hold(id, true)).rejects.toBeInstanceOf(CallCommandError);
    await expect(r.manager.answer(id)).rejects.toBeInstanceOf(CallCommandError);
    sipCall.accept();
    sipCall.progress({ status: 180, reason: 'Ringing', earlyMedia: false }); // late 180: ignored
    expect(only(r.manager).state).toBe('connected');
    await expect(r.manager.hold(id, false)).rejects.toBeInstanceOf(CallCommandError); // resume while not held
    sipCall.end({ by: 'remote', reason: 'Hung up by remote party' });
    sipCall.accept(); // after the end: ignored
    sipCall.end({ by: 'remote', reason: 'again' }); // second end: ignored
    expect(only(r.manager)).toMatchObject({ state: 'ended', endReason: 'Hung up by remote party' });
    await expect(r.manager.hangup(id)).rejects.toBeInstanceOf(CallCommandError);
    await expect(r.manager.answer('no-such-call')).rejects.toBeInstanceOf(CallCommandError);
  });

  it('hold and resume go through SIP; a failed hold leaves the call connected', async () => {
    const id = await r.manager.dial('1005');
    const sipCall = r.sip.dialed[0]!;
    sipCall.accept();
    await r.manager.hold(id, true);
    expect(only(r.manager).state).toBe('held');
    await r.manager.hold(id, false);
    expect(only(r.manager).state).toBe('connected');
    sipCall.failHold = new Error('Hold failed: 488 Not Acceptable Here');
    await expect(r.manager.hold(id, true)).rejects.toThrow(/^Hold failed: 488 Not Acceptable Here\. Try again\.$/);
    expect(only(r.manager).state).toBe('connected');
    expect(sipCall.calls).toEqual(['hold true', 'hold false', 'hold true']);
  });

  it('answering a second call puts the connected one on hold', async () => {
    const id = await r.manager.dial('1006');
    r.sip.dialed[0]!.accept();
    await r.sip.ring('2004');
    const inbound = r.manager.snapshots().find((c) => c.direction === 'inbound')!;
    await r.manager.answer(inbound.id);
    expect(r.manager.get(id)?.state).toBe('held');
    expect(r.manager.get(inbound.id)?.state).toBe('connected');
  });

  it('mute reaches the media; DTMF goes in-band, or by SIP INFO when telephone-event was not negotiated', async () => {
    const id = await r.manager.dial('1007');
    const sipCall = r.sip.dialed[0]!;
    const media = r.gateway.media[0]!;
    sipCall.accept();
    r.manager.mute(id, true);
    expect(media.muted).toBe(true);
    expect(only(r.manager).muted).toBe(true);
    await r.manager.dtmf(id, '12#');
    expect(media.dtmfSent).toEqual(['12#']);
    expect(sipCall.infoDigits).toEqual([]);
    media.dtmfSupported = false;
    await r.manager.dtmf(id, '9*');
    expect(sipCall.infoDigits).toEqual(['9', '*']);
  });

  it('blind transfer sends REFER, then leaves the call', async () => {
    const id = await r.manager.dial('1008');
    const sipCall = r.sip.dialed[0]!;
    sipCall.accept();
    await r.manager.transfer(id, '1009');
    expect(sipCall.calls).toEqual(['transfer 1009', 'hangup']);
    expect(only(r.manager)).toMatchObject({ state: 'ended', endReason: 'Transferred to 1009' });
  });

  it('a failed transfer keeps the caller on the line', async () => {
    const id = await r.manager.dial('1010');
    const sipCall: FakeSipCall = r.sip.dialed[0]!;
    sipCall.accept();
    sipCall.failTransfer = new Error('Transfer failed: 403 Forbidden');
    await expect(r.manager.transfer(id, '1011')).rejects.toThrow(/^Transfer to 1011 failed: 403 Forbidden\. The caller is still on the line\.$/);
    expect(only(r.manager).state).toBe('connected');
  });

  describe('media is freed on every failure path', () => {
    it('dial fails after SIP allocated media', async () => {
      r.sip.failDialAfterMedia = new Error('transport closed');
      await expect(r.manager.dial('1012')).rejects.toThrow(/Call to 1012 failed: transport closed/);
      expect(r.gateway.media).toHaveLength(1);
      expect(r.gateway.live()).toHaveLength(0);
      expect(only(r.manager)).toMatchObject({ state: 'ended' });
    });

    it('no free RTP ports: dial fails cleanly', async () => {
      r.gateway.failNext = new Error('no free RTP port pair in 40000-40001');
      await expect(r.manager.dial('1013')).rejects.toThrow(/no free RTP port/);
      expect(r.gateway.live()).toHaveLength(0);
      expect(only(r.manager).state).toBe('ended');
    });

    it('hang up before the INVITE went out', async () => {
      let release!: () => void;
      r.sip.dialGate = new Promise((res) => (release = res));
      const dialing = r.manager.dial('1014');
      const call = await until(r.manager, (c) => c.length === 1).then((c) => c[0]!);
      await r.gateway.whenMedia(1);
      await r.manager.hangup(call.id);
      expect(r.manager.get(call.id)?.state).toBe('ended');
      release();
      await dialing;
      expect(r.sip.dialed[0]!.calls).toEqual(['hangup']);
      expect(r.gateway.live()).toHaveLength(0);
    });

    it('issue: dial then hang up while other calls are being held sends no INVITE', async () => {
      // A connected call whose hold re-INVITE is still outstanding when the agent dials and hangs up.
      const first = await r.sip.ring('2010');
      await r.manager.answer(only(r.manager).id);
      let releaseHold!: () => void;
      const holdGate = new Promise<void>((res) => (releaseHold = res));
      const realHold = first.setHold.bind(first);
      first.setHold = async (hold) => {
        await holdGate;
        return realHold(hold);
      };
      const mediaBefore = r.gateway.media.length;
      const dialing = r.manager.dial('1021');
      const out = await until(r.manager, (c) => c.length === 2).then((c) => c.find((x) => x.direction === 'outbound')!);
      await r.manager.hangup(out.id);
      expect(r.manager.get(out.id)).toMatchObject({ state: 'ended', endReason: 'Cancelled' });
      releaseHold();
      await expect(dialing).resolves.toBe(out.id);
      expect(r.sip.dialed).toHaveLength(0);
      expect(r.gateway.media).toHaveLength(mediaBefore);
      expect(r.manager.get(out.id)?.state).toBe('ended');
    });

    it('shutdown while the INVITE is being sent cancels it once sent', async () => {
      let release!: () => void;
      r.sip.dialGate = new Promise((res) => (release = res));
      const dialing = r.manager.dial('1020');
      await r.gateway.whenMedia(1);
      const disposed = r.manager.dispose();
      release();
      await Promise.all([dialing, disposed]);
      expect(r.sip.dialed[0]!.calls).toEqual(['hangup']);
      expect(r.gateway.live()).toHaveLength(0);
    });

    it('issue: answering twice keeps the call connected (no dead air)', async () => {
      const sipCall = await r.sip.ring('2011');
      const id = only(r.manager).id;
      // Like SipCallImpl: the 200 OK takes a while, and a second answer is refused meanwhile.
      let release!: () => void;
      const gate = new Promise<void>((res) => (release = res));
      let answers = 0;
      sipCall.answer = async () => {
        sipCall.calls.push('answer');
        if (++answers > 1) throw new Error('cannot answer a call that is answering');
        await gate;
        sipCall.accept();
      };
      const both = Promise.allSettled([r.manager.answer(id), r.manager.answer(id)]);
      release();
      const results = await both;
      expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(only(r.manager).state).toBe('connected');
      expect(sipCall.calls).toEqual(['answer']);
      expect(r.gateway.live()).toHaveLength(1);
      expect(r.gateway.media[0]!.relaying).toBe(true);
    });

    it('issue: answering a call the caller cancelled while others were held does not answer it', async () => {
      const first = await r.sip.ring('2012');
      await r.manager.answer(only(r.manager).id);
      let releaseHold!: () => void;
      const holdGate = new Promise<void>((res) => (releaseHold = res));
      const realHold = first.setHold.bind(first);
      first.setHold = async (hold) => {
        await holdGate;
        return realHold(hold);
      };
      const second = await r.sip.ring('2013');
      const id = r.manager.snapshots().find((c) => c.remote.number === '2013')!.id;
      const answering = r.manager.answer(id);
      second.end({ by: 'remote', reason: 'Cancelled' });
      releaseHold();
      await expect(answering).rejects.toThrow(/Cannot answer: the call is already ended/);
      expect(second.calls).toEqual([]);
    });

    it('answer fails', async () => {
      const sipCall = await r.sip.ring('2005');
      sipCall.failAnswer = new Error('ACK timeout');
      await expect(r.manager.answer(only(r.manager).id)).rejects.toThrow(/ACK timeout/);
      expect(only(r.manager).state).toBe('ended');
      expect(r.gateway.live()).toHaveLength(0);
    });

    it('SIP releases media of a call it gave up on', async () => {
      await r.manager.dial('1015');
      r.sip.options.releaseMedia(r.sip.dialed[0]!.id);
      expect(r.gateway.live()).toHaveLength(0);
    });

    it('dispose ends live calls and frees their media', async () => {
      await r.manager.dial('1016');
      await r.sip.ring('2006');
      await r.manager.dispose();
      expect(r.gateway.live()).toHaveLength(0);
      expect(r.sip.dialed[0]!.calls).toContain('hangup');
    });
  });

  it('media stats: a change emits once, an unchanged poll emits nothing', async () => {
    await r.manager.dial('1017');
    r.sip.dialed[0]!.accept();
    let changes = 0;
    r.manager.on('changed', () => changes++);
    r.manager.pollStats();
    expect(changes).toBe(0);
    r.gateway.media[0]!.statsValue = { codec: 'PCMU', fromSip: { packets: 50, bytes: 8000, lost: 0, jitterMs: 1 }, toSip: { packets: 49, bytes: 7840, lost: 0, jitterMs: 0 } };
    r.manager.pollStats();
    r.manager.pollStats();
    expect(changes).toBe(1);
    expect(only(r.manager).media.codec).toBe('PCMU');
  });

  it('history survives a restart and keeps the newest 200', () => {
    const path = join(r.dir, 'h.json');
    const h = new HistoryStore(path, nullLogger);
    for (let i = 0; i < 205; i++) h.add({ callId: `c${i}`, direction: 'outbound', remote: { number: `${i}`, uri: `sip:${i}@x` }, startedAt: i, durationSec: 1, missed: false });
    const reloaded = new HistoryStore(path, nullLogger);
    expect(reloaded.entries()).toHaveLength(200);
    expect(reloaded.entries()[0]!.callId).toBe('c204');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveLength(200);
  });
});

describe('AgentStateMachine', () => {
  it('ready -> after-call-work after a call; not-ready keeps its reason through calls', () => {
    const agent = new AgentStateMachine({ log: nullLogger });
    expect(agent.snapshot().state).toBe('ready');
    agent.callEnded();
    expect(agent.snapshot().state).toBe('after-call-work');
    agent.select('not-ready', 'Lunch');
    expect(agent.snapshot()).toMatchObject({ state: 'not-ready', reason: 'Lunch' });
    agent.callEnded();
    expect(agent.snapshot()).toMatchObject({ state: 'not-ready', reason: 'Lunch' });
    agent.select('ready');
    expect(agent.snapshot().reason).toBeUndefined();
    expect(() => agent.select('ready', 'Lunch')).toThrow(AgentStateError);
  });

  it('after-call-work can be switched off', () => {
    const agent = new AgentStateMachine({ log: nullLogger, afterCallWork: false });
    agent.callEnded();
    expect(agent.snapshot().state).toBe('ready');
  });

  it('an outbound call while not-ready is allowed', async () => {
    const r = rig();
    r.agent.select('not-ready', 'Break');
    const id = await r.manager.dial('1018');
    r.sip.dialed[0]!.accept();
    await r.manager.hangup(id);
    expect(r.agent.snapshot()).toMatchObject({ state: 'not-ready', reason: 'Break' });
    await r.manager.dispose();
  });
});

describe('CallManager without registration', () => {
  it('refuses to dial while unregistered or failed, without creating a call', async () => {
    const r = rig();
    r.sip.setRegistration({ state: 'failed', reason: '401 Unauthorized — check the password in Settings' });
    await expect(r.manager.dial('1019')).rejects.toThrow(/not registered with the phone system \(401 Unauthorized/);
    expect(r.manager.snapshots()).toEqual([]);
    expect(r.gateway.media).toEqual([]);
    await r.manager.dispose();
  });
});
