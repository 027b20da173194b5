// The WAV Chromium plays as the agent's microphone (--use-file-for-fake-audio-capture): a 1 kHz
// tone, 48 kHz mono, so the far end can check by frequency that the agent's audio arrived.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const FAKE_MIC_HZ = 1000;
export const FAR_END_HZ = 440;
/** Fixed path so playwright.config.ts can name it before globalSetup writes it. */
export const FAKE_MIC_WAV = path.join(root, 'node_modules', '.cache', 'softphone-e2e', 'mic-1000hz-48k.wav');

/** Chromium standing in for the agent's app window: fake microphone playing FAKE_MIC_WAV, no prompts, loopback WebRTC. */
export const AGENT_CHROMIUM_ARGS: readonly string[] = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${FAKE_MIC_WAV}`,
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required',
];

export function fakeMicExists(): boolean {
  return fs.existsSync(FAKE_MIC_WAV) && fs.statSync(FAKE_MIC_WAV).size > 1000;
}
