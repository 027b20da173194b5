// Hold and resume through the UI. baresip's recording stops at the first hold re-INVITE, so
// the agent's audio after "Resume" is checked on the wire: a pcap of the RTP the app's SIP leg
// sends to baresip, decoded and measured.
import { analyzeSamples, expectTone } from './peers/audio';
import { capture, readRtp, rtpToPcm, type RtpPacket } from './peers/pcap';
import { callGroup, expect, NUMBERS, test } from './fixtures';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { FAKE_MIC_HZ, FAR_END_HZ } from './support/fake-mic';

test('hold and resume: "On hold", then audio flows both ways again', async ({ openApp, testbed }) => {
  const farEnd = await testbed.baresip();
  const { page, app } = await openApp();
  const media = app.profile.media as { rtpPortMin: number; rtpPortMax: number };
  const fromApp = (p: RtpPacket): boolean => p.srcPort >= media.rtpPortMin && p.srcPort <= media.rtpPortMax && p.payloadType === 0;
  const pcap = await capture('lo', `udp and src portrange ${media.rtpPortMin}-${media.rtpPortMax}`);
  try {
    await expect(registrationStatus(page)).toHaveText(REGISTERED);
    await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.baresip);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    const call = callGroup(page, new RegExp(NUMBERS.baresip));
    await expect(call).toContainText('Connected');

    await page.getByRole('button', { name: 'Hold', exact: true }).click();
    await expect(call).toContainText('On hold');
    await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeVisible();

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(call).toContainText('Connected');
    const resumedAt = Date.now() / 1000;

    // The agent hears the far end again...
    await expectPageHears(page, FAR_END_HZ);
    // ...and the far end gets the agent's microphone again (1.5 s of RTP after the resume).
    await expect
      .poll(() => readRtp(pcap.path, { after: resumedAt }).filter(fromApp).length, { message: 'RTP packets from the app to the far end after Resume' })
      .toBeGreaterThan(75);
    const afterResume = readRtp(pcap.path, { after: resumedAt }).filter(fromApp);
    expectTone(analyzeSamples(rtpToPcm(afterResume, 0), { skipSeconds: 0.3 }), FAKE_MIC_HZ, 'agent audio on the wire after Resume');

    await page.getByRole('button', { name: 'Hang up', exact: true }).click();
    await farEnd.waitForEvent('CALL_CLOSED');
    await expect(call).toContainText('Ended');
  } finally {
    await pcap.dispose();
  }
});
