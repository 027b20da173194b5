// Before any browser starts: generate the fake microphone WAV (Chromium reads it at launch), and
// snapshot the built app (dist/browser-shell + dist/renderer) so a teammate running
// `npm run build` in the same work tree mid-run cannot swap the app under the tests.
import fs from 'node:fs';
import path from 'node:path';
import { makeTone } from './peers/audio';
import { missingToolsReason } from './peers/tools';
import { BUILT_DIST, DIST_SNAPSHOT_ENV } from './support/app';
import { FAKE_MIC_HZ, FAKE_MIC_WAV, fakeMicExists } from './support/fake-mic';

async function makeFakeMic(): Promise<void> {
  if (fakeMicExists()) return;
  const missing = missingToolsReason(['sox']);
  if (missing) {
    // The specs skip themselves with the same reason; nothing to generate without sox.
    console.warn(`[e2e global setup] cannot generate the fake microphone WAV: ${missing}`);
    return;
  }
  fs.mkdirSync(path.dirname(FAKE_MIC_WAV), { recursive: true });
  // Unique temp name then rename: several people may run the suite at once.
  const tmp = `${FAKE_MIC_WAV}.${process.pid}.tmp.wav`;
  await makeTone(FAKE_MIC_HZ, 600, tmp, 48000);
  fs.renameSync(tmp, FAKE_MIC_WAV);
}

/** Snapshots left by runs that were killed before their teardown (their pid is gone). */
function removeStaleSnapshots(): void {
  const cache = path.dirname(FAKE_MIC_WAV);
  if (!fs.existsSync(cache)) return;
  for (const name of fs.readdirSync(cache)) {
    const m = /^dist-(\d+)-\d+$/.exec(name);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      fs.rmSync(path.join(cache, name), { recursive: true, force: true });
    }
  }
}

function snapshotDist(): (() => void) | undefined {
  removeStaleSnapshots();
  if (!fs.existsSync(path.join(BUILT_DIST, 'browser-shell', 'main.mjs'))) return undefined; // startApp explains
  // Inside the repo's node_modules so the bundle still resolves its external packages.
  const dir = path.join(path.dirname(FAKE_MIC_WAV), `dist-${process.pid}-${Date.now()}`);
  for (const part of ['browser-shell', 'renderer']) {
    if (fs.existsSync(path.join(BUILT_DIST, part))) fs.cpSync(path.join(BUILT_DIST, part), path.join(dir, part), { recursive: true });
  }
  // Workers inherit the runner's environment.
  process.env[DIST_SNAPSHOT_ENV] = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

export default async function globalSetup(): Promise<() => void> {
  await makeFakeMic();
  const removeSnapshot = snapshotDist();
  return () => removeSnapshot?.();
}
