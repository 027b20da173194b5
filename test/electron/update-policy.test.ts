import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nullLogger } from '../../src-main/core/log/logger';
import { isWithinStagedRollout, resolveUpdatePolicy, RestartGate } from '../../src-main/electron/update-policy';
import { createUpdateController, type AppUpdaterLike } from '../../src-main/electron/updater';

describe('update policy', () => {
  const packaged = { isPackaged: true };
  it('uses the generic provider at the URL IT set, with the interval and channel', () => {
    expect(resolveUpdatePolicy({ url: 'https://updates.example.com/softphone/', checkIntervalMinutes: 30, channel: 'beta' }, packaged)).toEqual({
      enabled: true,
      feed: { provider: 'generic', url: 'https://updates.example.com/softphone/', channel: 'beta' },
      intervalMs: 30 * 60_000,
      checkAtStart: true,
    });
    expect(resolveUpdatePolicy({ url: 'https://u.example.com/' }, packaged)).toMatchObject({ intervalMs: 240 * 60_000 });
    expect(resolveUpdatePolicy({ url: 'https://u.example.com/', checkIntervalMinutes: 1 }, packaged)).toMatchObject({ intervalMs: 5 * 60_000 });
  });

  it('is off when IT disables it, without a URL, with a bad URL, and in development builds', () => {
    expect(resolveUpdatePolicy({ enabled: false, url: 'https://u.example.com/' }, packaged)).toEqual({ enabled: false, reason: 'updates are disabled by IT (updates.enabled = false)' });
    expect(resolveUpdatePolicy(undefined, packaged)).toMatchObject({ enabled: false, reason: expect.stringContaining('updates.url') });
    expect(resolveUpdatePolicy({ url: 'ftp://u.example.com/' }, packaged)).toMatchObject({ enabled: false });
    expect(resolveUpdatePolicy({ url: 'https://u.example.com/' }, { isPackaged: false })).toMatchObject({ enabled: false, reason: expect.stringContaining('development') });
  });

  it('mirrors electron-updater\'s staged rollout formula', () => {
    // Last 4 bytes of the UUID / 0xffffffff: 0x40000000 -> 0.25
    const quarter = '00000000-0000-4000-8000-000040000000';
    expect(isWithinStagedRollout(26, quarter)).toBe(true);
    expect(isWithinStagedRollout(25, quarter)).toBe(false);
    expect(isWithinStagedRollout(undefined, quarter)).toBe(true);
    expect(isWithinStagedRollout('x', quarter)).toBe(true);
    expect(isWithinStagedRollout(0, '00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(isWithinStagedRollout(100, '00000000-0000-4000-8000-0000ffffffff')).toBe(false);
    expect(isWithinStagedRollout(100, '00000000-0000-4000-8000-0000fffffffe')).toBe(true);
  });
});

describe('restart to update', () => {
  it('installs at once when idle, waits while a call is up, and ignores requests without an update', () => {
    let idle = false;
    const installs: number[] = [];
    const log: string[] = [];
    const gate = new RestartGate({ isIdle: () => idle, install: () => installs.push(1), log: (m) => log.push(m) });
    gate.requestRestart();
    expect(gate.state).toBe('no-update');
    expect(log.at(-1)).toMatch(/ignored restart request/);
    gate.downloaded('1.2.3');
    gate.requestRestart();
    expect(gate.state).toBe('waiting-for-idle');
    gate.coreChanged();
    expect(installs).toEqual([]);
    idle = true;
    gate.coreChanged();
    expect(gate.state).toBe('installing');
    expect(installs).toEqual([1]);
    gate.coreChanged();
    gate.requestRestart();
    expect(installs).toEqual([1]);
  });
});

class FakeUpdater extends EventEmitter implements AppUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  channel: string | null = null;
  logger: AppUpdaterLike['logger'] = null;
  feeds: unknown[] = [];
  checks = 0;
  installs = 0;
  setFeedURL(o: unknown): void {
    this.feeds.push(o);
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    return null;
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

describe('update controller', () => {
  function setup(isIdle: () => boolean, isPackaged = true) {
    const updater = new FakeUpdater();
    const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
    const controller = createUpdateController({
      updater,
      isPackaged,
      isIdle,
      logger: nullLogger,
      setInterval: (fn, ms) => {
        const t = { fn, ms, cleared: false };
        timers.push(t);
        return t as unknown as number;
      },
      clearInterval: (h) => void ((h as { cleared: boolean }).cleared = true),
    });
    return { updater, timers, controller };
  }

  it('checks at start and on the interval from the generic feed, and stops when IT disables updates', () => {
    const { updater, timers, controller } = setup(() => true);
    expect(updater.autoDownload).toBe(true);
    expect(updater.allowDowngrade).toBe(false);
    controller.apply({ url: 'https://u.example.com/', checkIntervalMinutes: 60 });
    expect(updater.feeds).toEqual([{ provider: 'generic', url: 'https://u.example.com/' }]);
    expect(updater.checks).toBe(1);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(3_600_000);
    timers[0]!.fn();
    expect(updater.checks).toBe(2);
    // Same settings again (every snapshot): nothing changes.
    controller.apply({ url: 'https://u.example.com/', checkIntervalMinutes: 60 });
    expect(updater.checks).toBe(2);
    controller.apply({ enabled: false, url: 'https://u.example.com/' });
    expect(timers[0]!.cleared).toBe(true);
    controller.checkNow();
    expect(updater.checks).toBe(2);
  });

  it('never checks in a development build', () => {
    const { updater, controller } = setup(() => true, false);
    controller.apply({ url: 'https://u.example.com/' });
    expect(updater.checks).toBe(0);
    expect(updater.feeds).toEqual([]);
  });

  it('installs a downloaded update only after the call ends', () => {
    let idle = false;
    const { updater, controller } = setup(() => idle);
    const states: string[] = [];
    controller.onChange((s, v) => states.push(`${s}:${v}`));
    updater.emit('update-downloaded', { version: '2.0.0' });
    controller.requestRestart();
    expect(updater.installs).toBe(0);
    idle = true;
    controller.coreChanged();
    expect(updater.installs).toBe(1);
    expect(states).toEqual(['downloaded:2.0.0', 'waiting-for-idle:2.0.0', 'installing:2.0.0']);
  });
});
