// Inbound calls the agent does not take: "Decline" ends the caller's attempt; a caller who
// gives up before the answer leaves the call "Ended".
import { AGENT, callGroup, expect, NUMBERS, test } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';

test('decline an incoming call: the caller is rejected', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await farEnd.dial(`sip:${AGENT.user}@127.0.0.1:${testbed.kamailio.port}`);
  const call = callGroup(page, new RegExp(NUMBERS.baresip));
  await expect(call).toContainText('Ringing');
  await page.getByRole('button', { name: 'Decline', exact: true }).click();
  await farEnd.waitForEvent('CALL_CLOSED');
  expect(farEnd.events().some((e) => e.type === 'CALL_ESTABLISHED'), 'the declined call was never established').toBe(false);
  await expect(page.getByRole('button', { name: 'Answer', exact: true })).toHaveCount(0);
});

test('the caller hangs up before the answer: the call shows "Ended"', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await farEnd.dial(`sip:${AGENT.user}@127.0.0.1:${testbed.kamailio.port}`);
  const call = callGroup(page, new RegExp(NUMBERS.baresip));
  await expect(call).toContainText('Ringing');
  await farEnd.hangup();
  await expect(call).toContainText('Ended');
  await expect(page.getByRole('button', { name: 'Answer', exact: true })).toHaveCount(0);
});
