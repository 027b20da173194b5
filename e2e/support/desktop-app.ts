// Fixtures for the desktop-feature specs (settings, provisioning, devices, echo test,
// diagnostics, links, ringing) in the browser shell: the shared `openAppWithProfile` (any
// profile JSON, extra command-line arguments such as a tel:/sip: link) plus a record of the
// media elements the page plays (ring tone, test tone).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AGENT, expect, test as base, type AppUnderTest, type OpenAppOptions, type Testbed } from '../fixtures';
import { testProfile } from './app';

declare global {
  interface Window {
    /** Every media element the page called play() on (ring tone and test tone are never in the DOM). */
    __desktopTestMedia?: HTMLMediaElement[];
  }
}

interface DesktopFixtures {
  /** Starts the browser shell with exactly this profile JSON and opens it in `page`, recording the media it plays. */
  desktopApp(profile: Record<string, unknown>, options?: OpenAppOptions): Promise<AppUnderTest>;
}

/** Call before page.goto(): remembers every media element the page plays. Observes only. */
export async function tapMediaElements(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const played: HTMLMediaElement[] = [];
    window.__desktopTestMedia = played;
    const original = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      if (!played.includes(this)) played.push(this);
      return original.call(this);
    };
  });
}

export const test = base.extend<DesktopFixtures>({
  desktopApp: async ({ page, openAppWithProfile }, use) => {
    await tapMediaElements(page);
    await use(openAppWithProfile);
  },
});

export { expect };

/** A valid profile for the testbed's agent (1001), as IT would provision it. */
export function agentProfile(testbed: Testbed): Record<string, unknown> & { sip: Record<string, unknown>; media: Record<string, number> } {
  return testProfile({ user: AGENT.user, password: AGENT.password, domain: AGENT.domain, outboundProxy: testbed.kamailio.udpUri }) as Record<string, unknown> & {
    sip: Record<string, unknown>;
    media: Record<string, number>;
  };
}

/** Every file under `dir` (recursive), as paths. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

export interface PlayedMedia {
  src: string;
  paused: boolean;
  ended: boolean;
  /** HTMLMediaElement.played.length: > 0 once the element actually rendered some audio. */
  playedRanges: number;
  currentTime: number;
}

/** Media elements with a URL source (ring tone, test tone); call audio (srcObject) is left out. */
export async function playedMedia(page: Page): Promise<PlayedMedia[]> {
  return page.evaluate(() =>
    (window.__desktopTestMedia ?? [])
      .filter((el) => el.src !== '' && el.srcObject === null)
      .map((el) => ({ src: el.src.slice(0, 120), paused: el.paused, ended: el.ended, playedRanges: el.played.length, currentTime: el.currentTime })),
  );
}

/** The ring tone is bundled as assets/ring-<hash>.wav. */
export function isRingTone(m: PlayedMedia): boolean {
  return /\/ring[^/]*\.wav/.test(m.src);
}
