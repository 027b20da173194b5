// A microphone problem is never a silent call: when the agent (or policy) blocks microphone
// access, the app says so in plain words and places no call the far end would hear nothing on.
import { expect, test, callGroup, NUMBERS } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';

// A fake device exists, but there is no auto-accepting permission UI and no granted
// permission: headless Chromium denies the request the way an agent's "Block" click would.
test.use({
  permissions: [],
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: ['--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection', '--disable-background-networking'],
  },
});

test('microphone access denied: the agent is told why and no silent call is placed', async ({ openApp, testbed }) => {
  await testbed.baresip();
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await expect(page.getByRole('alert').filter({ hasText: /Microphone access was denied/ })).toBeVisible();
  await page.getByRole('textbox', { name: 'Number' }).fill(NUMBERS.baresip);
  const call = page.getByRole('button', { name: 'Call', exact: true });
  // Either the button is disabled or pressing it is refused with the reason: no call appears.
  if (await call.isEnabled()) await call.click();
  await expect(page.getByRole('alert').filter({ hasText: /microphone/i }).first()).toBeVisible();
  await expect(callGroup(page, NUMBERS.baresip)).toHaveCount(0);
  expect(testbed.kamailio.logs()).not.toMatch(/REQ INVITE/);
});
