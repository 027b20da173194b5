// Settings and provisioning through the browser shell: a broken IT profile opens Settings with
// errors naming the fields and the agent fixes it there; a field IT locked is read-only and a
// save cannot change it; the password typed in Settings lands only in the 0600 secrets file.
import fs from 'node:fs';
import path from 'node:path';
import { AGENT } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';
import { agentProfile, expect, filesUnder, test } from './support/desktop-app';

test('an invalid profile opens Settings with field errors; fixing the field there registers', async ({ desktopApp, testbed }) => {
  const profile = agentProfile(testbed);
  const goodMin = profile.media.rtpPortMin!;
  profile.media.rtpPortMin = 80; // below 1024: out of range
  profile['ringVolume'] = 11; // not a profile field
  const { page, app } = await desktopApp(profile);

  // The app opens on Settings (not the dialer) because it cannot register with this profile.
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Number', exact: true })).toHaveCount(0);
  await expect(registrationStatus(page)).toHaveText(/Unregistered|Registration failed/);
  // The unknown field has no input: it is listed, by name, in the form's alert.
  await expect(page.getByRole('alert').filter({ hasText: 'The profile has problems' })).toContainText('ringVolume: unknown field');
  // The out-of-range value is shown at its own input, named.
  const rtpMin = page.getByLabel('RTP port min', { exact: true });
  await expect(rtpMin).toHaveValue('80');
  await expect(rtpMin).toHaveAttribute('aria-invalid', 'true');
  await expect(rtpMin).toHaveAccessibleDescription(/media\.rtpPortMin: must be 1024 or higher/);

  await rtpMin.fill(String(goodMin));
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();

  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await testbed.kamailio.waitForLog(/REQ REGISTER .* from 127\.0\.0\.1/);
  // Configured now: the agent is back at the dialer.
  await expect(page.getByRole('textbox', { name: 'Number', exact: true })).toBeVisible();
  const saved = JSON.parse(fs.readFileSync(path.join(app.dataDir, 'settings.json'), 'utf8')) as { media?: { rtpPortMin?: number }; ringVolume?: unknown };
  expect(saved.media?.rtpPortMin).toBe(goodMin);
  expect(saved).not.toHaveProperty('ringVolume');
});

test('a field locked by IT is read-only and a save cannot change it', async ({ desktopApp, testbed }) => {
  const profile = { ...agentProfile(testbed), locked: ['sip.outboundProxy'] };
  const { page, app } = await desktopApp(profile);
  await expect(registrationStatus(page)).toHaveText(REGISTERED);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const proxy = page.getByLabel('Outbound proxy', { exact: true });
  await expect(proxy).toHaveValue(testbed.kamailio.udpUri);
  await expect(proxy).not.toBeEditable();
  await expect(proxy).toHaveAccessibleDescription(/Set by your IT department/);
  // An unlocked field next to it stays editable.
  await expect(page.getByLabel('Display name', { exact: true })).toBeEditable();

  // Get past the read-only attribute (as a determined user with dev tools could) and save a
  // different proxy together with a legitimate change.
  await proxy.evaluate((el) => el.removeAttribute('readonly'));
  await proxy.fill('sip:127.0.0.1:9;transport=udp');
  await page.getByLabel('Display name', { exact: true }).fill('Agent Renamed');
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();
  await expect(page.getByText('Settings saved', { exact: true })).toBeVisible();

  const saved = JSON.parse(fs.readFileSync(path.join(app.dataDir, 'settings.json'), 'utf8')) as { displayName?: string; sip?: { outboundProxy?: string } };
  expect(saved.displayName).toBe('Agent Renamed');
  expect(saved.sip?.outboundProxy, 'the locked field keeps IT value').toBe(testbed.kamailio.udpUri);
  // Still registered through IT's proxy, and a fresh window shows IT's value again.
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await page.reload();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel('Outbound proxy', { exact: true })).toHaveValue(testbed.kamailio.udpUri);
  await expect(page.getByLabel('Display name', { exact: true })).toHaveValue('Agent Renamed');
});

test('the password typed in Settings is kept only in the 0600 secrets file', async ({ desktopApp, testbed }) => {
  const profile = agentProfile(testbed);
  delete profile.sip.password; // IT deploys the account; the agent types the password
  const { page, app } = await desktopApp(profile);
  await expect(registrationStatus(page)).toHaveText(/Unregistered|Registration failed/);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const password = page.getByLabel('Password', { exact: true });
  await expect(password).toHaveAttribute('type', 'password');
  await password.fill(AGENT.password);
  await page.getByRole('button', { name: 'Save profile', exact: true }).click();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  // The form does not keep the typed password around once saved.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/stored/);

  const settingsPath = path.join(app.dataDir, 'settings.json');
  const secretsPath = path.join(app.dataDir, 'secrets.json');
  expect(fs.existsSync(settingsPath), 'settings.json written').toBe(true);
  expect(fs.readFileSync(settingsPath, 'utf8')).not.toContain(AGENT.password);
  expect(fs.statSync(secretsPath).mode & 0o777, 'secrets file mode').toBe(0o600);
  expect(fs.readFileSync(secretsPath, 'utf8')).toContain(AGENT.password);
  // Nothing else the app wrote (logs, history, settings) holds the password in plain text.
  const leaks = filesUnder(app.dataDir)
    .filter((f) => f !== secretsPath && f !== app.profilePath)
    .filter((f) => fs.readFileSync(f).includes(AGENT.password));
  expect(leaks, 'files holding the password besides the secrets file').toEqual([]);
});
