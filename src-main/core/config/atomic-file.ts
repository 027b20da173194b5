// Settings, secrets and history are rewritten whole: write a sibling file with the final mode
// and rename it over the old one, so a crash never leaves a half-written or briefly
// world-readable file.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  // writeFileSync's mode is masked by the umask; the secret file must be exactly `mode`.
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
