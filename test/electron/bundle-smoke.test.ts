// The bundled shell (esbuild output as scripts/build.mjs makes it) started in plain Node with a
// fake `electron` module: main.cjs must load, open the window on app://, fork core-host.cjs,
// and the REAL core must start in that child process and report its state to the tray; quit
// must dispose the core and exit 0. Catches bundling mistakes the TS-level tests cannot.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
let outDir = '';
let userData = '';

beforeAll(async () => {
  const { build } = await import('esbuild');
  // Inside the repo so the externals (sip.js, werift, zod, electron-updater) resolve from node_modules.
  outDir = mkdtempSync(join(root, 'node_modules', '.cache-electron-smoke-'));
  userData = mkdtempSync(join(tmpdir(), 'electron-smoke-'));
  const common = { bundle: true, platform: 'node' as const, target: 'node20', logLevel: 'silent' as const, absWorkingDir: root, format: 'cjs' as const, external: ['electron'] };
  await build({ ...common, entryPoints: ['src-main/electron/main.ts'], outfile: join(outDir, 'main.cjs'), packages: 'external' });
  await build({ ...common, entryPoints: ['src-main/electron/core-host.ts'], outfile: join(outDir, 'core-host.cjs'), packages: 'external' });
  await build({ ...common, entryPoints: ['src-main/electron/preload.ts'], outfile: join(outDir, 'preload.cjs') });
}, 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  if (userData) rmSync(userData, { recursive: true, force: true });
});

interface Report {
  kind: string;
  [k: string]: unknown;
}

describe('bundled Electron shell in plain Node', () => {
  it('starts, runs the real core in a child process, shows its state, and quits cleanly', async () => {
    const child = spawn(process.execPath, ['-r', join(__dirname, 'fixtures', 'fake-electron.cjs'), join(outDir, 'main.cjs')], {
      cwd: root,
      env: { ...process.env, SOFTPHONE_USER_DATA: userData, FAKE_ELECTRON_APP_PATH: root, SOFTPHONE_LOG_STDERR: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const reports: Report[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let buffer = '';
    const waiters: Array<{ test: (r: Report) => boolean; resolve: (r: Report) => void }> = [];
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('FAKE-ELECTRON ')) continue;
        const r = JSON.parse(line.slice('FAKE-ELECTRON '.length)) as Report;
        reports.push(r);
        for (const w of waiters.filter((x) => x.test(r))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const next = (test: (r: Report) => boolean): Promise<Report> =>
      new Promise((resolve, reject) => {
        const found = reports.find(test);
        if (found) return resolve(found);
        waiters.push({ test, resolve });
        void exited.then((code) => reject(new Error(`app exited (${code}) before the expected report; stderr:\n${stderr}`)));
      });

    try {
      await next((r) => r.kind === 'fork' && r.module === 'core-host.cjs');
      // The real core is up (no profile: not configured, so unregistered) and the tray shows it.
      const tooltip = await next((r) => r.kind === 'tray-tooltip');
      expect(tooltip.tooltip).toMatch(/^Agent Softphone — (Unregistered|Registration failed)/);
      const load = await next((r) => r.kind === 'load');
      expect(load.url).toBe('app://softphone/index.html');
      const win = reports.find((r) => r.kind === 'window')!;
      expect(win.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(String((win.webPreferences as { preload: string }).preload)).toBe(join(outDir, 'preload.cjs'));
      expect(reports.filter((r) => r.kind === 'hotkey').map((r) => r.accelerator)).toEqual([
        'CommandOrControl+Shift+A',
        'CommandOrControl+Shift+H',
        'CommandOrControl+Shift+M',
      ]);
      child.stdin.write('quit\n');
      expect(await exited).toBe(0);
      expect(reports.at(-1)).toEqual({ kind: 'exit', code: 0 });
    } finally {
      child.kill();
    }
  }, 60_000);
});
