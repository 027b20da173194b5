// In-call controls checked on the wire (pcap of the RTP the app sends to the far end):
// Mute sends silence and Unmute brings the agent's 1 kHz back; the keypad sends RFC 4733
// telephone-events.
import { analyzeSamples, expectTone } from './peers/audio';
import { capture, readRtp, rtpToPcm, type Capture, type RtpPacket } from './peers/pcap';
import { callGroup, expect, NUMBERS, test, type AppUnderTest } from './fixtures';
import { REGISTERED, registrationStatus } from './support/checks';
import { FAKE_MIC_HZ } from './support/fake-mic';
import type { Page } from '@playwright/test';

async function connectedCallWithCapture(openApp: () => Promise<AppUnderTest>): Promise<{ page: Page; pcap: Capture; fromApp: (p: RtpPacket) => boolean }> {
  const { page, app } = await openApp();
  const media = app.profile.media as { rtpPortMin: number; rtpPortMax: number };
  const pcap = await capture('lo', `udp and src portrange ${media.rtpPortMin}-${media.rtpPortMax}`);
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await page.getByRole('textbox', { name: 'Number', exact: true }).fill(NUMBERS.baresip);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(callGroup(page, new RegExp(NUMBERS.baresip))).toContainText('Connected');
  const fromApp = (p: RtpPacket): boolean => p.srcPort >= media.rtpPortMin && p.srcPort <= media.rtpPortMax;
  return { page, pcap, fromApp };
}

/** Waits until at least `count` RTP audio packets (PCMU) were sent after `since`, returns them. */
async function audioSentSince(pcap: Capture, fromApp: (p: RtpPacket) => boolean, since: number, count: number): Promise<RtpPacket[]> {
  const read = (): RtpPacket[] => readRtp(pcap.path, { after: since, payloadType: 0 }).filter(fromApp);
  await expect.poll(() => read().length, { message: `PCMU packets from the app after ${since}` }).toBeGreaterThanOrEqual(count);
  return read().slice(0, count);
}

test('Mute sends silence to the far end, Unmute brings the agent back', async ({ openApp, testbed }) => {
  await testbed.baresip();
  const { page, pcap, fromApp } = await connectedCallWithCapture(openApp);
  try {
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Unmute', exact: true })).toBeVisible();
    const mutedAt = Date.now() / 1000;
    const muted = analyzeSamples(rtpToPcm(await audioSentSince(pcap, fromApp, mutedAt + 0.2, 50), 0));
    expect(muted.rms, `muted audio on the wire should be silence (RMS ${muted.rms.toFixed(4)}, ${muted.dominantHz.toFixed(0)} Hz)`).toBeLessThan(0.01);

    await page.getByRole('button', { name: 'Unmute', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Mute', exact: true })).toBeVisible();
    const unmutedAt = Date.now() / 1000;
    expectTone(analyzeSamples(rtpToPcm(await audioSentSince(pcap, fromApp, unmutedAt + 0.2, 50), 0)), FAKE_MIC_HZ, 'agent audio on the wire after Unmute');
    await page.getByRole('button', { name: 'Hang up', exact: true }).click();
  } finally {
    await pcap.dispose();
  }
});

test('Keypad digits go to the far end as RFC 4733 telephone-events', async ({ openApp, testbed }) => {
  await testbed.baresip();
  const { page, pcap, fromApp } = await connectedCallWithCapture(openApp);
  try {
    await page.getByRole('button', { name: 'Keypad', exact: true }).click();
    await page.getByRole('button', { name: '5', exact: true }).click();
    await page.getByRole('button', { name: '#', exact: true }).click();
    // telephone-event payload: event code, E/R/volume, duration (RFC 4733 §2.3). # is event 11.
    const events = (): number[] =>
      readRtp(pcap.path)
        .filter((p) => fromApp(p) && p.payloadType !== 0 && p.payloadType !== 8 && p.payload.length === 4)
        .map((p) => p.payload[0]!);
    await expect.poll(() => [...new Set(events())], { message: 'telephone-event codes sent by the app' }).toEqual([5, 11]);
    await page.getByRole('button', { name: 'Hang up', exact: true }).click();
  } finally {
    await pcap.dispose();
  }
});
