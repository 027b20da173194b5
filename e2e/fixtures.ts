// Playwright fixtures: a SIP testbed (Kamailio with the agent's account and routes to far-end
// numbers) and the real app (browser shell) opened in the page. Everything started here is
// stopped in teardown, and the logs are attached when a test fails.
import { test as base, expect, type Page } from '@playwright/test';
import { startBaresip, type BaresipOptions, type BaresipPeer } from './peers/baresip';
import { startKamailio, type KamailioPeer } from './peers/kamailio';
import { findFreePorts } from './peers/ports';
import { startSipp, type SippBuiltin, type SippOptions, type SippPeer } from './peers/sipp';
import { missingToolsReason } from './peers/tools';
import { startApp, testProfile, type RunningApp, type TestProfileOptions } from './support/app';
import { fakeMicExists, FAKE_MIC_WAV } from './support/fake-mic';
import { tapPeerConnections } from './support/page-audio';

export const AGENT = { user: '1001', password: 'secret1001', domain: 'testbed.local' } as const;
/** Far-end numbers Kamailio routes statically (they do not register). */
export const NUMBERS = { baresip: '2000', busy: '3000', early: '3100' } as const;

export interface Testbed {
  kamailio: KamailioPeer;
  /** SIP port reserved for each far-end number. */
  ports: Record<keyof typeof NUMBERS, number>;
  /** Starts baresip as number 2000 on its reserved port. */
  baresip(options?: BaresipOptions): Promise<BaresipPeer>;
  /** Starts sipp on the port of `number` (busy or early). */
  sipp(scenario: SippBuiltin, number: keyof typeof NUMBERS, options?: SippOptions): Promise<SippPeer>;
}

export interface AppUnderTest {
  app: RunningApp;
  page: Page;
}

export interface OpenAppOptions {
  /** Arguments after `--profile <file>`, e.g. a `tel:2000` link. */
  extraArgs?: string[];
}

interface Fixtures {
  testbed: Testbed;
  /** Starts the app with exactly this profile JSON (invalid ones, IT locks, no password too) and opens it in `page`. */
  openAppWithProfile(profile: Record<string, unknown>, options?: OpenAppOptions): Promise<AppUnderTest>;
  /** Starts the app with a profile for the testbed and opens it in `page`. */
  openApp(overrides?: Partial<TestProfileOptions>): Promise<AppUnderTest>;
}

export const test = base.extend<Fixtures>({
  testbed: async ({}, use, testInfo) => {
    const missing = missingToolsReason(['kamailio', 'baresip', 'sipp', 'sox', 'tcpdump', 'gcc', 'chromium']);
    test.skip(Boolean(missing), missing);
    test.skip(!fakeMicExists(), `fake microphone WAV missing (${FAKE_MIC_WAV}); the global setup makes it with sox`);
    const [baresipPort, busyPort, earlyPort] = await findFreePorts(3);
    const ports = { baresip: baresipPort!, busy: busyPort!, early: earlyPort! };
    const kamailio = await startKamailio({
      users: [{ user: AGENT.user, password: AGENT.password }],
      domain: AGENT.domain,
      routes: {
        [NUMBERS.baresip]: `sip:${NUMBERS.baresip}@127.0.0.1:${ports.baresip}`,
        [NUMBERS.busy]: `sip:${NUMBERS.busy}@127.0.0.1:${ports.busy}`,
        [NUMBERS.early]: `sip:${NUMBERS.early}@127.0.0.1:${ports.early}`,
      },
    });
    const started: Array<{ stop(): Promise<void>; logs?: () => string; name: string }> = [];
    const testbed: Testbed = {
      kamailio,
      ports,
      async baresip(options = {}) {
        const peer = await startBaresip({ user: NUMBERS.baresip, sipPort: ports.baresip, ...options });
        started.push({ name: 'baresip', stop: () => peer.stop(), logs: () => peer.logs() });
        return peer;
      },
      async sipp(scenario, number, options = {}) {
        const peer = await startSipp(scenario, { localPort: ports[number], service: NUMBERS[number], ...options });
        started.push({ name: `sipp-${scenario}`, stop: () => peer.stop(), logs: () => peer.messages() });
        return peer;
      },
    };
    try {
      await use(testbed);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('kamailio.log', { body: kamailio.logs(), contentType: 'text/plain' });
        for (const p of started) if (p.logs) await testInfo.attach(`${p.name}.log`, { body: p.logs(), contentType: 'text/plain' });
      }
      for (const p of started.reverse()) await p.stop();
      await kamailio.stop();
    }
  },

  openAppWithProfile: async ({ page, testbed }, use, testInfo) => {
    void testbed; // the SIP testbed must outlive the app: depending on it tears it down after
    const apps: RunningApp[] = [];
    await tapPeerConnections(page);
    try {
      await use(async (profile, options = {}) => {
        const app = await startApp(profile, options.extraArgs ? { extraArgs: options.extraArgs } : {});
        apps.push(app);
        await page.goto(app.url);
        return { app, page };
      });
    } finally {
      for (const app of apps) {
        if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('app.log', { body: app.logs(), contentType: 'text/plain' });
        // Close the page first so the renderer's connection goes away before the core stops.
        await page.close().catch(() => undefined);
        await app.stop();
      }
    }
  },

  openApp: async ({ openAppWithProfile, testbed }, use) => {
    await use((overrides = {}) =>
      openAppWithProfile(testProfile({ user: AGENT.user, password: AGENT.password, domain: AGENT.domain, outboundProxy: testbed.kamailio.udpUri, ...overrides })),
    );
  },
});

export { expect };

/** The call's group (named after the remote party) — DESIGN.md accessible names. */
export function callGroup(page: Page, remote: string | RegExp) {
  return page.getByRole('group', { name: remote });
}
