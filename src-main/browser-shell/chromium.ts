// Opens the UI as a Chromium "app" window (no tabs, no address bar) with its own profile dir,
// so microphone permission and device choices persist for this app only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export function chromiumArgs(url: string, dataDir: string, extra: readonly string[] = []): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${join(dataDir, 'chromium')}`,
    '--allow-loopback-in-peer-connection',
    '--no-first-run',
    '--no-default-browser-check',
    // Chromium refuses to start as root unless its sandbox is off (root desktops, containers).
    ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : []),
    ...extra,
  ];
}

/** Starts Chromium, or returns undefined when the binary is missing. */
export function launchChromium(url: string, dataDir: string, binary = process.env.SOFTPHONE_CHROMIUM ?? DEFAULT_CHROMIUM): ChildProcess | undefined {
  if (!existsSync(binary)) return undefined;
  const extra = (process.env.SOFTPHONE_CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return spawn(binary, chromiumArgs(url, dataDir, extra), { stdio: 'ignore' });
}
