// Outbound call from the dialer to a baresip far end routed by number through Kamailio:
// "Connected", audio both ways checked by frequency, the agent hangs up and the far end sees BYE.
import { analyzeWav, expectTone } from './peers/audio';
import { callGroup, expect, NUMBERS, test } from './fixtures';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { FAKE_MIC_HZ, FAR_END_HZ } from './support/fake-mic';

test('call a number, talk both ways, hang up from the UI', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);

  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.baresip);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const call = callGroup(page, new RegExp(NUMBERS.baresip));
  await expect(call).toContainText('Connected');
  await farEnd.waitForEvent('CALL_ESTABLISHED');

  await expectPageHears(page, FAR_END_HZ);

  await page.getByRole('button', { name: 'Hang up', exact: true }).click();
  await farEnd.waitForEvent('CALL_CLOSED');
  await expect(call).toContainText('Ended');
  // The far end recorded what reached it: the agent's (fake) microphone.
  expectTone(analyzeWav(farEnd.lastHeard(), { skipSeconds: 0.5 }), FAKE_MIC_HZ, 'far end (baresip) recording of the agent');
});

test('a busy far end shows "Busy"', async ({ openApp, testbed }) => {
  const busy = await testbed.sipp('uas-486', 'busy');
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.busy);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(callGroup(page, new RegExp(NUMBERS.busy))).toContainText('Busy');
  const result = await busy.done;
  expect(result.code, result.output).toBe(0);
});

test('early media (183) then answer: agent hears the far end, hangs up, far end gets BYE', async ({ openApp, testbed }) => {
  const farEnd = await testbed.sipp('uas-183-200', 'early', { durationMs: 2000, toneHz: FAR_END_HZ });
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.early);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const call = callGroup(page, new RegExp(NUMBERS.early));
  await expect(call).toContainText('Connected');
  await expectPageHears(page, FAR_END_HZ);
  await page.getByRole('button', { name: 'Hang up', exact: true }).click();
  await expect(call).toContainText('Ended');
  const result = await farEnd.done;
  expect(result.code, `sipp UAS saw the BYE and answered it\n${result.output}`).toBe(0);
});

test('over TCP: registers and calls with audio both ways', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page } = await openApp({ outboundProxy: testbed.kamailio.tcpUri });
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await testbed.kamailio.waitForLog(/REQ REGISTER \S+ from 127\.0\.0\.1:\d+\/tcp/);
  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.baresip);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const call = callGroup(page, new RegExp(NUMBERS.baresip));
  await expect(call).toContainText('Connected');
  await expectPageHears(page, FAR_END_HZ);
  // The far end hangs up: its BYE reaches the app through Kamailio over the app's TCP connection.
  await farEnd.hangup();
  await expect(call).toContainText('Ended');
  expectTone(analyzeWav(farEnd.lastHeard(), { skipSeconds: 0.5 }), FAKE_MIC_HZ, 'far end (baresip) recording of the agent');
});
