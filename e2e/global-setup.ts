// Generates the fake microphone WAV before any browser starts (Chromium reads it at launch).
import fs from 'node:fs';
import path from 'node:path';
import { makeTone } from './peers/audio';
import { missingToolsReason } from './peers/tools';
import { FAKE_MIC_HZ, FAKE_MIC_WAV, fakeMicExists } from './support/fake-mic';

export default async function globalSetup(): Promise<void> {
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
