#!/usr/bin/env node
// `npm test`: everything CI checks, in order, on a fresh Debian 12 machine (as root) or a
// developer's. Every stage runs even after a failure so one run shows all problems; the exit
// code is non-zero if any stage failed. The last line is the summary CI reads:
//   tests: N passed, N failed, N skipped
// (vitest + Playwright test counts; a failed non-test stage such as build counts as one failure).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const isCI = Boolean(process.env.CI);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-test-report-'));
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
const started = Date.now();

/** tool -> Debian package */
const TOOLS = {
  chromium: 'chromium',
  kamailio: 'kamailio',
  'kamailio-tls': 'kamailio-tls-modules',
  baresip: 'baresip-core',
  sipp: 'sip-tester',
  sox: 'sox',
  tcpdump: 'tcpdump',
  gcc: 'gcc',
};

const results = []; // { name, status: 'passed'|'failed'|'skipped', seconds, note }
const counts = { passed: 0, failed: 0, skipped: 0 };

function log(msg) {
  process.stdout.write(`\n=== ${msg}\n`);
}

function has(tool) {
  if (tool === 'chromium') return fs.existsSync('/usr/bin/chromium');
  // Not a command: the module Kamailio loads for SIP over TLS (test/sip TLS tests).
  if (tool === 'kamailio-tls') return ['x86_64-linux-gnu/', 'aarch64-linux-gnu/', ''].some((d) => fs.existsSync(`/usr/lib/${d}kamailio/modules/tls.so`));
  const r = spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs a command with inherited output, bounded by timeoutMs (kills its process group). */
function run(cmd, args, { timeoutMs = 10 * 60_000, extraEnv = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv }, detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.stdout.write(`\n!!! ${cmd} ${args.join(' ')} exceeded ${Math.round(timeoutMs / 1000)} s: stopping it\n`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5000).unref();
    }, timeoutMs);
    child.on('error', (err) => {
      process.stdout.write(`!!! could not run ${cmd}: ${err.message}\n`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

async function stage(name, fn) {
  log(name);
  const t0 = Date.now();
  let status = 'failed';
  let note = '';
  try {
    const r = await fn();
    status = r?.status ?? 'passed';
    note = r?.note ?? '';
  } catch (err) {
    note = err instanceof Error ? err.message : String(err);
  }
  const seconds = (Date.now() - t0) / 1000;
  results.push({ name, status, seconds, note });
  process.stdout.write(`=== ${name}: ${status.toUpperCase()} in ${seconds.toFixed(1)} s${note ? ` (${note})` : ''}\n`);
  return status;
}

const npmRun = (script, timeoutMs) => async () => {
  const { code } = await run('npm', ['run', '--silent', script], { timeoutMs });
  if (code !== 0) throw new Error(`npm run ${script} exited ${code}`);
};

// (a) system tools
let missingTools = [];
await stage('system tools (chromium kamailio baresip sipp sox tcpdump gcc)', async () => {
  missingTools = Object.keys(TOOLS).filter((t) => !has(t));
  if (missingTools.length === 0) return { note: 'all present' };
  const pkgs = [...new Set(missingTools.map((t) => TOOLS[t]))];
  const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  if (!isRoot || !has('apt-get')) {
    process.stdout.write(`Missing: ${missingTools.join(', ')}. Run as root:\n  ${command}\nTests that need them are SKIPPED.\n`);
    if (isCI) throw new Error(`missing ${missingTools.join(', ')} and cannot install (not root or no apt-get)`);
    return { status: 'skipped', note: `missing ${missingTools.join(', ')}` };
  }
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  let r = await run('apt-get', ['update'], { timeoutMs: 5 * 60_000, extraEnv: aptEnv });
  if (r.code === 0) r = await run('apt-get', ['install', '-y', ...pkgs], { timeoutMs: 8 * 60_000, extraEnv: aptEnv });
  missingTools = Object.keys(TOOLS).filter((t) => !has(t));
  if (missingTools.length > 0) {
    process.stdout.write(`Still missing: ${missingTools.join(', ')}. Run:\n  ${command}\nTests that need them are SKIPPED.\n`);
    if (isCI) throw new Error(`apt-get could not install ${missingTools.join(', ')}`);
    return { status: 'skipped', note: `missing ${missingTools.join(', ')}` };
  }
  return { note: `installed ${pkgs.join(' ')}` };
});
if (missingTools.length > 0) env.SOFTPHONE_MISSING_TOOLS = missingTools.join(',');

// (b) dependencies
await stage('npm ci (only when node_modules is missing)', async () => {
  if (fs.existsSync(path.join(root, 'node_modules', '.package-lock.json')) || fs.existsSync(path.join(root, 'node_modules', 'vitest'))) {
    return { note: 'node_modules present' };
  }
  const { code } = await run('npm', ['ci', '--no-audit', '--no-fund'], { timeoutMs: 10 * 60_000 });
  if (code === 0) return {};
  // `npm ci` refuses a package-lock.json that is out of sync with package.json. Installing from
  // package.json still lets every other stage run; the warning says what to fix.
  process.stdout.write(
    '\n!!! npm ci failed (package-lock.json out of sync with package.json?). Falling back to `npm install`.\n' +
      '!!! Fix: run `npm install` on a machine with the same npm, commit package-lock.json.\n',
  );
  const fallback = await run('npm', ['install', '--no-audit', '--no-fund'], { timeoutMs: 10 * 60_000 });
  if (fallback.code !== 0) throw new Error(`npm ci exited ${code}, npm install exited ${fallback.code}`);
  return { note: 'WARNING: npm ci failed, installed with npm install (package-lock.json needs fixing)' };
});

// (c)-(e) build and static checks
await stage('build', npmRun('build', 5 * 60_000));
await stage('lint:layers', npmRun('lint:layers', 3 * 60_000));
await stage('typecheck', npmRun('typecheck', 5 * 60_000));

// (f) vitest: unit + integration
await stage('vitest (unit + integration)', async () => {
  const out = path.join(reportDir, 'vitest.json');
  const { code, timedOut } = await run(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { timeoutMs: 8 * 60_000 },
  );
  let report;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    throw new Error(`vitest exited ${code}${timedOut ? ' (timed out)' : ''} without a JSON report`);
  }
  counts.passed += report.numPassedTests ?? 0;
  counts.failed += report.numFailedTests ?? 0;
  counts.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // Files that failed to load (syntax errors, missing modules) have no tests but must fail the run.
  const brokenSuites = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
  counts.failed += brokenSuites.length;
  const note = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped${brokenSuites.length ? `, ${brokenSuites.length} files failed to run` : ''}`;
  if (code !== 0 || report.numFailedTests > 0 || brokenSuites.length > 0) throw new Error(`${note}; exit ${code}`);
  return { note, counted: true };
});

// (g) Playwright through the real UI
await stage('playwright (e2e)', async () => {
  const out = path.join(reportDir, 'playwright.json');
  const { code, timedOut } = await run('npx', ['playwright', 'test', '--reporter=list,json'], {
    timeoutMs: 8 * 60_000,
    extraEnv: { PLAYWRIGHT_JSON_OUTPUT_NAME: out },
  });
  let report;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    throw new Error(`playwright exited ${code}${timedOut ? ' (timed out)' : ''} without a JSON report`);
  }
  const s = report.stats ?? {};
  const passed = (s.expected ?? 0) + (s.flaky ?? 0);
  counts.passed += passed;
  counts.failed += s.unexpected ?? 0;
  counts.skipped += s.skipped ?? 0;
  const setupErrors = (report.errors ?? []).length;
  counts.failed += setupErrors;
  const note = `${passed} passed, ${s.unexpected ?? 0} failed, ${s.skipped ?? 0} skipped${setupErrors ? `, ${setupErrors} errors outside tests` : ''}`;
  if (code !== 0 || (s.unexpected ?? 0) > 0 || setupErrors > 0) throw new Error(`${note}; exit ${code}`);
  return { note, counted: true };
});

// Non-test stages count as one failure each when they fail (so the summary never says
// "0 failed" for a red run); test stages already added their own counts.
const testStages = new Set(['vitest (unit + integration)', 'playwright (e2e)']);
for (const r of results) {
  if (r.status === 'failed' && !testStages.has(r.name)) counts.failed += 1;
  if (r.status === 'failed' && testStages.has(r.name) && /without a JSON report/.test(r.note)) counts.failed += 1;
}

const total = (Date.now() - started) / 1000;
process.stdout.write('\n=== summary\n');
for (const r of results) process.stdout.write(`${r.status.padEnd(7)} ${r.name} (${r.seconds.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}\n`);
process.stdout.write(`total ${total.toFixed(0)} s; reports in ${reportDir}\n`);
const anyFailed = results.some((r) => r.status === 'failed');
process.stdout.write(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
process.exit(anyFailed ? 1 : 0);
