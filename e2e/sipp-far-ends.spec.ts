// Scripted far ends (SIPp) against the app through the UI: an inbound call from a SIPp UAC
// offering PCMU + telephone-event, and malformed SIP sent straight at the app's SIP port, after
// which the app must still be registered and able to call.
import { AGENT, callGroup, expect, test } from './fixtures';
import { startSipp } from './peers/sipp';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { FAR_END_HZ } from './support/fake-mic';

test('inbound call from a SIPp UAC: answer, hear its tone, hang up; SIPp sees the BYE', async ({ openApp, testbed }) => {
  const { page } = await openApp();
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  const caller = await startSipp('uac-remote-bye', {
    remote: `127.0.0.1:${testbed.kamailio.port}`,
    service: AGENT.user,
    caller: '4000',
    callerName: 'SIPp Caller',
    toneHz: FAR_END_HZ,
    timeoutMs: 40_000,
  });
  try {
    const call = callGroup(page, /4000|SIPp Caller/);
    await expect(call).toContainText('Ringing');
    await page.getByRole('button', { name: 'Answer', exact: true }).click();
    await expect(call).toContainText('Connected');
    await expectPageHears(page, FAR_END_HZ);
    await page.getByRole('button', { name: 'Hang up', exact: true }).click();
    await expect(call).toContainText('Ended');
    const result = await caller.done;
    expect(result.code, `SIPp caller got the BYE and answered it\n${result.output}`).toBe(0);
  } finally {
    await caller.stop();
  }
});

test('malformed SIP from the proxy does not break the app: it still answers and stays registered', async ({ openApp }) => {
  // The app only accepts SIP from its outbound proxy, so SIPp plays the proxy/registrar here.
  const proxy = await startSipp('registrar-malformed', { service: AGENT.user, timeoutMs: 30_000 });
  try {
    const { page } = await openApp({ outboundProxy: `sip:127.0.0.1:${proxy.localPort};transport=udp` });
    await expect(registrationStatus(page)).toHaveText(REGISTERED);
    const result = await proxy.done;
    expect(result.code, `the app answered an OPTIONS after the malformed messages\n${result.output}`).toBe(0);
    await expect(registrationStatus(page)).toHaveText(REGISTERED);
    await expect(page.getByRole('textbox', { name: 'Number', exact: true })).toBeEnabled();
  } finally {
    await proxy.stop();
  }
});
