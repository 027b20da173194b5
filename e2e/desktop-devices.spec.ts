// Audio devices in Settings with Chromium's fake devices: the three device lists, a choice
// remembered by name across a reload, the microphone level meter with the fake 1 kHz mic, the
// speaker test tone, and the echo test that loops the agent's audio through the embedded
// gateway (no PBX involved) until it is switched off.
import type { Page } from '@playwright/test';
import { expectPageHears, REGISTERED, registrationStatus } from './support/checks';
import { agentProfile, expect, playedMedia, test } from './support/desktop-app';
import { FAKE_MIC_HZ } from './support/fake-mic';
import { inboundAudioStats } from './support/page-audio';

async function openSettings(page: Page): Promise<void> {
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
}

/** Labels of a device combobox's options other than "System default". */
async function deviceNames(page: Page, name: string): Promise<string[]> {
  const texts = await page.getByRole('combobox', { name, exact: true }).locator('option').allTextContents();
  return texts.map((t) => t.trim()).filter((t) => t !== 'System default');
}

test('device lists, a choice remembered by name across a reload, the level meter and the test tone', async ({ desktopApp, testbed }) => {
  const { page } = await desktopApp(agentProfile(testbed));
  await openSettings(page);

  const microphone = page.getByRole('combobox', { name: 'Microphone', exact: true });
  const speaker = page.getByRole('combobox', { name: 'Speaker', exact: true });
  const ringer = page.getByRole('combobox', { name: 'Ringer', exact: true });
  // Labels appear once microphone permission is granted (the fake UI grants it).
  await expect.poll(() => deviceNames(page, 'Microphone'), { message: 'fake microphones listed by name' }).toContainEqual(expect.stringMatching(/^Fake/));
  await expect.poll(() => deviceNames(page, 'Speaker'), { message: 'outputs listed' }).not.toEqual([]);
  await expect.poll(() => deviceNames(page, 'Ringer'), { message: 'outputs listed for the ringer' }).toEqual(await deviceNames(page, 'Speaker'));

  // Pick the last microphone and output (not the system default) by their labels.
  const mics = await deviceNames(page, 'Microphone');
  const outputs = await deviceNames(page, 'Speaker');
  const micName = mics[mics.length - 1]!;
  const ringerName = outputs[outputs.length - 1]!;
  await microphone.selectOption({ label: micName });
  await ringer.selectOption({ label: ringerName });
  await expect(microphone.locator('option:checked')).toHaveText(micName);

  // A new window (reload) picks the same devices again by name.
  await page.reload();
  await openSettings(page);
  await expect(microphone.locator('option:checked')).toHaveText(micName);
  await expect(ringer.locator('option:checked')).toHaveText(ringerName);
  await expect(speaker.locator('option:checked')).toHaveText('System default');

  // The fake microphone plays a 1 kHz tone: the meter moves.
  const meter = page.getByRole('meter', { name: 'Microphone level', exact: true });
  await expect
    .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { message: 'microphone level (aria-valuenow)' })
    .toBeGreaterThan(0);

  // Test speaker: the tone plays (some audio was rendered) and no error shows.
  await page.getByRole('button', { name: 'Test speaker', exact: true }).click();
  await expect
    .poll(async () => (await playedMedia(page)).filter((m) => m.playedRanges > 0 || m.currentTime > 0).length, { message: 'test tone played' })
    .toBeGreaterThan(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('echo test: the agent hears their own microphone through the gateway until it is stopped', async ({ desktopApp, testbed }) => {
  const { page } = await desktopApp(agentProfile(testbed));
  await openSettings(page);
  const echo = page.getByRole('button', { name: 'Echo test', exact: true });
  await expect(echo).toHaveAttribute('aria-pressed', 'false');

  await echo.click();
  await expect(echo).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByText(/Echo test running/)).toBeVisible();
  // Audio comes back (inbound RTP with a level) and it is the agent's own 1 kHz microphone.
  await expectPageHears(page, FAKE_MIC_HZ);

  await echo.click();
  await expect(echo).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByText(/Echo test running/)).toHaveCount(0);
  // Stopped: inbound packets stop growing (two successive polls see the same count; at 50
  // packets a second, a running loop would add several between polls).
  let previous = -1;
  await expect
    .poll(
      async () => {
        const now = (await inboundAudioStats(page)).packetsReceived;
        const same = now === previous;
        previous = now;
        return same;
      },
      { message: 'inbound RTP stopped after the echo test ended', intervals: [300] },
    )
    .toBe(true);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
