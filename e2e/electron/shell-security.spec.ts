// The Electron window as the security checklist wants it, observed from inside the running app.
import { expect, test } from '@playwright/test';
import { commandSchemas } from '../../shared/protocol';
import { electronBinaryAvailable, ELECTRON_SKIP_REASON, hasDisplay, launchShell, NO_DISPLAY_REASON, type LaunchedShell } from './electron-app';

test.skip(!electronBinaryAvailable, ELECTRON_SKIP_REASON);
test.skip(!hasDisplay, NO_DISPLAY_REASON);

let shell: LaunchedShell;
test.beforeEach(async () => {
  shell = await launchShell();
});
test.afterEach(async () => {
  await shell?.close();
});

test('the page gets the bridge (one function per command) and nothing of Node or Electron', async () => {
  const { window } = shell;
  await expect(window).toHaveURL('app://softphone/index.html');
  const exposed = await window.evaluate(() => {
    const w = window as unknown as { softphoneBridge?: { invoke: Record<string, unknown>; onEvent: unknown }; require?: unknown; process?: unknown };
    return {
      invoke: Object.keys(w.softphoneBridge?.invoke ?? {}).sort(),
      allFunctions: Object.values(w.softphoneBridge?.invoke ?? {}).every((f) => typeof f === 'function'),
      onEvent: typeof w.softphoneBridge?.onEvent,
      require: typeof w.require,
      process: typeof w.process,
    };
  });
  expect(exposed).toEqual({ invoke: Object.keys(commandSchemas).sort(), allFunctions: true, onEvent: 'function', require: 'undefined', process: 'undefined' });
});

test('sandboxed, isolated bridge; window.open and navigation are refused', async () => {
  // The renderer runs in an OS-level sandbox (Electron reports it per process).
  const sandboxed = await shell.app.evaluate(({ app, BrowserWindow }) => {
    const pid = BrowserWindow.getAllWindows()[0]!.webContents.getOSProcessId();
    return app.getAppMetrics().find((m) => m.pid === pid)?.sandboxed;
  });
  expect(sandboxed).toBe(true);
  // Context isolation: the page's copy of the bridge cannot be swapped to intercept calls.
  const tampered = await shell.window.evaluate(() => {
    const b = (window as unknown as { softphoneBridge: { invoke: Record<string, unknown> } }).softphoneBridge;
    try {
      b.invoke['call.dial'] = () => 'hijacked';
    } catch {
      // frozen: assignment throws in strict mode
    }
    return typeof b.invoke['call.dial'] === 'function' && String(b.invoke['call.dial']).includes('hijacked');
  });
  expect(tampered).toBe(false);
  expect(await shell.window.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  await shell.window.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await expect(shell.window).toHaveURL('app://softphone/index.html');
  expect(shell.app.windows()).toHaveLength(1);
});

test('the microphone is granted, the camera is not', async () => {
  const result = await shell.window.evaluate(async () => {
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
      (s) => (s.getTracks().forEach((t) => t.stop()), 'granted'),
      (e: Error) => e.name,
    );
    const cam = await navigator.mediaDevices.getUserMedia({ video: true }).then(
      (s) => (s.getTracks().forEach((t) => t.stop()), 'granted'),
      (e: Error) => e.name,
    );
    return { mic, cam };
  });
  expect(result).toEqual({ mic: 'granted', cam: 'NotAllowedError' });
});

test('a page script cannot reach IPC channels it was not given (no ipcRenderer in the page)', async () => {
  const leaked = await shell.window.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return ['ipcRenderer', 'electron', 'module', 'Buffer'].filter((k) => k in w);
  });
  expect(leaked).toEqual([]);
});
