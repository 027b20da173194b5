// Starts the real app the way a person would (browser shell, `--no-open`), with its own data
// dir and provisioning profile, and returns the `UI ready: <url>` URL for page.goto().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnPeer, tail, type PeerProcess } from '../peers/process';
import { keepTemp, makeTempDir, removeDir } from '../peers/tmp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where `npm run build` puts the app. */
export const BUILT_DIST = path.join(root, 'dist');
/** Set by the global setup: a copy of dist/ taken at the start of the run (see global-setup.ts). */
export const DIST_SNAPSHOT_ENV = 'SOFTPHONE_E2E_DIST';

function browserShellEntry(): string {
  return path.join(process.env[DIST_SNAPSHOT_ENV] || BUILT_DIST, 'browser-shell', 'main.mjs');
}

export class AppNotBuiltError extends Error {
  override name = 'AppNotBuiltError';
}

export interface TestProfileOptions {
  user?: string;
  password?: string;
  domain?: string;
  /** The proxy's URI, e.g. kamailio.udpUri. */
  outboundProxy: string;
  displayName?: string;
  rtpPortMin?: number;
  rtpPortMax?: number;
}

/** A provisioning profile as IT would deploy it (DESIGN.md), pointing at the test proxy. */
export function testProfile(o: TestProfileOptions): Record<string, unknown> {
  const user = o.user ?? '1001';
  // Each run gets its own RTP range so parallel runs rarely collide; the gateway skips busy ports.
  const base = o.rtpPortMin ?? 20000 + 2 * Math.floor(Math.random() * 4500);
  // (random base: not a fixed port; the gateway's allocator skips ports another process holds)
  return {
    displayName: o.displayName ?? `Agent ${user}`,
    sip: {
      uri: `sip:${user}@${o.domain ?? 'testbed.local'}`,
      authUser: user,
      password: o.password ?? `secret${user}`,
      outboundProxy: o.outboundProxy,
      localAddress: '127.0.0.1',
    },
    media: { rtpPortMin: base, rtpPortMax: o.rtpPortMax ?? base + 99 },
  };
}

export interface RunningApp {
  url: string;
  /** The profile the app was started with (e.g. media.rtpPortMin/Max to find its RTP in a pcap). */
  profile: Record<string, unknown>;
  dataDir: string;
  profilePath: string;
  logs(): string;
  process: PeerProcess;
  stop(): Promise<void>;
}

export async function startApp(profile: Record<string, unknown>, options: { timeoutMs?: number; extraArgs?: string[] } = {}): Promise<RunningApp> {
  const entry = browserShellEntry();
  if (!fs.existsSync(entry)) {
    throw new AppNotBuiltError(
      `the browser shell is not built: ${path.relative(root, entry)} is missing. Run \`npm run build\` (scripts/build.mjs must emit it; see DESIGN.md "npm start" contract).`,
    );
  }
  const dataDir = makeTempDir('app-data');
  const profilePath = path.join(dataDir, 'profile.json');
  fs.writeFileSync(profilePath, JSON.stringify(profile, null, 2));
  const proc = spawnPeer('browser-shell', process.execPath, [entry, '--no-open', '--port', '0', '--profile', profilePath, ...(options.extraArgs ?? [])], {
    cwd: root,
    // No machine-wide provisioning files: the test's profile is the only one.
    env: { ...process.env, SOFTPHONE_DATA_DIR: dataDir, SOFTPHONE_PROVISIONING_PATHS: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  const stop = async (): Promise<void> => {
    await proc.stop(3000);
    if (!keepTemp) removeDir(dataDir);
  };
  let url: string;
  try {
    const line = await proc.waitForLine(/UI ready: \S+/, options.timeoutMs ?? 20_000);
    url = /UI ready: (\S+)/.exec(line)![1]!;
  } catch (err) {
    await stop();
    throw new Error(`the app did not print "UI ready: <url>": ${err instanceof Error ? err.message : String(err)}`);
  }
  return { url, profile, dataDir, profilePath, logs: () => tail(proc.logs(), 20_000), process: proc, stop };
}
