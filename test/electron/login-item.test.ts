import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStartAtLogin, linuxAutostartEntry } from '../../src-main/electron/login-item';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('start at login', () => {
  it('writes and removes an XDG autostart entry on Linux', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'xdg-'));
    dirs.push(configDir);
    const calls: unknown[] = [];
    const deps = { platform: 'linux', configDir, execPath: '/opt/Agent Softphone/agent-softphone', setLoginItemSettings: (s: unknown) => calls.push(s) };
    applyStartAtLogin(true, deps);
    const file = join(configDir, 'autostart', 'agent-softphone.desktop');
    expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Agent Softphone/agent-softphone" --hidden');
    applyStartAtLogin(false, deps);
    expect(existsSync(file)).toBe(false);
    expect(calls).toEqual([]);
  });

  it('uses the login item API on Windows and macOS', () => {
    const calls: unknown[] = [];
    applyStartAtLogin(true, { platform: 'win32', configDir: '/nonexistent', execPath: 'C:\\x.exe', setLoginItemSettings: (s) => calls.push(s) });
    expect(calls).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
  });

  it('escapes Exec per the desktop entry spec', () => {
    expect(linuxAutostartEntry('/tmp/a$b"c')).toContain('Exec="/tmp/a\\$b\\"c" --hidden');
  });
});
