// Local 3-way conference in the call layer (fake SIP and gateway) and through the protocol.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentStateMachine } from '../../src-main/core/calls/agent-state';
import { CallCommandError, CallManager } from '../../src-main/core/calls/call-manager';
import { HistoryStore } from '../../src-main/core/calls/history';
import { createCore, MemorySecretStore, type Core } from '../../src-main/core/index';
import { LogHub, nullLogger } from '../../src-main/core/log/logger';
import { parseCommand, ProtocolError, type CoreEvent } from '../../shared/protocol';
import type { AppSnapshot } from '../../shared/types';
import { fakeFactories, FakeGateway, FakeSipAccount, type FakeCallMedia, type FakeSipCall } from './fakes';

interface Rig {
  manager: CallManager;
  sip: FakeSipAccount;
  gateway: FakeGateway;
}

function rig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'conference-test-'));
  const agent = new AgentStateMachine({ log: nullLogger });
  const manager = new CallManager({ log: nullLogger, history: new HistoryStore(join(dir, 'history.json'), nullLogger), agent, endedLingerMs: 0, statsIntervalMs: 60_000 });
  const gateway = new FakeGateway();
  const sip = new FakeSipAccount({ profile: { sip: { uri: 'sip:1001@testbed.local' } }, ...manager.mediaHooks });
  manager.setGateway(gateway);
  manager.setAccount(sip);
  return { manager, sip, gateway };
}

/** The agent's usual way into a conference: call A, (A is held when B is dialled), call B. */
async function twoCalls(r: Rig): Promise<{ a: string; b: string; sipA: FakeSipCall; sipB: FakeSipCall; mediaA: FakeCallMedia; mediaB: FakeCallMedia }> {
  const a = await r.manager.dial('2000');
  const sipA = r.sip.dialed[0]!;
  sipA.accept();
  const b = await r.manager.dial('3000'); // holds A first
  const sipB = r.sip.dialed[1]!;
  sipB.accept();
  return { a, b, sipA, sipB, mediaA: r.gateway.media[0]!, mediaB: r.gateway.media[1]! };
}

describe('CallManager conference', () => {
  let r: Rig;
  beforeEach(() => {
    r = rig();
  });
  afterEach(async () => {
    await r.manager.dispose();
  });

  it('resumes the held call, mixes both legs and marks both calls with one conferenceId', async () => {
    const { a, b, sipA, sipB, mediaA, mediaB } = await twoCalls(r);
    expect(r.manager.get(a)!.state).toBe('held');
    expect(sipA.calls).toEqual(['hold true']);

    const conferenceId = await r.manager.conference([a, b]);
    expect(sipA.calls).toEqual(['hold true', 'hold false']); // re-INVITE sendrecv
    expect(sipB.calls).toEqual([]);
    expect(r.manager.get(a)).toMatchObject({ state: 'connected', conferenceId });
    expect(r.manager.get(b)).toMatchObject({ state: 'connected', conferenceId });
    expect(r.gateway.conferences).toHaveLength(1);
    expect(mediaA.conference).toBe(r.gateway.conferences[0]);
    expect(mediaB.conference).toBe(r.gateway.conferences[0]);
  });

  it('when one party hangs up the other stays connected, leaves the conference and is relayed plainly again', async () => {
    const { a, b, sipB, mediaA, mediaB } = await twoCalls(r);
    await r.manager.conference([a, b]);
    sipB.end({ by: 'remote', reason: 'Hung up by remote party' });
    expect(r.manager.get(b)!.state).toBe('ended');
    expect(r.manager.get(b)!.conferenceId).toBeUndefined();
    expect(r.manager.get(a)).toMatchObject({ state: 'connected' });
    expect(r.manager.get(a)!.conferenceId).toBeUndefined();
    expect(r.gateway.conferences[0]!.removed).toEqual([mediaB.callId]);
    expect(r.gateway.conferences[0]!.disposed).toBe(true);
    expect(mediaA.conference).toBeUndefined();
    expect(mediaA.disposed).toBe(0);
  });

  it("the agent's Hang up on one call removes only that party", async () => {
    const { a, b, sipA, sipB } = await twoCalls(r);
    await r.manager.conference([a, b]);
    await r.manager.hangup(a);
    expect(sipA.calls).toContain('hangup');
    expect(sipB.calls).not.toContain('hangup');
    expect(r.manager.get(b)).toMatchObject({ state: 'connected' });
    expect(r.manager.get(b)!.conferenceId).toBeUndefined();
  });

  it('holding the conference holds both calls; resuming resumes both', async () => {
    const { a, b, sipA, sipB } = await twoCalls(r);
    const conferenceId = await r.manager.conference([a, b]);
    await r.manager.hold(b, true);
    expect(r.manager.get(a)!.state).toBe('held');
    expect(r.manager.get(b)!.state).toBe('held');
    await r.manager.hold(a, false);
    expect(r.manager.get(a)!.state).toBe('connected');
    expect(r.manager.get(b)!.state).toBe('connected');
    expect(sipA.calls.slice(-2)).toEqual(['hold true', 'hold false']);
    expect(sipB.calls).toEqual(['hold true', 'hold false']);
    expect(r.manager.get(a)!.conferenceId).toBe(conferenceId);
  });

  it('refuses calls that are not live, the same call twice, and calls already in a conference', async () => {
    const { a, b } = await twoCalls(r);
    const ringing = await r.manager.dial('4000');
    await expect(r.manager.conference([a, ringing])).rejects.toThrow(/^Cannot start a conference: the call with 4000 is still being placed\.$/);
    await expect(r.manager.conference([a, a])).rejects.toBeInstanceOf(CallCommandError);
    await expect(r.manager.conference([a, 'nope'])).rejects.toThrow('That call no longer exists.');
    expect(r.gateway.conferences).toHaveLength(0);
    await r.manager.conference([a, b]);
    await expect(r.manager.conference([a, b])).rejects.toThrow(/already in a conference/);
  });

  it('refuses a call on a codec the mixer cannot decode, without resuming anything', async () => {
    const { a, b, sipA, mediaB } = await twoCalls(r);
    mediaB.codec = 'opus';
    await expect(r.manager.conference([a, b])).rejects.toThrow('Conference needs both calls on G.711 (PCMU/PCMA); the call with 3000 uses opus.');
    expect(sipA.calls).toEqual(['hold true']);
    expect(r.manager.get(a)!.state).toBe('held');
    expect(r.manager.get(a)!.conferenceId).toBeUndefined();
  });

  it('a failed resume stops the mix and says the conference was not started', async () => {
    const { a, b, sipA } = await twoCalls(r);
    sipA.failHold = new Error('488 Not Acceptable Here');
    await expect(r.manager.conference([a, b])).rejects.toThrow('Resume failed: 488 Not Acceptable Here; the conference was not started.');
    expect(r.gateway.conferences[0]!.disposed).toBe(true);
    expect(r.manager.get(b)!.conferenceId).toBeUndefined();
  });
});

describe('call.conference command', () => {
  it('is validated at the edge: two different call ids', () => {
    expect(parseCommand({ type: 'call.conference', id: 1, payload: { callIds: ['a', 'b'] } })).toMatchObject({ payload: { callIds: ['a', 'b'] } });
    expect(() => parseCommand({ type: 'call.conference', id: 1, payload: { callIds: ['a', 'a'] } })).toThrow(/callIds must name two different calls/);
    expect(() => parseCommand({ type: 'call.conference', id: 1, payload: { callIds: ['a'] } })).toThrow(ProtocolError);
    expect(() => parseCommand({ type: 'call.conference', id: 1, payload: { callIds: ['a', 'b', 'c'] } })).toThrow(ProtocolError);
  });

  let core: Core | undefined;
  afterEach(async () => {
    await core?.dispose();
    core = undefined;
  });

  it('runs through the Core API: both calls get the conferenceId in the snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'core-conference-'));
    const profilePath = join(dir, 'profile.json');
    writeFileSync(profilePath, JSON.stringify({ displayName: 'Agent', sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'x', outboundProxy: 'sip:127.0.0.1:5070;transport=udp', localAddress: '127.0.0.1' }, media: { rtpPortMin: 40000, rtpPortMax: 40999 } }));
    const fakes = fakeFactories();
    core = await createCore({ dataDir: join(dir, 'data'), profilePath, provisioningPaths: [], logHub: new LogHub('error'), secretStore: new MemorySecretStore(), sipFactory: fakes.sipFactory, gatewayFactory: fakes.gatewayFactory, endedCallLingerMs: 0 });
    const events: CoreEvent[] = [];
    let wake: (() => void) | undefined;
    const session = core.attach({ send: (e: CoreEvent) => (events.push(e), wake?.()) });
    const waitFor = async <T>(find: () => T | undefined): Promise<T> => {
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        await new Promise<void>((r) => (wake = r));
      }
    };
    const result = (id: number) => waitFor(() => events.find((e) => e.type === 'result' && e.payload.id === id)?.payload as { ok: boolean; data?: unknown; error?: string } | undefined);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'call.dial', id: 2, payload: { target: '2000' } });
    const a = ((await result(2)).data as { callId: string }).callId;
    fakes.accounts[0]!.dialed[0]!.accept();
    session.handle({ type: 'call.dial', id: 3, payload: { target: '3000' } });
    const b = ((await result(3)).data as { callId: string }).callId;
    fakes.accounts[0]!.dialed[1]!.accept();
    session.handle({ type: 'call.conference', id: 4, payload: { callIds: [a, b] } });
    const done = await result(4);
    expect(done).toMatchObject({ ok: true, data: { conferenceId: expect.any(String) } });
    const { conferenceId } = done.data as { conferenceId: string };
    const snap = await waitFor(() =>
      events
        .filter((e): e is Extract<CoreEvent, { type: 'snapshot' }> => e.type === 'snapshot')
        .map((e) => e.payload as AppSnapshot)
        .find((s) => s.calls.filter((c) => c.conferenceId === conferenceId && c.state === 'connected').length === 2),
    );
    expect(snap.calls.map((c) => c.id).sort()).toEqual([a, b].sort());
  });
});
