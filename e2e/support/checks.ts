// Assertions shared by the specs: registration status, and "this audio is that tone".
import { expect, type Page } from '@playwright/test';
import { analyzeSamples, type ToneAnalysis } from '../peers/audio';
import { inboundAudioStats, recordRemoteAudio } from './page-audio';

/** The status element showing the registration state (DESIGN.md: role "status"). */
export function registrationStatus(page: Page) {
  return page.getByRole('status').filter({ hasText: /regist/i });
}

/** "Registered" (not "Unregistered", not "Registering"). */
export const REGISTERED = /^\s*Registered\b/;

/**
 * The agent hears `expectedHz`: inbound RTP keeps arriving with a non-zero level (getStats) and
 * a recording of the page's remote audio has that dominant frequency.
 */
export async function expectPageHears(page: Page, expectedHz: number, toleranceHz = 30): Promise<ToneAnalysis> {
  await expect
    .poll(async () => (await inboundAudioStats(page)).packetsReceived, { message: 'inbound RTP packets at the renderer (getStats inbound-rtp)', timeout: 10_000 })
    .toBeGreaterThan(25);
  await expect
    .poll(async () => (await inboundAudioStats(page)).audioLevel, { message: 'inbound audioLevel at the renderer', timeout: 10_000 })
    .toBeGreaterThan(0);
  const recordings = await recordRemoteAudio(page, 1.5);
  expect(recordings.length, 'the page has a live remote audio track').toBeGreaterThan(0);
  const analyses = recordings.map((r) => analyzeSamples(r.pcm, { skipSeconds: 0.25 }));
  const best = analyses.reduce((a, b) => (b.rms > a.rms ? b : a));
  const summary = analyses.map((a) => `${a.dominantHz.toFixed(0)} Hz @ RMS ${a.rms.toFixed(3)}`).join('; ');
  expect(best.rms, `agent's received audio is not silent (${summary})`).toBeGreaterThan(0.01);
  expect(Math.abs(best.dominantHz - expectedHz), `agent hears ${expectedHz} Hz (${summary})`).toBeLessThan(toleranceHz);
  return best;
}
