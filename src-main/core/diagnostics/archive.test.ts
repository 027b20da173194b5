import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSnapshot } from '../../../shared/types';
import { LogHub } from '../log/logger';
import { createRotatingFileSink } from '../log/file-sink';
import { SipTrace } from '../sip-trace';
import { createDiagnosticsArchive, DiagnosticsLeakError, findSecretLeaks } from './archive';
import { readTar } from './tar';

const PASSWORD = 'secret1001';
const DIGEST_RESPONSE = '6629fae49393a05397450978507c4ef1';
const PROXY_DIGEST_RESPONSE = 'e4a2c2f7b0a6a1f4d2c9b8e7f6a5d4c3';
const BASIC = 'dXNlcjpzZWNyZXQxMDAx';

const register = [
  'REGISTER sip:testbed.local SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK776asdhds;rport',
  'From: <sip:1001@testbed.local>;tag=1928301774',
  'To: <sip:1001@testbed.local>',
  'Call-ID: a84b4c76e66710',
  'CSeq: 2 REGISTER',
  `Authorization: Digest username="1001", realm="testbed.local", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:testbed.local", qop=auth, nc=00000001, cnonce="0a4f113b", response="${DIGEST_RESPONSE}"`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const invite = [
  'INVITE sip:2000@testbed.local SIP/2.0',
  'CSeq: 2 INVITE',
  `Proxy-Authorization: Digest username="1001", realm="testbed.local", nonce="abc", uri="sip:2000@testbed.local", response="${PROXY_DIGEST_RESPONSE}"`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function call(): CallSnapshot {
  return {
    id: 'c1',
    direction: 'outbound',
    remote: { number: '2000', uri: 'sip:2000@testbed.local' },
    state: 'ended',
    muted: false,
    startedAt: 1_700_000_000_000,
    connectedAt: 1_700_000_001_000,
    endedAt: 1_700_000_031_000,
    endReason: 'Hung up by remote party',
    media: {
      codec: 'PCMU',
      fromSip: { packets: 1500, bytes: 240000, lost: 3, jitterMs: 2.5 },
      toSip: { packets: 1500, bytes: 240000, lost: 0, jitterMs: 1.1 },
    },
  };
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'diag-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('createDiagnosticsArchive', () => {
  it('writes one tar.gz with logs, SIP messages, call quality and app info, and no secret survives', async () => {
    const dir = tempDir();
    const hub = new LogHub('debug');
    hub.addSecret(PASSWORD);
    const files = createRotatingFileSink({ dir: join(dir, 'logs') });
    hub.addSink(files.sink);
    const sip = hub.logger('sip');
    sip.info(`profile loaded {"uri":"sip:1001@testbed.local","password":"${PASSWORD}"}`);
    sip.debug(`sent REGISTER\n${register}`);
    sip.debug(`retrying with password=${PASSWORD}&user=1001`);
    hub.logger('gateway').info('relay started');
    // A mid-line header (a line-oriented redaction cannot anchor on it).
    hub.logger('calls').warn(`proxy said: Proxy-Authorization: Digest username="1001", response="${PROXY_DIGEST_RESPONSE}"`);
    hub.logger('shell').info(`renderer sent Authorization: Basic ${BASIC}`);

    const trace = new SipTrace({ maxMessages: 10 });
    trace.record('out', register);
    trace.record('in', 'SIP/2.0 200 OK\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n');
    trace.record('out', invite);

    const result = await createDiagnosticsArchive({
      outDir: join(dir, 'out'),
      redactor: hub,
      logFiles: files.files(),
      sipMessages: trace,
      calls: [call()],
      history: [],
      app: { name: 'Agent Softphone', version: '0.1.0', shell: 'electron', versions: { electron: '38.4.0' } },
      renderer: { devices: ['Built-in mic'], lastError: `Authorization: Digest response="${DIGEST_RESPONSE}"\r\nX: y` },
      secrets: [PASSWORD],
    });

    expect(readdirSync(join(dir, 'out'))).toEqual([result.path.split('/').pop()]);
    expect(statSync(result.path).mode & 0o777).toBe(0o600);

    // Independent check with the system tar: the archive is a real tar.gz.
    const extracted = tempDir();
    execFileSync('tar', ['-xzf', result.path, '-C', extracted]);
    const [root] = readdirSync(extracted);
    const rootDir = join(extracted, root!);
    expect(readdirSync(join(rootDir, 'logs')).sort()).toEqual(['calls.log', 'gateway.log', 'shell.log', 'sip.log']);
    for (const f of ['sip/last-messages.txt', 'calls/quality.json', 'manifest.json', 'renderer.json']) {
      expect(statSync(join(rootDir, f)).isFile()).toBe(true);
    }

    const all = readTar(gunzipSync(readFileSync(result.path)));
    expect(all.map((e) => e.name.split('/').slice(1).join('/')).sort()).toEqual(
      ['calls/quality.json', 'logs/calls.log', 'logs/gateway.log', 'logs/shell.log', 'logs/sip.log', 'manifest.json', 'renderer.json', 'sip/last-messages.txt'].sort(),
    );
    const text = all.map((e) => e.data.toString('utf8')).join('\n');
    for (const secret of [PASSWORD, DIGEST_RESPONSE, PROXY_DIGEST_RESPONSE, BASIC]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Authorization:\s*Digest/i);
    expect(findSecretLeaks(text, [PASSWORD])).toEqual([]);

    // What support needs is still there.
    const sipText = readFileSync(join(rootDir, 'sip/last-messages.txt'), 'utf8');
    expect(sipText).toContain('REGISTER sip:testbed.local SIP/2.0');
    expect(sipText).toContain('Authorization: [redacted]');
    expect(sipText).toContain('Proxy-Authorization: [redacted]');
    expect(sipText).toContain('SIP/2.0 200 OK');
    const quality = JSON.parse(readFileSync(join(rootDir, 'calls/quality.json'), 'utf8')) as { calls: Array<{ media: { codec: string; fromSip: { lost: number } } }> };
    expect(quality.calls[0]!.media.codec).toBe('PCMU');
    expect(quality.calls[0]!.media.fromSip.lost).toBe(3);
    const manifest = JSON.parse(readFileSync(join(rootDir, 'manifest.json'), 'utf8')) as { app: { version: string }; os: { platform: string } };
    expect(manifest.app.version).toBe('0.1.0');
    expect(manifest.os.platform).toBe(process.platform);
    expect(readFileSync(join(rootDir, 'logs/gateway.log'), 'utf8')).toContain('relay started');
  });

  it('refuses to write an archive when a secret would survive, without echoing the secret', async () => {
    const dir = tempDir();
    const leakyRedactor = { redact: (t: string) => t };
    let error: unknown;
    try {
      await createDiagnosticsArchive({
        outDir: join(dir, 'out'),
        redactor: leakyRedactor,
        sipMessages: [{ time: 0, direction: 'out', text: register }],
        app: { name: 'x', version: '0.1.0', shell: 'headless' },
        renderer: { note: `my ${PASSWORD}` },
        secrets: [PASSWORD],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DiagnosticsLeakError);
    expect((error as Error).message).not.toContain(PASSWORD);
    expect((error as DiagnosticsLeakError).findings.join(' ')).toContain('a registered secret value');
    expect(() => readdirSync(join(dir, 'out'))).toThrow();
  });

  it('issue: saving diagnostics does not block the event loop (the RTP relay runs meanwhile)', async () => {
    const dir = tempDir();
    // ~8 MiB of log lines: big enough that reading, scanning and compressing it takes many turns.
    const line = 'calls: RTP stats fromSip packets=1500 lost=3 jitterMs=2.5 toSip packets=1500 lost=0\n';
    const logFile = join(dir, 'calls.log');
    writeFileSync(logFile, line.repeat(Math.ceil((8 * 1024 * 1024) / line.length)));
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    try {
      const pending = createDiagnosticsArchive({
        outDir: join(dir, 'out'),
        redactor: { redact: (t: string) => t },
        logFiles: [logFile],
        app: { name: 'x', version: '0.1.0', shell: 'headless' },
        maxLogBytesPerFile: 16 * 1024 * 1024,
      });
      expect(pending).toBeInstanceOf(Promise);
      const ticksWhenReturned = ticks;
      const { result, ticksWhenDone } = await pending.then((r) => ({ result: r, ticksWhenDone: ticks }));
      // Timer callbacks ran while the archive was being made, not only after.
      expect(ticksWhenDone).toBeGreaterThan(ticksWhenReturned);
      const all = readTar(gunzipSync(readFileSync(result.path)));
      const log = all.find((e) => e.name.endsWith('/logs/calls.log'));
      expect(log?.data.length).toBe(statSync(logFile).size);
    } finally {
      clearInterval(timer);
    }
  });

  it('issue: the SIP messages in the archive are SipTrace.format(), not a copy of it', async () => {
    const dir = tempDir();
    const trace = new SipTrace({ maxMessages: 10, now: () => 1_700_000_000_000 });
    trace.record('out', invite);
    trace.record('in', 'SIP/2.0 100 Trying\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n');
    const redactor = new LogHub('error');
    const result = await createDiagnosticsArchive({ outDir: join(dir, 'out'), redactor, sipMessages: trace, app: { name: 'x', version: '0.1.0', shell: 'headless' } });
    const sipText = readTar(gunzipSync(readFileSync(result.path))).find((e) => e.name.endsWith('/sip/last-messages.txt'))!.data.toString('utf8');
    expect(sipText).toBe(redactor.redact(trace.format()));
  });
});
