// An inbound call rings on the Ringer device chosen in Settings: the window title and the call
// group show the caller, the ring tone plays on that device, and "Decline" stops it (the
// caller, a SIPp UAC, gets 603 Decline).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT, callGroup } from './fixtures';
import { startSipp } from './peers/sipp';
import { REGISTERED, registrationStatus } from './support/checks';
import { agentProfile, expect, isRingTone, playedMedia, test } from './support/desktop-app';

const DECLINED_UAC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'desktop-uac-declined.xml');
const CALLER = '5550123';
const CALLER_NAME = 'Customer Line';

test('an incoming call rings on the chosen ringer device until Decline', async ({ desktopApp, testbed }) => {
  const { page } = await desktopApp(agentProfile(testbed));
  await expect(registrationStatus(page)).toHaveText(REGISTERED);

  // Ring on a specific output, not the system default.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const ringer = page.getByRole('combobox', { name: 'Ringer', exact: true });
  await expect.poll(async () => ringer.locator('option').count(), { message: 'output devices listed' }).toBeGreaterThan(1);
  const ringerId = await ringer.locator('option').last().getAttribute('value');
  expect(ringerId).toBeTruthy();
  await ringer.selectOption(ringerId!);
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await expect(page).toHaveTitle('Agent Softphone');

  const caller = await startSipp(DECLINED_UAC, {
    remote: `${testbed.kamailio.host}:${testbed.kamailio.port}`,
    service: AGENT.user,
    caller: CALLER,
    callerName: CALLER_NAME,
    timeoutMs: 30_000,
  });
  try {
    const call = callGroup(page, CALLER_NAME);
    await expect(call).toContainText('Ringing');
    await expect(page).toHaveTitle(`Incoming call: ${CALLER_NAME} — Agent Softphone`);

    // The ring tone element plays (time advances) and is routed to the chosen ringer.
    await expect
      .poll(async () => (await playedMedia(page)).filter((m) => isRingTone(m) && !m.paused && m.currentTime > 0).length, { message: 'ring tone playing' })
      .toBe(1);
    const sinkIds = await page.evaluate(() =>
      (window.__desktopTestMedia ?? []).filter((el) => /\/ring[^/]*\.wav/.test(el.src)).map((el) => (el as HTMLMediaElement & { sinkId?: string }).sinkId),
    );
    expect(sinkIds, 'ring tone output device').toEqual([ringerId]);

    await call.getByRole('button', { name: 'Decline', exact: true }).click();
    await expect
      .poll(async () => (await playedMedia(page)).filter((m) => isRingTone(m) && !m.paused).length, { message: 'ring tone stopped' })
      .toBe(0);
    await expect(page).toHaveTitle('Agent Softphone');
    await expect(page.getByRole('button', { name: 'Answer', exact: true })).toHaveCount(0);
    const result = await caller.done;
    expect(result.code, `the caller got 180 then 603 Decline\n${result.output}`).toBe(0);
  } finally {
    await caller.stop();
  }
});
