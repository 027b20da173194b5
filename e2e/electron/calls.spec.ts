// The Electron shell against the real SIP testbed: registration shows in the UI, a tel: link
// given to a second instance dials in the running one, "Save diagnostics" writes an archive.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { AGENT, callGroup, expect, NUMBERS, test } from '../fixtures';
import { testProfile } from '../support/app';
import { chromiumTestSwitches, electronBinaryAvailable, electronExecutable, ELECTRON_MAIN, ELECTRON_SKIP_REASON, hasDisplay, launchShell, NO_DISPLAY_REASON } from './electron-app';

test.skip(!electronBinaryAvailable, ELECTRON_SKIP_REASON);
test.skip(!hasDisplay, NO_DISPLAY_REASON);

test('registers and shows it; a tel: link to a second instance dials in the running app', async ({ testbed }) => {
  const sipp = await testbed.sipp('uas-486', 'busy');
  const shell = await launchShell({
    profile: testProfile({ user: AGENT.user, password: AGENT.password, domain: AGENT.domain, outboundProxy: testbed.kamailio.udpUri }),
  });
  try {
    await expect(shell.window.getByRole('status')).toHaveText(/Registered/);
    // What the OS does for a tel: link: start the app again with the link; the lock hands it over.
    const second = spawn(electronExecutable!, [ELECTRON_MAIN, ...chromiumTestSwitches(), `tel:${NUMBERS.busy}`], {
      env: { ...process.env, SOFTPHONE_USER_DATA: shell.userData },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => second.once('exit', resolve));
    await expect(callGroup(shell.window, new RegExp(NUMBERS.busy))).toBeVisible();
    await expect(callGroup(shell.window, new RegExp(NUMBERS.busy))).toContainText(/Busy|Ended/);
    await exited;
    expect(sipp.messages()).toMatch(/INVITE sip:3000@/);
  } finally {
    await shell.close();
  }
});

test('Save diagnostics writes one archive in the app data folder', async ({ testbed }) => {
  const shell = await launchShell({
    profile: testProfile({ user: AGENT.user, password: AGENT.password, domain: AGENT.domain, outboundProxy: testbed.kamailio.udpUri }),
  });
  try {
    await expect(shell.window.getByRole('status')).toHaveText(/Registered/);
    const result = await shell.window.evaluate(
      () =>
        new Promise<{ ok: boolean; data?: unknown; error?: string }>((resolve) => {
          const bridge = (window as unknown as { softphoneBridge: { invoke: Record<string, (c: { id: number; payload: unknown }) => void>; onEvent(cb: (e: { type: string; payload: { id?: number } }) => void): () => void } }).softphoneBridge;
          const off = bridge.onEvent((e) => {
            if (e.type === 'result' && e.payload.id === 424242) {
              off();
              resolve(e.payload as { ok: boolean; data?: unknown; error?: string });
            }
          });
          bridge.invoke['diagnostics.save']({ id: 424242, payload: {} });
        }),
    );
    expect(result.ok).toBe(true);
    const file = (result.data as { path: string }).path;
    expect(existsSync(file)).toBe(true);
    expect(path.dirname(file).startsWith(shell.userData)).toBe(true);
    expect(readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tar.gz'))).toHaveLength(1);
  } finally {
    await shell.close();
  }
});
