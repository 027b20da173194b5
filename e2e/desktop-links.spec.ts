// tel: and sip: links given to the browser shell on its command line (how a click-to-call link
// launches the app): once registered the app dials the number, once, and the call shows up.
import { callGroup, NUMBERS } from './fixtures';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { FAR_END_HZ } from './support/fake-mic';
import type { BaresipPeer } from './peers/baresip';
import { agentProfile, expect, test } from './support/desktop-app';

/** Calls the far end (auto-answering baresip) took: one CALL_ESTABLISHED each. */
function callsOffered(farEnd: BaresipPeer): number {
  return farEnd.events().filter((e) => e.type === 'CALL_ESTABLISHED').length;
}

for (const link of [`tel:${NUMBERS.baresip}`, `sip:${NUMBERS.baresip}@testbed.local`]) {
  test(`a ${link.split(':')[0]}: link on the command line dials ${NUMBERS.baresip} once registered`, async ({ desktopApp, testbed }) => {
    const farEnd = await testbed.baresip();
    const { page } = await desktopApp(agentProfile(testbed), { extraArgs: [link] });
    await expect(registrationStatus(page)).toHaveText(REGISTERED);

    const call = callGroup(page, new RegExp(NUMBERS.baresip));
    await expect(call).toContainText('Connected');
    await farEnd.waitForEvent('CALL_ESTABLISHED');
    await expect(callGroup(page, /./)).toHaveCount(1);
    expect(callsOffered(farEnd), `calls the far end got (${farEnd.events().map((e) => e.type).join(', ')})`).toBe(1);
    // The call may be placed before the window is up: its audio still reaches the agent.
    await expectPageHears(page, FAR_END_HZ);

    await page.getByRole('button', { name: 'Hang up', exact: true }).click();
    await farEnd.waitForEvent('CALL_CLOSED');
    await expect(call).toContainText('Ended');
    // Re-registrations or a reload do not dial the link again.
    await page.reload();
    await expect(registrationStatus(page)).toHaveText(REGISTERED);
    await expect(page.getByRole('button', { name: 'Hang up', exact: true })).toHaveCount(0);
    expect(callsOffered(farEnd), 'calls the far end got after a reload').toBe(1);
  });
}
