import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogHub } from './logger';
import { createRotatingFileSink } from './file-sink';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'file-sink-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('rotating file sink', () => {
  it('writes one file per subsystem family, one line per record, redacted', () => {
    const dir = tempDir();
    const hub = new LogHub('debug');
    hub.addSecret('secret1001');
    const files = createRotatingFileSink({ dir });
    hub.addSink(files.sink);
    hub.logger('sip').child('transport').info('sent\r\nREGISTER sip:x SIP/2.0\r\nAuthorization: Digest response="abc"');
    hub.logger('gateway').warn('password is secret1001');
    expect(readdirSync(dir).sort()).toEqual(['gateway.log', 'sip.log']);
    const sip = readFileSync(join(dir, 'sip.log'), 'utf8');
    expect(sip.trimEnd().split('\n')).toHaveLength(1);
    expect(sip).toMatch(/^\d{4}-\d\d-\d\dT.* INFO  \[sip\.transport\] sent\\nREGISTER/);
    expect(sip).toContain('Authorization: [redacted]');
    expect(sip).not.toContain('abc');
    expect(readFileSync(join(dir, 'gateway.log'), 'utf8')).not.toContain('secret1001');
    expect(statSync(join(dir, 'sip.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates by size and keeps at most maxFiles per subsystem, newest lines in the current file', () => {
    const dir = tempDir();
    const hub = new LogHub('debug');
    const files = createRotatingFileSink({ dir, maxBytes: 2048, maxFiles: 3 });
    hub.addSink(files.sink);
    const log = hub.logger('calls');
    for (let i = 0; i < 200; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual(['calls.1.log', 'calls.2.log', 'calls.log']);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(2048);
    expect(readFileSync(join(dir, 'calls.log'), 'utf8')).toContain('line 199 ');
    expect(readFileSync(join(dir, 'calls.2.log'), 'utf8')).not.toContain('line 0 ');
    // Every file holds whole lines only.
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const l of text.trimEnd().split('\n')) expect(l).toMatch(/\[calls\] line \d+ x+$/);
    }
    expect(files.files().map((f) => f.split('/').pop())).toEqual(['calls.log', 'calls.1.log', 'calls.2.log']);
  });

  it('continues the existing file after a restart', () => {
    const dir = tempDir();
    const first = new LogHub('info');
    first.addSink(createRotatingFileSink({ dir }).sink);
    first.logger('app').info('before restart');
    const second = new LogHub('info');
    second.addSink(createRotatingFileSink({ dir }).sink);
    second.logger('app').info('after restart');
    expect(readFileSync(join(dir, 'app.log'), 'utf8')).toMatch(/before restart\n.*after restart\n$/);
  });
});
