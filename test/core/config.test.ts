// Profile loading, provisioning layers, locked fields and where the password goes.
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileConfig } from '../../src-main/core/config/profile-config';
import { defaultProvisioningPaths } from '../../src-main/core/config/provisioning';
import { FileSecretStore, MemorySecretStore, type SecretStore } from '../../src-main/core/config/secret-store';
import { LogHub, type LogRecord } from '../../src-main/core/log/logger';

const VALID = {
  displayName: 'Agent 1001',
  sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: 'sip:127.0.0.1:5070;transport=udp', localAddress: '127.0.0.1' },
  media: { rtpPortMin: 40000, rtpPortMax: 40999 },
};

function setup(files: Record<string, unknown> = {}, secretStore?: SecretStore) {
  const dir = mkdtempSync(join(tmpdir(), 'config-test-'));
  const dataDir = join(dir, 'data');
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], typeof content === 'string' ? content : JSON.stringify(content));
  }
  const hub = new LogHub('debug');
  const lines: LogRecord[] = [];
  hub.addSink((r) => lines.push(r));
  const make = (opts: { profile?: string; provisioning?: string[] } = {}) =>
    new ProfileConfig({
      dataDir,
      ...(opts.profile ? { profilePath: paths[opts.profile] ?? join(dir, opts.profile) } : {}),
      provisioningPaths: (opts.provisioning ?? []).map((n) => paths[n] ?? join(dir, n)),
      secretStore: secretStore ?? new FileSecretStore(dataDir),
      addSecret: (s) => hub.addSecret(s),
      log: hub.logger('config'),
    });
  return { dir, dataDir, paths, make, lines, hub };
}

describe('profile loading', () => {
  it('loads a valid --profile: configured, password hidden from the view', async () => {
    const t = setup({ 'p.json': VALID });
    const loaded = await t.make({ profile: 'p.json' }).load();
    expect(loaded.status).toMatchObject({ configured: true, hasPassword: true, errors: [] });
    expect(loaded.profile?.sip.password).toBe('secret1001');
    expect(JSON.stringify(loaded.status)).not.toContain('secret1001');
  });

  it('names the fields that are wrong and stays unconfigured', async () => {
    const bad = { ...VALID, media: { rtpPortMin: 80, rtpPortMax: 40999 }, colour: 'blue', sip: { ...VALID.sip, localAddress: 'localhost' } };
    const t = setup({ 'p.json': bad });
    const { status, profile } = await t.make({ profile: 'p.json' }).load();
    expect(profile).toBeUndefined();
    expect(status.configured).toBe(false);
    const fields = status.errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['media.rtpPortMin', 'colour', 'sip.localAddress']));
    expect(status.errors.find((e) => e.field === 'media.rtpPortMin')?.message).toMatch(/^media\.rtpPortMin: must be 1024 or higher/);
    expect(status.values?.displayName).toBe('Agent 1001'); // the settings screen can show what was loaded
  });

  it('reports a missing sip.uri, a JSON syntax error and a missing file by name', async () => {
    const t = setup({ 'nouri.json': { sip: { authUser: '1' } }, 'broken.json': '{ "sip": ' });
    expect((await t.make({ profile: 'nouri.json' }).load()).status.errors.map((e) => e.field)).toContain('sip.uri');
    const broken = (await t.make({ profile: 'broken.json' }).load()).status.errors;
    expect(broken[0]?.message).toMatch(/broken\.json is not valid JSON/);
    // Only the real problem: nothing could be read, so no made-up "sip: is required" on top.
    expect(broken).toHaveLength(1);
    const missing = (await t.make({ profile: 'nope.json' }).load()).status.errors;
    expect(missing[0]?.message).toMatch(/nope\.json does not exist/);
  });

  it('a fresh install without any profile is simply unconfigured, without errors', async () => {
    const { status } = await setup().make().load();
    expect(status).toMatchObject({ configured: false, errors: [], hasPassword: false });
  });

  it('merges system-wide, per-user and --profile in that order', async () => {
    const t = setup({
      'system.json': { sip: { uri: 'sip:1001@testbed.local', outboundProxy: 'sip:10.0.0.1:5060' }, media: { rtpPortMin: 30000, rtpPortMax: 30999 } },
      'user.json': { displayName: 'From user file', media: { rtpPortMin: 30100 } },
      'p.json': { sip: { outboundProxy: 'sip:127.0.0.1:5070' } },
    });
    const { profile, status } = await t.make({ provisioning: ['system.json', 'user.json', 'absent.json'], profile: 'p.json' }).load();
    expect(status.errors).toEqual([]);
    expect(profile).toMatchObject({ displayName: 'From user file', sip: { uri: 'sip:1001@testbed.local', outboundProxy: 'sip:127.0.0.1:5070' }, media: { rtpPortMin: 30100, rtpPortMax: 30999 } });
  });

  it('knows the provisioning locations of each OS', () => {
    expect(defaultProvisioningPaths('linux', {}, '/home/a')).toEqual(['/etc/agent-softphone/profile.json', '/home/a/.config/agent-softphone/profile.json']);
    expect(defaultProvisioningPaths('win32', { ProgramData: 'C:\\ProgramData', APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a')[0]).toContain('AgentSoftphone');
    expect(defaultProvisioningPaths('darwin', {}, '/Users/a')).toEqual([
      '/Library/Application Support/AgentSoftphone/profile.json',
      '/Users/a/Library/Application Support/AgentSoftphone/profile.json',
    ]);
  });
});

describe('saving settings', () => {
  it('validates, names wrong fields and writes nothing on error', async () => {
    const t = setup();
    const config = t.make();
    await config.load();
    const result = await config.save({ sip: { uri: 'not-a-uri' }, media: { rtpPortMin: 70000 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors.map((e) => e.field)).toEqual(expect.arrayContaining(['sip.uri', 'media.rtpPortMin']));
    expect(existsSync(join(t.dataDir, 'settings.json'))).toBe(false);
  });

  it('keeps the password out of settings.json and in a 0600 file; never in log lines', async () => {
    const t = setup();
    const config = t.make();
    await config.load();
    const result = await config.save({ ...VALID, sip: { ...VALID.sip, password: 'TopSecret-42' } });
    expect(result.ok).toBe(true);
    const settings = readFileSync(join(t.dataDir, 'settings.json'), 'utf8');
    expect(settings).not.toContain('TopSecret-42');
    expect(settings).not.toContain('password');
    const secrets = join(t.dataDir, 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toContain('TopSecret-42');
    for (const name of readdirSync(t.dataDir)) if (name !== 'secrets.json') expect(readFileSync(join(t.dataDir, name), 'utf8')).not.toContain('TopSecret-42');
    t.hub.logger('sip').info('REGISTER with password TopSecret-42');
    expect(t.lines.map((l) => l.message).join('\n')).not.toContain('TopSecret-42');

    // A restart finds the saved settings and the stored password.
    const again = await t.make().load();
    expect(again.status).toMatchObject({ configured: true, hasPassword: true });
    expect(again.profile?.sip.password).toBe('TopSecret-42');
    // Saving without a password keeps the stored one.
    const resave = await t.make().save({ ...VALID, displayName: 'Renamed', sip: { ...VALID.sip, password: '' } });
    expect(resave.ok && resave.loaded.profile?.sip.password).toBe('TopSecret-42');
  });

  it('issue: no OS keyring — saving still works, the new password is used this session and the agent is told why', async () => {
    const refusing: SecretStore = {
      get: async () => undefined,
      set: async () => {
        throw new Error('The password cannot be saved because no system keyring is available. It is kept for this session only.');
      },
      delete: async () => {},
    };
    const t = setup({}, refusing);
    const config = t.make();
    await config.load();
    const result = await config.save(VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warning).toMatch(/no system keyring/);
    expect(result.loaded.status).toMatchObject({ configured: true, hasPassword: true });
    expect(result.loaded.profile?.sip.password).toBe('secret1001');
    // A reload in the same session (e.g. after another save) still has the password.
    expect((await config.load()).profile?.sip.password).toBe('secret1001');
    expect(readFileSync(join(t.dataDir, 'settings.json'), 'utf8')).not.toContain('secret1001');
  });

  it('narrows a secrets file others can read back to 0600', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'secret-mode-'));
    const store = new FileSecretStore(dataDir);
    await store.set('sip.password', 'pw123');
    chmodSync(store.path, 0o644);
    expect(await store.get('sip.password')).toBe('pw123');
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    await store.delete('sip.password');
    expect(await store.get('sip.password')).toBeUndefined();
  });

  it('refuses a change to a locked field with a field error, accepts other changes, and keeps locked values from IT', async () => {
    const itProfile = { ...VALID, locked: ['sip.uri', 'sip.outboundProxy', 'updates'], updates: { enabled: true } };
    const t = setup({ 'system.json': itProfile });
    const config = t.make({ provisioning: ['system.json'] });
    const loaded = await config.load();
    expect(loaded.status.locked).toEqual(['sip.uri', 'sip.outboundProxy', 'updates']);

    const refused = await config.save({ ...VALID, sip: { ...VALID.sip, uri: 'sip:9999@evil.example' } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.fieldErrors).toEqual([{ field: 'sip.uri', message: expect.stringMatching(/^sip\.uri: is set by your IT department/) }]);
    const refusedSection = await config.save({ ...VALID, updates: { enabled: false } });
    expect(!refusedSection.ok && refusedSection.fieldErrors[0]?.field).toBe('updates');

    const accepted = await config.save({ ...VALID, displayName: 'Agent One', sip: { ...VALID.sip } });
    expect(accepted.ok).toBe(true);
    expect(accepted.ok && accepted.loaded.profile?.displayName).toBe('Agent One');

    // Someone edits settings.json by hand: the locked field still comes from IT.
    const settingsPath = join(t.dataDir, 'settings.json');
    const edited = JSON.parse(readFileSync(settingsPath, 'utf8'));
    edited.sip.uri = 'sip:9999@evil.example';
    writeFileSync(settingsPath, JSON.stringify(edited));
    const reloaded = await t.make({ provisioning: ['system.json'] }).load();
    expect(reloaded.profile?.sip.uri).toBe('sip:1001@testbed.local');
    expect(reloaded.profile?.displayName).toBe('Agent One');
  });

  it('a locked password cannot be replaced', async () => {
    const t = setup({ 'system.json': { ...VALID, locked: ['sip.password'] } }, new MemorySecretStore());
    const config = t.make({ provisioning: ['system.json'] });
    await config.load();
    const result = await config.save({ ...VALID, sip: { ...VALID.sip, password: 'other' } });
    expect(!result.ok && result.fieldErrors[0]?.field).toBe('sip.password');
  });

  it('the agent can fix a broken IT profile in Settings', async () => {
    const t = setup({ 'p.json': { ...VALID, media: { rtpPortMin: 80 } } });
    const config = t.make({ profile: 'p.json' });
    expect((await config.load()).status.configured).toBe(false);
    const result = await config.save({ ...VALID, sip: { ...VALID.sip, password: '' } });
    expect(result.ok).toBe(true);
    expect(result.ok && result.loaded.status).toMatchObject({ configured: true, hasPassword: true, errors: [] });
  });

  it('a missing --profile file stops mattering once the agent saved settings', async () => {
    const t = setup();
    const config = t.make({ profile: 'missing.json' });
    expect((await config.load()).status.errors[0]?.message).toMatch(/does not exist/);
    const result = await config.save(VALID);
    expect(result.ok && result.loaded.status).toMatchObject({ configured: true, errors: [] });
  });
});
