import { describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../shared/protocol';
import type { HostToMain, MainToHost, MessagePortLike } from '../../src-main/electron/core-host-protocol';
import { serveCoreHost } from '../../src-main/electron/core-host-server';
import type { SecretStore } from '../../src-main/electron/core-port';
import { startRemoteCore } from '../../src-main/electron/remote-core';
import { call, FakeCore, snapshot } from './fake-core';

/** Two ends of a channel that structured-clones like utilityProcess messaging and delivers asynchronously. */
function channel(): [MessagePortLike<HostToMain, MainToHost>, MessagePortLike<MainToHost, HostToMain>] {
  const toMain = new Set<(m: HostToMain) => void>();
  const toHost = new Set<(m: MainToHost) => void>();
  return [
    { postMessage: (m) => queueMicrotask(() => toHost.forEach((l) => l(structuredClone(m)))), onMessage: (l) => (toMain.add(l), () => toMain.delete(l)) },
    { postMessage: (m) => queueMicrotask(() => toMain.forEach((l) => l(structuredClone(m)))), onMessage: (l) => (toHost.add(l), () => toHost.delete(l)) },
  ];
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
};

describe('core in a utilityProcess (RemoteCore <-> core host)', () => {
  it('starts the core, relays sessions, snapshots, incoming calls, methods and secrets', async () => {
    const [mainEnd, hostEnd] = channel();
    const core = new FakeCore();
    const secretsSeen: string[] = [];
    let hostSecrets: SecretStore | undefined;
    serveCoreHost(hostEnd, async (init, secrets) => {
      expect(init.dataDir).toBe('/data');
      hostSecrets = secrets;
      return core;
    });
    const store = new Map<string, string>();
    const mainSecrets: SecretStore = {
      get: async (k) => (secretsSeen.push(`get:${k}`), store.get(k)),
      set: async (k, v) => void (secretsSeen.push(`set:${k}`), store.set(k, v)),
      delete: async (k) => void store.delete(k),
    };
    const remote = await startRemoteCore(mainEnd, { dataDir: '/data', logDir: '/data/logs' }, mainSecrets);
    expect(remote.snapshot().registration.state).toBe('registered');

    const events: CoreEvent[] = [];
    const session = remote.attach({ send: (e) => events.push(e) });
    session.handle({ type: 'hello', id: 1, payload: { protocol: 1 } });
    await until(() => events.length === 2);
    expect(events.map((e) => e.type)).toEqual(['snapshot', 'result']);

    const incoming: string[] = [];
    remote.on('incomingCall', (c) => incoming.push(c.id));
    core.ring(call({ id: 'in-1' }));
    await until(() => incoming.length === 1);
    expect(remote.isIdle()).toBe(false);
    core.publish(snapshot({ calls: [call({ id: 'in-1', state: 'ended' })] }));
    await until(() => remote.isIdle());

    await remote.dial('sip:2000@testbed.local');
    await remote.answerRinging();
    await remote.toggleMute();
    await remote.hangupActive();
    expect(core.methods).toEqual(['dial:sip:2000@testbed.local', 'answerRinging', 'toggleMute', 'hangupActive']);

    await hostSecrets!.set('sip.password', 'secret1001');
    expect(await hostSecrets!.get('sip.password')).toBe('secret1001');
    expect(secretsSeen).toEqual(['set:sip.password', 'get:sip.password']);

    session.detach();
    await until(() => core.detached.includes(1));
    await remote.dispose();
    expect(core.methods.at(-1)).toBe('dispose');
    await expect(remote.dial('1')).rejects.toThrow(/not running/);
  });

  it('reports a core that fails to start with its reason', async () => {
    const [mainEnd, hostEnd] = channel();
    serveCoreHost(hostEnd, async () => {
      throw new Error('profile.json: sip.uri is required');
    });
    await expect(startRemoteCore(mainEnd, { dataDir: '/d', logDir: '/d/l' }, undefined)).rejects.toThrow('The call engine could not start: profile.json: sip.uri is required');
  });

  it('fails pending calls when the core process dies', async () => {
    const [mainEnd, hostEnd] = channel();
    const core = new FakeCore();
    core.dial = () => new Promise(() => {});
    serveCoreHost(hostEnd, async () => core);
    const remote = await startRemoteCore(mainEnd, { dataDir: '/d', logDir: '/d/l' }, undefined);
    const dialing = remote.dial('2000');
    remote.markGone('exit code 134');
    await expect(dialing).rejects.toThrow('The call engine stopped (exit code 134).');
  });
});
