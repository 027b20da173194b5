// End-to-end tests through the real UI (browser shell + system Chromium) against real SIP
// peers from e2e/peers. Never `npx playwright install`: the browser is Debian's /usr/bin/chromium.
import { defineConfig } from '@playwright/test';
import { AGENT_CHROMIUM_ARGS } from './e2e/support/fake-mic';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // 2 cores shared with others: one app + Chromium + SIP peers at a time keeps timings sane.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    permissions: ['microphone'],
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [...AGENT_CHROMIUM_ARGS],
    },
  },
});
