// A tel: link on the browser shell's command line is dialled once the account registered
// (what happens when the OS hands the app a link from a CRM page).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioPeer } from '../../e2e/peers/kamailio';
import { findFreePorts } from '../../e2e/peers/ports';
import { startSipp, type SippPeer } from '../../e2e/peers/sipp';
import { missingToolsReason } from '../../e2e/peers/tools';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'dist', 'browser-shell', 'main.mjs');
const missing = missingToolsReason(['kamailio', 'sipp']) || (existsSync(entry) ? '' : 'dist/browser-shell/main.mjs not built');

describe.skipIf(Boolean(missing))(`browser shell with a dial link ${missing}`, () => {
  let kamailio: KamailioPeer | undefined;
  let sipp: SippPeer | undefined;
  const stops: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('dials tel:3000 after registering; the far end gets the INVITE', async () => {
    const [farEndPort] = await findFreePorts(1);
    sipp = await startSipp('uas-486', { localPort: farEndPort!, service: '3000' });
    stops.push(() => sipp!.stop());
    kamailio = await startKamailio({ users: [{ user: '1001', password: 'secret1001' }], routes: { '3000': `sip:3000@127.0.0.1:${farEndPort}` } });
    stops.push(() => kamailio!.stop());

    const dir = mkdtempSync(join(tmpdir(), 'shell-link-test-'));
    const profile = join(dir, 'profile.json');
    const base = 20000 + 2 * Math.floor(Math.random() * 4500);
    writeFileSync(
      profile,
      JSON.stringify({
        sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: kamailio.udpUri, localAddress: '127.0.0.1' },
        media: { rtpPortMin: base, rtpPortMax: base + 99 },
      }),
    );
    const child = spawn(process.execPath, [entry, '--no-open', '--port', '0', '--profile', profile, 'tel:3000'], {
      cwd: root,
      env: { ...process.env, SOFTPHONE_DATA_DIR: join(dir, 'data'), SOFTPHONE_PROVISIONING_PATHS: '' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    stops.push(async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    });

    await kamailio.waitForLog(/REQ REGISTER /, 15_000);
    const invite = await kamailio.waitForLog(/REQ INVITE sip:3000@/, 15_000);
    expect(invite).toMatch(/from 127\.0\.0\.1/);
    const result = await sipp.done;
    expect(sipp.messages()).toMatch(/INVITE sip:3000@/);
    expect(result).toBeDefined();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
