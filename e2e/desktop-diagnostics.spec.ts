// "Save diagnostics" in the browser shell: one archive, at the place the UI names, that a support
// engineer can open with tar: logs and the last SIP messages inside, no password and no
// Authorization digest anywhere in it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AGENT } from './fixtures';
import { makeTempDir, removeDir } from './peers/tmp';
import { REGISTERED, registrationStatus } from './support/checks';
import { agentProfile, expect, filesUnder, test } from './support/desktop-app';

test('Save diagnostics writes one archive with logs and SIP messages and no credentials', async ({ desktopApp, testbed }) => {
  const { page, app } = await desktopApp(agentProfile(testbed));
  await expect(registrationStatus(page)).toHaveText(REGISTERED);
  // The REGISTER that carried the digest answer has been sent (Kamailio challenges first).
  await testbed.kamailio.waitForLog(/REQ REGISTER .* from 127\.0\.0\.1/);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('button', { name: 'Save diagnostics', exact: true }).click();
  const result = page.getByText(/^Diagnostics saved to /);
  await expect(result).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  const archive = (await result.textContent())!.replace(/^Diagnostics saved to /, '').trim();

  expect(path.isAbsolute(archive), `the UI names a full path (${archive})`).toBe(true);
  expect(archive.startsWith(app.dataDir + path.sep), 'the archive is in the app data dir').toBe(true);
  expect(archive).toMatch(/\.tar\.gz$/);
  const written = fs.readdirSync(path.dirname(archive));
  expect(written, 'exactly one archive, no partial file left').toEqual([path.basename(archive)]);

  const dir = makeTempDir('diagnostics');
  try {
    execFileSync('tar', ['-xzf', archive, '-C', dir], { timeout: 20_000 });
    const files = filesUnder(dir);
    const rel = files.map((f) => path.relative(dir, f));
    const read = (re: RegExp) => fs.readFileSync(files[rel.findIndex((r) => re.test(r))]!, 'utf8');

    const logs = rel.filter((r) => /\/logs\/[^/]+$/.test(r));
    expect(logs.length, `log files in the archive (${rel.join(', ')})`).toBeGreaterThan(0);
    expect(logs.map((r) => fs.readFileSync(path.join(dir, r), 'utf8')).join('\n')).toMatch(/UI at http:\/\/127\.0\.0\.1/);

    expect(rel.some((r) => /\/sip\/last-messages\.txt$/.test(r)), `SIP messages in the archive (${rel.join(', ')})`).toBe(true);
    const sip = read(/\/sip\/last-messages\.txt$/);
    expect(sip).toMatch(/^REGISTER sip:/m);
    expect(sip).toMatch(/^SIP\/2\.0 401 /m);
    expect(sip).toMatch(/^SIP\/2\.0 200 /m);
    // The REGISTER that answered the challenge is there, its credentials are not.
    expect(sip).toMatch(/^Authorization:/im);

    for (const [i, f] of files.entries()) {
      const text = fs.readFileSync(f, 'utf8');
      expect(text, `${rel[i]} holds the password`).not.toContain(AGENT.password);
      expect(text, `${rel[i]} holds an Authorization digest`).not.toMatch(/Authorization:\s*Digest/i);
      expect(text, `${rel[i]} holds a digest response`).not.toMatch(/response="?[0-9a-f]{32}/i);
    }
  } finally {
    removeDir(dir);
  }
});
