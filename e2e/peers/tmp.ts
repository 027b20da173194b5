// Unique temp dirs for peers: several people and runs share /tmp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `softphone-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Keep peer temp dirs (configs, logs, recordings) after a run for debugging. */
export const keepTemp = process.env.SOFTPHONE_KEEP_TEMP === '1';
