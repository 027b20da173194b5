// Blind transfer from the UI: the far end receives a REFER naming the new number, accepts it,
// and the agent's leg ends ("Ended", transferred) with a BYE to the far end.
import { callGroup, expect, NUMBERS, test } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';

const TRANSFER_TO = '4000';

test('Transfer sends the caller to another number and ends the agent\'s leg', async ({ openApp, testbed }) => {
  // The "busy" slot is only a number Kamailio routes to this SIPp; the scenario answers.
  const farEnd = await testbed.sipp('uas-refer', 'busy', { keys: { refer_target: `sip:${TRANSFER_TO}@` } });
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);

  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.busy);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const call = callGroup(page, new RegExp(NUMBERS.busy));
  await expect(call).toContainText('Connected');

  await call.getByRole('button', { name: 'Transfer', exact: true }).click();
  await call.getByRole('textbox', { name: 'Transfer to' }).fill(TRANSFER_TO);
  await call.getByRole('button', { name: 'Send', exact: true }).click();

  await expect(call).toContainText('Ended');
  await expect(call).toContainText(new RegExp(`Transferred to ${TRANSFER_TO}`));
  // SIPp exits 0 only if the REFER named the target, got 202 and the BYE followed.
  const result = await farEnd.done;
  expect(result.code, result.output).toBe(0);
});
