// Local 3-way conference through the UI, checked on the wire: the agent calls A (baresip 2000,
// plays 440 Hz), puts A on hold, calls B (SIPp on 3000, streams 1400 Hz), presses Conference.
// Then the RTP the app sends to A must carry B's tone and the agent's 1 kHz, and the RTP to B
// must carry A's 440 Hz and the agent's 1 kHz. When B hangs up, A is a normal call again.
import { analyzeSamples, expectTone, expectTonePresent } from './peers/audio';
import { capture, readRtp, rtpToPcm, type RtpPacket } from './peers/pcap';
import { callGroup, expect, NUMBERS, test } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';
import { FAKE_MIC_HZ, FAR_END_HZ } from './support/fake-mic';

const B_HZ = 1400;

test('Conference: A and B hear each other and the agent; when B leaves A is a normal call', async ({ openApp, testbed }) => {
  const farA = await testbed.baresip();
  const farB = await testbed.sipp('uas-answer', 'busy', { toneHz: B_HZ });
  const { page, app } = await openApp();
  const media = app.profile.media as { rtpPortMin: number; rtpPortMax: number };
  const fromApp = (p: RtpPacket): boolean => p.srcPort >= media.rtpPortMin && p.srcPort <= media.rtpPortMax && p.payloadType === 0;
  const pcap = await capture('lo', `udp and src portrange ${media.rtpPortMin}-${media.rtpPortMax}`);
  try {
    await expect(registrationStatus(page)).toHaveText(REGISTERED);
    const callA = callGroup(page, new RegExp(NUMBERS.baresip));
    const callB = callGroup(page, new RegExp(NUMBERS.busy));

    await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.baresip);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(callA).toContainText('Connected');
    // One call: nothing to conference with yet.
    await expect(callA.getByRole('button', { name: 'Conference', exact: true })).toBeDisabled();
    await expect.poll(() => readRtp(pcap.path).filter(fromApp).length, { message: 'RTP from the app to A' }).toBeGreaterThan(10);
    const portA = readRtp(pcap.path).filter(fromApp).at(-1)!.dstPort;

    await callA.getByRole('button', { name: 'Hold', exact: true }).click();
    await expect(callA).toContainText('On hold');

    await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.busy);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expect(callB).toContainText('Connected');

    await callB.getByRole('button', { name: 'Conference', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Conference' })).toBeVisible();
    await expect(callA).toContainText('Connected');
    await expect(callA).toContainText('In conference');
    await expect(callB).toContainText('In conference');
    const conferencedAt = Date.now() / 1000;

    // 2 s of RTP each way after the conference started (the first 0.3 s skipped: resume re-INVITE, jitter).
    const sent = (toA: boolean): RtpPacket[] => readRtp(pcap.path, { after: conferencedAt }).filter((p) => fromApp(p) && (p.dstPort === portA) === toA);
    await expect.poll(() => Math.min(sent(true).length, sent(false).length), { message: 'RTP from the app to A and to B after Conference' }).toBeGreaterThan(100);
    const toA = rtpToPcm(sent(true), 0);
    const toB = rtpToPcm(sent(false), 0);
    const options = { skipSeconds: 0.3 };
    expectTonePresent(toA, FAKE_MIC_HZ, 'agent (1 kHz) in the RTP to A', options);
    expectTonePresent(toA, B_HZ, `B (${B_HZ} Hz) in the RTP to A`, options);
    expectTonePresent(toB, FAKE_MIC_HZ, 'agent (1 kHz) in the RTP to B', options);
    expectTonePresent(toB, FAR_END_HZ, `A (${FAR_END_HZ} Hz) in the RTP to B`, options);

    // B leaves (the agent's Hang up on B's call): A stays connected and gets only the agent again.
    await callB.getByRole('button', { name: 'Hang up', exact: true }).click();
    await expect(callB).toContainText('Ended');
    await farB.done;
    await expect(callA).toContainText('Connected');
    await expect(callA).not.toContainText('In conference');
    const leftAt = Date.now() / 1000;
    const afterLeave = (): RtpPacket[] => readRtp(pcap.path, { after: leftAt }).filter((p) => fromApp(p) && p.dstPort === portA);
    await expect.poll(() => afterLeave().length, { message: 'RTP from the app to A after B left' }).toBeGreaterThan(75);
    const plain = rtpToPcm(afterLeave(), 0);
    expectTone(analyzeSamples(plain, options), FAKE_MIC_HZ, 'agent audio to A after B left');
    expect(() => expectTonePresent(plain, B_HZ, 'B after leaving', options), 'B is no longer mixed into A').toThrow();

    await callA.getByRole('button', { name: 'Hang up', exact: true }).click();
    await farA.waitForEvent('CALL_CLOSED');
    await expect(callA).toContainText('Ended');
  } finally {
    await pcap.dispose();
  }
});
