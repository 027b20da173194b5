// Inbound call: baresip calls the agent's AOR through Kamailio; the agent answers in the UI;
// audio both ways by frequency; the far end hangs up and the UI shows "Ended".
import { analyzeWav, expectTone } from './peers/audio';
import { AGENT, callGroup, expect, NUMBERS, test } from './fixtures';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { FAKE_MIC_HZ, FAR_END_HZ } from './support/fake-mic';

test('answer an incoming call, talk both ways, far end hangs up', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);

  // By IP: baresip cannot resolve testbed.local; Kamailio finds the agent by user (usrloc).
  await farEnd.dial(`sip:${AGENT.user}@127.0.0.1:${testbed.kamailio.port}`);
  const call = callGroup(page, new RegExp(NUMBERS.baresip));
  await expect(call).toContainText('Ringing');
  await page.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(call).toContainText('Connected');
  await farEnd.waitForEvent('CALL_ESTABLISHED');

  await expectPageHears(page, FAR_END_HZ);

  await farEnd.hangup();
  await expect(call).toContainText('Ended');
  await farEnd.waitForEvent('CALL_CLOSED');
  expectTone(analyzeWav(farEnd.lastHeard(), { skipSeconds: 0.5 }), FAKE_MIC_HZ, 'far end (baresip) recording of the agent');
});
