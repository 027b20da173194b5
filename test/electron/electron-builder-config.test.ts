// electron-builder.yml is checked the way electron-builder itself checks it (its scheme.json
// with its ajv options, then its own validateConfiguration), plus what this app relies on:
// link schemes, macOS microphone text and entitlement, icons that exist.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);
// js-yaml ships no types; it is electron-builder's own YAML parser (a transitive dependency).
const { load } = require('js-yaml') as { load(text: string): unknown };
const root = join(__dirname, '..', '..');
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;

describe('electron-builder.yml', () => {
  it('matches electron-builder\'s JSON schema', () => {
    // Same options app-builder-lib uses (its scheme has custom keywords like `typeof`).
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(config);
    expect(ok ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });

  it('is accepted by electron-builder\'s own configuration validator', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(c: unknown, debug: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} })).resolves.toBeUndefined();
  });

  it('a typo is caught (the schema test is not vacuous)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    expect(validate({ ...config, linux: { ...config.linux, tagret: ['AppImage'] } })).toBe(false);
  });

  it('builds AppImage + deb, NSIS and dmg, and registers tel:, sip: and callto:', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t: { target: string }) => t.target)).toEqual(['dmg']);
    expect(config.protocols.flatMap((p: { schemes: string[] }) => p.schemes).sort()).toEqual(['callto', 'sip', 'tel']);
    expect(config.linux.mimeTypes.sort()).toEqual(['x-scheme-handler/callto', 'x-scheme-handler/sip', 'x-scheme-handler/tel']);
    expect(config.publish[0].provider).toBe('generic');
  });

  it('hardens the packaged binary with fuses and keeps the Windows app id in sync with main.ts', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true });
    expect(readFileSync(join(root, 'src-main/electron/main.ts'), 'utf8')).toContain(`APP_USER_MODEL_ID = '${config.appId}'`);
  });

  it('asks for the microphone on macOS with a reason and the audio-input entitlement', () => {
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
    expect(config.mac.hardenedRuntime).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      const plist = readFileSync(join(root, file), 'utf8');
      expect(plist).toMatch(/<key>com\.apple\.security\.device\.audio-input<\/key>\s*<true\/>/);
    }
  });

  it('points at icons that exist, in the sizes each platform needs', () => {
    for (const s of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) expect(existsSync(join(root, 'assets/icons', `${s}x${s}.png`))).toBe(true);
    expect(readFileSync(join(root, config.win.icon)).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(readFileSync(join(root, config.mac.icon)).subarray(0, 4).toString()).toBe('icns');
    expect(statSync(join(root, config.linux.icon)).isDirectory()).toBe(true);
    for (const name of ['offline', 'registering', 'ready', 'not-ready', 'busy', 'ringing']) {
      expect(existsSync(join(root, 'assets/tray', `${name}.png`))).toBe(true);
      expect(existsSync(join(root, 'assets/tray', `${name}@2x.png`))).toBe(true);
    }
  });
});
