// The Core API as the shells see it: protocol commands in, events out, with fake SIP/gateway.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent, EventMap } from '../../shared/protocol';
import type { AppSnapshot } from '../../shared/types';
import { createCore, MemorySecretStore, type Core } from '../../src-main/core/index';
import { LogHub } from '../../src-main/core/log/logger';
import { fakeFactories } from './fakes';

const PROFILE = {
  sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: 'sip:127.0.0.1:5070;transport=udp', localAddress: '127.0.0.1' },
  media: { rtpPortMin: 40000, rtpPortMax: 40999 },
};

class Client {
  events: CoreEvent[] = [];
  #waiters: Array<() => void> = [];
  send = (e: CoreEvent): void => {
    this.events.push(e);
    for (const w of this.#waiters.splice(0)) w();
  };
  of<T extends keyof EventMap>(type: T): EventMap[T][] {
    return this.events.filter((e) => e.type === type).map((e) => e.payload as EventMap[T]);
  }
  /** Resolves when an event matching `pred` has arrived. */
  async wait<T extends keyof EventMap>(type: T, pred: (p: EventMap[T]) => boolean = () => true): Promise<EventMap[T]> {
    for (;;) {
      const found = this.of(type).find(pred);
      if (found) return found;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
  result(id: number): Promise<EventMap['result']> {
    return this.wait('result', (r) => r.id === id);
  }
  lastSnapshot(): AppSnapshot | undefined {
    return this.of('snapshot').at(-1);
  }
}

let core: Core | undefined;
afterEach(async () => {
  await core?.dispose();
  core = undefined;
});

async function start(profile: unknown = PROFILE) {
  const dir = mkdtempSync(join(tmpdir(), 'core-test-'));
  const profilePath = join(dir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(profile));
  const fakes = fakeFactories();
  core = await createCore({
    dataDir: join(dir, 'data'),
    profilePath,
    provisioningPaths: [],
    logHub: new LogHub('error'),
    secretStore: new MemorySecretStore(),
    sipFactory: fakes.sipFactory,
    gatewayFactory: fakes.gatewayFactory,
    endedCallLingerMs: 0,
  });
  return { core, fakes, dir };
}

describe('core sessions', () => {
  it('queues events until hello, then sends a snapshot first', async () => {
    const { core, fakes } = await start();
    const client = new Client();
    const session = core.attach(client);
    await fakes.accounts[0]!.ring('2000'); // a ring event while the renderer is still loading
    await Promise.resolve();
    expect(client.events).toEqual([]);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    expect(client.events[0]?.type).toBe('snapshot');
    expect(client.events.slice(1).map((e) => e.type)).toContain('ring');
    const snap = client.events[0]!.payload as AppSnapshot;
    expect(snap.registration.state).toBe('registered');
    expect(snap.profile.configured).toBe(true);
    expect(snap.calls[0]).toMatchObject({ state: 'ringing', remote: { number: '2000' } });
    expect(await client.result(1)).toMatchObject({ ok: true });
  });

  it('answers malformed and invalid messages with an error result and keeps working', async () => {
    const { core } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle('{not json');
    session.handle({ type: 'call.explode', id: 2, payload: {} });
    session.handle({ type: 'call.dtmf', id: 3, payload: { callId: 'x', digits: 'hello' } });
    session.handle({ type: 'call.answer', id: 4, payload: { callId: 'no-such-call' } });
    session.handle(42);
    expect(await client.result(-1)).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON|not an object/) });
    expect(await client.result(2)).toMatchObject({ ok: false, error: expect.stringMatching(/unknown command type/) });
    expect(await client.result(3)).toMatchObject({ ok: false, error: expect.stringMatching(/invalid call\.dtmf: digits/) });
    expect(await client.result(4)).toMatchObject({ ok: false, error: 'That call no longer exists.' });
    session.handle({ type: 'agent.setState', id: 5, payload: { state: 'not-ready', reason: 'Lunch' } });
    expect(await client.result(5)).toMatchObject({ ok: true });
    expect((await client.wait('snapshot', (s) => s.agent.state === 'not-ready')).agent.reason).toBe('Lunch');
  });

  it('runs a call from the protocol: dial, connected, hang up, history', async () => {
    const { core, fakes } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'call.dial', id: 2, payload: { target: '1002' } });
    const dialled = await client.result(2);
    expect(dialled.ok).toBe(true);
    const callId = (dialled.data as { callId: string }).callId;
    expect(core.isIdle()).toBe(false);
    fakes.accounts[0]!.dialed[0]!.accept();
    await client.wait('snapshot', (s) => s.calls.some((c) => c.id === callId && c.state === 'connected'));
    await core.toggleMute();
    expect(fakes.gateways[0]!.media[0]!.muted).toBe(true);
    await core.hangupActive();
    await client.wait('snapshot', (s) => s.calls.length === 0 && s.history[0]?.callId === callId);
    expect(core.isIdle()).toBe(true);
    expect(client.lastSnapshot()?.agent.state).toBe('after-call-work');
  });

  it('a new attach replaces the old renderer (page reload)', async () => {
    const { core } = await start();
    const first = new Client();
    const s1 = core.attach(first);
    s1.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    const second = new Client();
    const s2 = core.attach(second);
    expect(first.of('notice')[0]?.message).toMatch(/another window/);
    s2.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    const before = first.events.length;
    s1.handle({ type: 'call.dial', id: 9, payload: { target: '1002' } });
    s2.handle({ type: 'agent.setState', id: 2, payload: { state: 'after-call-work' } });
    await second.result(2);
    expect(first.events.length).toBe(before);
    expect(core.isIdle()).toBe(true);
  });

  it('relays renderer SDP to the gateway and back; rtc state reaches the snapshot; echo test', async () => {
    const { core, fakes } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'rtc.description', id: 2, payload: { type: 'offer', sdp: 'v=0 offer' } });
    expect(await client.result(2)).toMatchObject({ ok: true });
    expect(fakes.gateways[0]!.descriptions).toEqual([{ type: 'offer', sdp: 'v=0 offer' }]);
    expect(client.of('rtc.description')).toEqual([{ type: 'answer', sdp: 'answer-to-v=0 offer' }]);
    await client.wait('snapshot', (s) => s.rtc === 'connected');
    session.handle({ type: 'echoTest.start', id: 3, payload: {} });
    expect(await client.result(3)).toMatchObject({ ok: true, data: { mid: 'echo-mid' } });
    session.handle({ type: 'echoTest.stop', id: 4, payload: {} });
    await client.result(4);
    expect(fakes.gateways[0]!.live()).toHaveLength(0);
  });

  it('profile.save: field errors on bad input; a good save re-registers with the new account', async () => {
    const { core, fakes } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'profile.save', id: 2, payload: { profile: { sip: { uri: 'nope' } } } });
    const bad = await client.result(2);
    expect(bad.ok).toBe(false);
    expect(bad.fieldErrors?.map((e) => e.field)).toContain('sip.uri');
    session.handle({ type: 'profile.save', id: 3, payload: { profile: { ...PROFILE, displayName: 'New name', sip: { ...PROFILE.sip, password: '' } } } });
    expect(await client.result(3)).toMatchObject({ ok: true });
    expect(fakes.accounts).toHaveLength(2);
    expect(fakes.accounts[0]!.stopped).toBe(1);
    expect(fakes.accounts[1]!.options.profile.sip.password).toBe('secret1001');
    const snap = await client.wait('snapshot', (s) => s.profile.values?.displayName === 'New name');
    expect(snap.registration.state).toBe('registered');
  });

  it('an invalid profile leaves the app usable, unregistered, with the errors in the snapshot', async () => {
    const { core, fakes } = await start({ ...PROFILE, media: { rtpPortMin: 80 } });
    const snap = core.snapshot();
    expect(snap.profile.configured).toBe(false);
    expect(snap.profile.errors.map((e) => e.field)).toContain('media.rtpPortMin');
    expect(snap.registration.state).toBe('unregistered');
    expect(fakes.accounts).toHaveLength(0);
    await expect(core.dial('1002')).rejects.toThrow(/no SIP account is set up/);
  });

  it('dials tel:/sip:/callto: links and refuses other schemes', async () => {
    const { core, fakes } = await start();
    await core.dial('tel:+1-555-0100');
    await core.dial('callto://1003');
    await core.dial('sip:2000@pbx.example.com');
    expect(fakes.accounts[0]!.dialed.map((c) => c.remote.number)).toEqual(['+15550100', '1003', 'sip:2000@pbx.example.com']);
    await expect(core.dial('javascript:alert(1)')).rejects.toThrow(/not a tel:, sip: or callto: link/);
  });

  it('dispose ends calls, unregisters and frees the gateway', async () => {
    const { core, fakes } = await start();
    await core.dial('1002');
    await core.dispose();
    expect(fakes.accounts[0]!.stopped).toBe(1);
    expect(fakes.accounts[0]!.dialed[0]!.calls).toContain('hangup');
    expect(fakes.gateways[0]!.disposed).toBe(true);
    expect(fakes.gateways[0]!.live()).toHaveLength(0);
  });

  it('diagnostics.save writes an archive without the password', async () => {
    const { core } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'log', id: 2, payload: { level: 'warn', subsystem: 'media', message: 'mic password=secret1001 unplugged' } });
    session.handle({ type: 'diagnostics.save', id: 3, payload: { renderer: { devices: ['Mic 1'] } } });
    const result = await client.result(3);
    expect(result.ok, result.error).toBe(true);
    const path = (result.data as { path: string }).path;
    expect(existsSync(path)).toBe(true);
    const tar = gunzipSync(readFileSync(path)).toString('utf8');
    expect(tar).toContain('Mic 1');
    expect(tar).not.toContain('secret1001');
  });

  it('reading snapshot() does not swallow the broadcast of a change', async () => {
    const { core } = await start();
    const seen: string[] = [];
    core.on('snapshot', (s) => seen.push(s.agent.state));
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'agent.setState', id: 2, payload: { state: 'after-call-work' } });
    expect(core.snapshot().agent.state).toBe('after-call-work');
    await client.result(2);
    await client.wait('snapshot', (s) => s.agent.state === 'after-call-work');
    expect(seen).toContain('after-call-work');
  });

  it('new media settings replace the gateway (rtc goes idle so the renderer reconnects); two quick saves leave one account', async () => {
    const { core, fakes } = await start();
    const client = new Client();
    const session = core.attach(client);
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    session.handle({ type: 'rtc.description', id: 2, payload: { type: 'offer', sdp: 'v=0' } });
    await client.wait('snapshot', (s) => s.rtc === 'connected');
    const moved = { ...PROFILE, media: { rtpPortMin: 42000, rtpPortMax: 42099 } };
    session.handle({ type: 'profile.save', id: 3, payload: { profile: moved } });
    session.handle({ type: 'profile.save', id: 4, payload: { profile: { ...moved, displayName: 'Twice' } } });
    expect(await client.result(3)).toMatchObject({ ok: true });
    expect(await client.result(4)).toMatchObject({ ok: true });
    expect(fakes.gateways).toHaveLength(2);
    expect(fakes.gateways[0]!.disposed).toBe(true);
    expect(fakes.gateways[1]!.options).toEqual({ localAddress: '127.0.0.1', rtpPortMin: 42000, rtpPortMax: 42099 });
    await client.wait('snapshot', (s) => s.rtc === 'idle');
    const running = fakes.accounts.filter((a) => a.started > a.stopped);
    expect(running).toHaveLength(1);
    expect(running[0]!.options.profile.displayName).toBe('Twice');
  });

  it('auto-answer from the profile answers an incoming call', async () => {
    const { fakes, core } = await start({ ...PROFILE, behaviour: { autoAnswer: true } });
    const sipCall = await fakes.accounts[0]!.ring('2000');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (core.snapshot().calls[0]?.state === 'connected') resolve();
      };
      core.on('snapshot', check);
      check();
    });
    expect(sipCall.calls).toEqual(['answer']);
  });

  it('an RTP range given by one end only gets a sane other end', async () => {
    const { fakes } = await start({ ...PROFILE, media: { rtpPortMin: 50000 } });
    expect(fakes.gateways[0]!.options).toMatchObject({ rtpPortMin: 50000, rtpPortMax: 50999 });
  });
});
