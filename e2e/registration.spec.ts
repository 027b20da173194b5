// Registration as the agent sees it: the status element after start-up with the provisioned
// profile, and a readable failure when the password is wrong.
import { expect, test } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';

test('registers with the provisioned account', async ({ openApp, testbed }) => {
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await testbed.kamailio.waitForLog(/REQ REGISTER .* from 127\.0\.0\.1/);
});

test('a wrong password shows "Registration failed" with the SIP status', async ({ openApp }) => {
  const { page } = await openApp({ password: 'not-the-password' });
  await expect(registrationStatus(page)).toHaveText(/Registration failed: .*(401|403)/);
});
