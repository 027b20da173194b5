#!/usr/bin/env node
// `npm run build`: the renderer with vite (dist/renderer) and the Node/Electron entry points
// with esbuild. Flags: --shell-only (skip the renderer), --quiet.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (m) => {
  if (!quiet) process.stdout.write(`${m}\n`);
};

export async function buildRenderer() {
  if (!existsSync(join(root, 'src-renderer', 'index.html'))) {
    say('renderer: src-renderer/index.html missing, skipped');
    return;
  }
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  say('renderer: dist/renderer');
}

export async function buildEntryPoints() {
  const { build } = await import('esbuild');
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
  const jobs = [
    // The browser shell is ESM like the packages it uses (sip.js, werift); node_modules stay external.
    { entryPoints: ['src-main/browser-shell/main.ts'], outfile: 'dist/browser-shell/main.mjs', format: 'esm', packages: 'external' },
  ];
  const electronEntry = (name) => join(root, 'src-main', 'electron', `${name}.ts`);
  if (existsSync(electronEntry('main'))) {
    jobs.push({ entryPoints: ['src-main/electron/main.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', packages: 'external', external: ['electron'] });
  }
  if (existsSync(electronEntry('core-host'))) {
    jobs.push({ entryPoints: ['src-main/electron/core-host.ts'], outfile: 'dist/electron/core-host.cjs', format: 'cjs', packages: 'external', external: ['electron'] });
  }
  if (existsSync(electronEntry('preload'))) {
    // A sandboxed preload cannot require() packages: bundle everything but electron itself.
    jobs.push({ entryPoints: ['src-main/electron/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'], platform: 'node' });
  }
  await Promise.all(jobs.map((job) => build({ ...common, ...job })));
  for (const job of jobs) say(`bundle: ${job.outfile}`);
}

async function main() {
  const t0 = Date.now();
  if (!args.has('--shell-only')) await buildRenderer();
  await buildEntryPoints();
  say(`build done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
