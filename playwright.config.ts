// End-to-end tests through the real UI (browser shell + system Chromium) against real SIP
// peers from e2e/peers. Never `npx playwright install`: the browser is Debian's /usr/bin/chromium.
import { defineConfig } from '@playwright/test';
import { FAKE_MIC_WAV } from './e2e/support/fake-mic';

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
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${FAKE_MIC_WAV}`,
        '--allow-loopback-in-peer-connection',
        '--disable-background-networking',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  },
});
