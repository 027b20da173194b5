// Proof that electron-updater itself honours stagingPercentage with the generic provider: the
// real AppUpdater (no Electron: an app adapter and an HTTP executor on node:http) asks a local
// server for latest-linux.yml and decides by the per-install staging id in userData/.updaterId.
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { AppUpdater } = require('electron-updater/out/AppUpdater') as { AppUpdater: new (options: unknown, app: unknown) => AppUpdaterInstance };
const { HttpExecutor } = require('builder-util-runtime') as { HttpExecutor: new () => object };

interface AppUpdaterInstance {
  httpExecutor: unknown;
  logger: unknown;
  autoDownload: boolean;
  setFeedURL(o: unknown): void;
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean } | null>;
}

class NodeHttpExecutor extends (HttpExecutor as new () => object) {
  createRequest(options: object, callback: (res: unknown) => void) {
    const req = request(options);
    req.on('response', callback);
    return req;
  }
}

let server: Server;
let baseUrl = '';
let stagingPercentage = 30;
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/latest-linux.yml')) {
      res.setHeader('content-type', 'text/yaml');
      res.end(
        [
          'version: 9.9.9',
          'files:',
          '  - url: Agent-Softphone-9.9.9.AppImage',
          '    sha512: AAAA',
          '    size: 1',
          'path: Agent-Softphone-9.9.9.AppImage',
          'sha512: AAAA',
          "releaseDate: '2026-01-01T00:00:00.000Z'",
          `stagingPercentage: ${stagingPercentage}`,
          '',
        ].join('\n'),
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (typeof addr !== 'object' || !addr) throw new Error('no server address');
  baseUrl = `http://127.0.0.1:${addr.port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function updaterWithStagingId(id: string): AppUpdaterInstance {
  const userData = mkdtempSync(join(tmpdir(), 'updater-'));
  dirs.push(userData);
  writeFileSync(join(userData, '.updaterId'), id);
  const app = {
    version: '0.1.0',
    name: 'Agent Softphone',
    isPackaged: true,
    appUpdateConfigPath: join(userData, 'app-update.yml'),
    userDataPath: userData,
    baseCachePath: userData,
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const updater = new AppUpdater(null, app);
  updater.httpExecutor = new NodeHttpExecutor();
  updater.logger = null;
  updater.autoDownload = false;
  updater.setFeedURL({ provider: 'generic', url: baseUrl });
  return updater;
}

describe('electron-updater staged rollout with the generic provider', () => {
  it('offers the update only to installs inside the staging percentage', async () => {
    stagingPercentage = 30;
    // 0x33333333 / 0xffffffff = 0.2 -> inside 30 %; 0x66666666 -> 0.4 -> outside.
    const inside = await updaterWithStagingId('3b5d5c37-1b2d-4a1a-9d7e-0c5a33333333').checkForUpdates();
    const outside = await updaterWithStagingId('3b5d5c37-1b2d-4a1a-9d7e-0c5a66666666').checkForUpdates();
    expect(inside?.isUpdateAvailable).toBe(true);
    expect(outside?.isUpdateAvailable).toBe(false);
    stagingPercentage = 50;
    expect((await updaterWithStagingId('3b5d5c37-1b2d-4a1a-9d7e-0c5a66666666').checkForUpdates())?.isUpdateAvailable).toBe(true);
  });
});
