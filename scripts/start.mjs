#!/usr/bin/env node
// `npm start [-- flags]`: installs dependencies if needed, builds when sources are newer than
// dist, then runs Electron where its binary is installed, otherwise (or with --shell=browser)
// the browser shell. Flags are passed through: --profile <file> --no-open --port <n> [link].
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function run(cmd, cmdArgs) {
  // stdout of these steps goes to stderr: our stdout carries only the app's `UI ready:` line.
  const r = spawnSync(cmd, cmdArgs, { cwd: root, env, stdio: ['inherit', process.stderr, 'inherit'] });
  if (r.error) fail(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${cmdArgs.join(' ')} failed (exit ${r.status}).`);
}

/** Newest modification time under the given paths (files and folders, recursively). */
function newest(paths) {
  let max = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(join(p, name));
    } else {
      max = Math.max(max, st.mtimeMs);
    }
  };
  for (const p of paths) visit(join(root, p));
  return max;
}

function electronBinary() {
  const dist = join(root, 'node_modules', 'electron', 'dist');
  const candidates = {
    linux: [join(dist, 'electron')],
    win32: [join(dist, 'electron.exe')],
    darwin: [join(dist, 'Electron.app', 'Contents', 'MacOS', 'Electron')],
  }[process.platform] ?? [];
  return candidates.find((p) => existsSync(p));
}

if (!existsSync(join(root, 'node_modules'))) {
  process.stderr.write('Installing dependencies (npm install)...\n');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install']);
}

const wantBrowser = args.some((a, i) => a === '--shell=browser' || (a === '--shell' && args[i + 1] === 'browser'));
const electron = wantBrowser ? undefined : electronBinary();
const outputs = ['dist/browser-shell/main.mjs', 'dist/renderer/index.html', ...(electron ? ['dist/electron/main.cjs'] : [])].map((p) => join(root, p));
const sources = newest(['src-main', 'src-renderer', 'shared', 'assets', 'vite.config.ts', 'package.json']);
const stale = outputs.some((p) => !existsSync(p) || statSync(p).mtimeMs < sources);
if (stale) {
  process.stderr.write('Building...\n');
  run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
}

const child = electron
  ? spawn(electron, [root, ...args.filter((a) => a !== '--shell=electron')], { cwd: root, env, stdio: 'inherit' })
  : spawn(process.execPath, [join(root, 'dist', 'browser-shell', 'main.mjs'), ...args], { cwd: root, env, stdio: 'inherit' });

// Ctrl+C reaches the child through the terminal's process group; a plain kill of this process is forwarded.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
child.on('error', (err) => fail(`The app could not start: ${err.message}`));
