// Builds (once per source version) the LD_PRELOAD shim baresip needs to use 127.0.0.1.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './process';

const here = path.dirname(fileURLToPath(import.meta.url));

function repoRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

let building: Promise<string> | undefined;

/** Path of the compiled shim, cached under node_modules/.cache/softphone-peers/ keyed by source hash. */
export function loopbackShim(): Promise<string> {
  building ??= (async () => {
    const source = path.join(here, 'native', 'loopback-shim.c');
    const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 16);
    const cacheDir = path.join(repoRoot(), 'node_modules', '.cache', 'softphone-peers');
    const out = path.join(cacheDir, `loopback-shim-${hash}.so`);
    if (fs.existsSync(out)) return out;
    fs.mkdirSync(cacheDir, { recursive: true });
    // Compile to a unique name and rename: parallel test workers may build at the same time.
    const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
    try {
      await run('gcc', ['-shared', '-fPIC', '-O2', '-o', tmp, source, '-ldl'], { timeoutMs: 60_000 });
    } catch (err) {
      throw new Error(`could not build the baresip loopback shim (is gcc installed? apt-get install -y gcc): ${String(err)}`);
    }
    fs.renameSync(tmp, out);
    return out;
  })();
  building.catch(() => {
    building = undefined;
  });
  return building;
}
