// Starts the built browser shell as `npm start -- --shell=browser --no-open --port 0` would and
// talks to it like the UI does: the `UI ready:` line, the static server's CSP, the WebSocket.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawSipPeer, responseTo } from '../sip/raw-peer';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(root, 'dist', 'browser-shell', 'main.mjs');

/** A UDP port nobody answers on: the SIP account keeps "Registering" (no registrar needed here). */
async function silentUdpPort(): Promise<{ port: number; close: () => void }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, close: () => sock.close() };
}

function spawnShell(dataDir: string, args: string[]): { child: ChildProcess; stdout: string[]; stderr: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: root,
    env: { ...process.env, SOFTPHONE_DATA_DIR: dataDir, SOFTPHONE_PROVISIONING_PATHS: '', SOFTPHONE_LOG_STDERR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    stdout.push(...lines);
    child.emit('line');
  });
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout, stderr, exited };
}

function uiReadyLine(shell: ReturnType<typeof spawnShell>): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const check = (): boolean => {
      const line = shell.stdout.find((l) => l.startsWith('UI ready: '));
      if (line) resolveLine(line);
      return Boolean(line);
    };
    if (check()) return;
    shell.child.on('line', check);
    void shell.exited.then((code) => reject(new Error(`shell exited (${code}) before UI ready: ${shell.stderr.join('')}`)));
  });
}

describe('browser shell', () => {
  let shell: ReturnType<typeof spawnShell>;
  let udp: Awaited<ReturnType<typeof silentUdpPort>>;
  let dataDir: string;

  beforeAll(() => {
    if (!existsSync(entry)) {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--shell-only', '--quiet'], { cwd: root, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('building the browser shell failed');
    }
  });

  afterAll(async () => {
    if (shell && shell.child.exitCode === null) {
      shell.child.kill('SIGKILL');
      await shell.exited;
    }
    udp?.close();
  });

  it('prints one UI ready line, serves a WebSocket that gives the token holder a snapshot, and exits cleanly on SIGTERM', async () => {
    udp = await silentUdpPort();
    const dir = mkdtempSync(join(tmpdir(), 'browser-shell-test-'));
    dataDir = join(dir, 'data');
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({
        displayName: 'Agent 1001',
        sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: `sip:127.0.0.1:${udp.port};transport=udp`, localAddress: '127.0.0.1' },
      }),
    );
    shell = spawnShell(dataDir, ['--no-open', '--port', '0', '--shell=browser', '--profile', profile]);
    const line = await uiReadyLine(shell);
    const m = /^UI ready: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/.exec(line);
    expect(m, line).not.toBeNull();
    const [, origin, port, token] = m!;

    const page = await fetch(`${origin}/`);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin });
    const first = new Promise<{ type: string; payload: { profile: { configured: boolean }; registration: { state: string } } }>((r) =>
      ws.once('message', (d) => r(JSON.parse(String(d)))),
    );
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', id: 1, payload: { protocol: 1 } }));
    const snapshot = await first;
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.payload.profile.configured).toBe(true);
    expect(['registering', 'failed']).toContain(snapshot.payload.registration.state);

    const bad = new WebSocket(`ws://127.0.0.1:${port}/ws?token=wrong`, { origin });
    const status = await new Promise<number>((r) => {
      bad.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0));
      bad.on('error', () => {});
    });
    expect(status).toBe(403);

    // A second start with a link hands it to the running instance and exits.
    const second = spawnShell(dataDir, ['--no-open', '--port', '0', 'tel:1002']);
    expect(await second.exited).toBe(0);
    expect(second.stderr.join('')).toMatch(/already running/);
    expect(second.stdout.filter((l) => l.trim())).toEqual([]);

    ws.close();
    shell.child.kill('SIGTERM');
    expect(await shell.exited).toBe(0);
    expect(shell.stdout.filter((l) => l.trim())).toEqual([line]);
  });

  it('issue: one Ctrl+C delivered twice (terminal, npm, start.mjs) still shuts down cleanly: un-REGISTER sent, exit 0', async () => {
    // A registrar that accepts the REGISTER but never answers the un-REGISTER, so the clean
    // shutdown takes seconds and the duplicate signal lands in the middle of it.
    const registrar = await RawSipPeer.start();
    registrar.onMessage = (m) => {
      if (m.method === 'REGISTER' && !/^\s*0\s*$/.test(m.header('Expires') ?? '') && !/expires=0\b/.test(m.header('Contact') ?? '')) {
        const contact = m.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
        registrar.send(responseTo(m, 200, 'OK', { toTag: 'reg1', contact: `${contact};expires=600` }), m.from);
      }
    };
    const dir = mkdtempSync(join(tmpdir(), 'browser-shell-signal-'));
    const profile = join(dir, 'profile.json');
    writeFileSync(
      profile,
      JSON.stringify({ sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: registrar.uri, localAddress: '127.0.0.1' } }),
    );
    const app = spawnShell(join(dir, 'data'), ['--no-open', '--port', '0', '--profile', profile]);
    try {
      await uiReadyLine(app);
      await registrar.waitFor((m) => m.method === 'REGISTER');
      const unregister = registrar.waitFor((m) => m.method === 'REGISTER' && (/^\s*0\s*$/.test(m.header('Expires') ?? '') || /expires=0\b/.test(m.header('Contact') ?? '')));
      app.child.kill('SIGINT');
      await unregister; // shutdown is under way (standard signals sent back to back would merge)
      app.child.kill('SIGINT'); // the same Ctrl+C, forwarded by another process
      expect(await app.exited).toBe(0);
    } finally {
      if (app.child.exitCode === null) app.child.kill('SIGKILL');
      registrar.close();
    }
  });
});
