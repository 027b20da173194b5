// Launching the real Electron shell from Playwright. Electron's binary cannot be downloaded
// on the machines this project is developed on, so every spec here is guarded: it runs where
// the binary (and a display) exist and is skipped with the reason everywhere else.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from '@playwright/test';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ELECTRON_MAIN = path.join(root, 'dist', 'electron', 'main.cjs');

function electronBinaryPath(): string | undefined {
  try {
    // node_modules/electron/index.js exports the binary path, or throws when it was never downloaded.
    const p = require('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

export const electronExecutable = electronBinaryPath();
export const electronBinaryAvailable = electronExecutable !== undefined;
export const ELECTRON_SKIP_REASON =
  'Electron binary not installed on this machine (it cannot be downloaded here): the shell logic is covered by `npx vitest run test/electron`; run these specs where `npm install` could fetch Electron';
export const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
export const NO_DISPLAY_REASON = 'no display for Electron windows: run under `xvfb-run -a npx playwright test e2e/electron`';

export interface LaunchedShell {
  app: ElectronApplication;
  window: Page;
  userData: string;
  close(): Promise<void>;
}

export interface LaunchOptions {
  profile?: Record<string, unknown>;
  args?: string[];
  /** Reuse a userData dir (a second instance must share the first one's). */
  userData?: string;
}

export function chromiumTestSwitches(): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection', '--disable-background-networking'];
}

export async function launchShell(options: LaunchOptions = {}): Promise<LaunchedShell> {
  if (!existsSync(ELECTRON_MAIN)) throw new Error(`the Electron shell is not built: ${path.relative(root, ELECTRON_MAIN)} is missing. Run \`npm run build\`.`);
  const userData = options.userData ?? mkdtempSync(path.join(tmpdir(), 'softphone-electron-'));
  const args = [ELECTRON_MAIN, ...chromiumTestSwitches()];
  if (options.profile) {
    const profilePath = path.join(userData, 'test-profile.json');
    writeFileSync(profilePath, JSON.stringify(options.profile));
    args.push('--profile', profilePath);
  }
  args.push(...(options.args ?? []));
  const app = await _electron.launch({
    ...(electronExecutable ? { executablePath: electronExecutable } : {}),
    args,
    env: { ...process.env, SOFTPHONE_USER_DATA: userData, SOFTPHONE_LOG_STDERR: '1' } as Record<string, string>,
  });
  const window = await app.firstWindow();
  return {
    app,
    window,
    userData,
    async close() {
      await app.close().catch(() => undefined);
      if (!options.userData) rmSync(userData, { recursive: true, force: true });
    },
  };
}
