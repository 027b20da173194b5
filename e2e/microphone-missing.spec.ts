// No microphone connected: the agent is told so and what to do, instead of a silent call.
import { expect, test } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';

// No fake capture device: this machine has no sound card, so Chromium finds no microphone.
test.use({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: ['--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', '--disable-background-networking'],
  },
});

test('no microphone: the agent is told none was found and how to fix it', async ({ openApp }) => {
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  const alert = page.getByRole('alert').filter({ hasText: /No microphone found/ });
  await expect(alert).toBeVisible();
  // It says what to do, not only what failed.
  await expect(alert).toContainText(/plug in|connect/i);
  await expect(alert).toContainText(/Settings/);
});
