// "Save diagnostics": one .tar.gz a support engineer can open anywhere, with the logs, the last
// SIP messages, call quality and what ran where. Every byte passes LogHub.redact (plus an
// inline scrub for auth headers that appear mid-line), and the archive is checked for
// anything that still looks like a credential before it is written: a leak aborts the save.
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem, type as osType } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { CallSnapshot, HistoryEntry } from '../../../shared/types';
import { formatSipEntries, type SipTraceEntry } from '../sip-trace';
import { createTar, type TarEntry } from './tar';

export interface DiagnosticsAppInfo {
  name: string;
  version: string;
  /** 'electron' | 'browser' | 'headless' */
  shell: string;
  /** Electron/Chromium versions etc. when the shell knows them. */
  versions?: Record<string, string>;
}

export interface DiagnosticsInput {
  /** Directory to write into; the file name carries a timestamp. */
  outDir: string;
  /** Anything with LogHub's redact(): registered secrets (the SIP password) are removed by it. */
  redactor: { redact(text: string): string };
  /** Log files to include (e.g. RotatingFileSink.files()); missing files are skipped. */
  logFiles?: readonly string[];
  sipMessages?: readonly SipTraceEntry[] | { entries(): SipTraceEntry[] };
  calls?: readonly CallSnapshot[];
  history?: readonly HistoryEntry[];
  app: DiagnosticsAppInfo;
  /** What the renderer sent with `diagnostics.save` (device list, getStats...). */
  renderer?: unknown;
  /** Known secret values that must not appear (checked after redaction, never written). */
  secrets?: readonly string[];
  /** Per log file, only the newest this many bytes are kept. Default 2 MiB. */
  maxLogBytesPerFile?: number;
  now?: () => Date;
}

export interface DiagnosticsResult {
  path: string;
  bytes: number;
  files: string[];
}

export class DiagnosticsLeakError extends Error {
  override name = 'DiagnosticsLeakError';
  constructor(readonly findings: string[]) {
    super(`Diagnostics were not saved because something that looks like a password or an Authorization header survived redaction (${findings.join('; ')}). Please report this to your IT team.`);
  }
}

export class DiagnosticsWriteError extends Error {
  override name = 'DiagnosticsWriteError';
}


const LEAK_PATTERNS: Array<[RegExp, string]> = [
  [/\b(?:Proxy-)?Authorization\s*:\s*(?!\[redacted\])\S/i, 'an Authorization header'],
  [/\bresponse\s*=\s*"(?!\[redacted\])[^"]+"/i, 'a digest response'],
  [/"(?:password|passwd|pwd|secret|token)"\s*:\s*"(?!\[redacted\])[^"]+"/i, 'a JSON password/token'],
  [/\b(?:password|passwd|pwd)=(?!\[redacted\])[^\s&;,"]+/i, 'a password= value'],
];

/** What in `text` still looks like a credential; empty when clean. */
export function findSecretLeaks(text: string, secrets: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const [re, what] of LEAK_PATTERNS) if (re.test(text)) found.push(what);
  // The secret value itself is never put into the finding (it would leak through the error).
  if (secrets.some((s) => s.length >= 3 && text.includes(s))) found.push('a registered secret value');
  return found;
}

function isEntryList(v: readonly SipTraceEntry[] | { entries(): SipTraceEntry[] }): v is readonly SipTraceEntry[] {
  return Array.isArray(v);
}

// Saving runs in the process that relays call audio (and agents press it exactly when a call
// sounds bad): every step is asynchronous, with compression on libuv's thread pool.
const gzip = promisify(gzipCallback);

/** Lets timers and socket callbacks (RTP relaying) run between CPU-heavy steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The newest `maxBytes` of a log file (only those are read); undefined when it cannot be read. */
async function tail(path: string, maxBytes: number): Promise<string | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await file.stat()).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await file.read(buf, read, length - read, size - length + read);
      if (bytesRead === 0) break; // truncated meanwhile (rotation)
      read += bytesRead;
    }
    if (size <= maxBytes) return buf.subarray(0, read).toString('utf8');
    const cut = buf.subarray(0, read).toString('utf8');
    // Start at a line boundary so no half line (possibly half a redaction marker) is kept.
    const nl = cut.indexOf('\n');
    return `[... ${size - maxBytes} earlier bytes omitted ...]\n${nl >= 0 ? cut.slice(nl + 1) : cut}`;
  } catch {
    return undefined;
  } finally {
    await file.close().catch(() => {});
  }
}

function callQuality(calls: readonly CallSnapshot[], history: readonly HistoryEntry[]): unknown {
  return {
    calls: calls.map((c) => ({
      id: c.id,
      direction: c.direction,
      remote: c.remote.number,
      state: c.state,
      startedAt: new Date(c.startedAt).toISOString(),
      connectedAt: c.connectedAt ? new Date(c.connectedAt).toISOString() : undefined,
      endedAt: c.endedAt ? new Date(c.endedAt).toISOString() : undefined,
      endReason: c.endReason,
      endStatus: c.endStatus,
      media: c.media,
    })),
    history: history.map((h) => ({ ...h, remote: h.remote.number, startedAt: new Date(h.startedAt).toISOString() })),
  };
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

/** Writes softphone-diagnostics-<time>.tar.gz into outDir and returns where. */
export async function createDiagnosticsArchive(input: DiagnosticsInput): Promise<DiagnosticsResult> {
  const now = (input.now ?? (() => new Date()))();
  const clean = (text: string): string => input.redactor.redact(text);
  const entries: TarEntry[] = [];
  const root = `softphone-diagnostics-${timestamp(now)}`;
  const add = (name: string, text: string): void => {
    entries.push({ name: `${root}/${name}`, data: clean(text), mtime: now });
  };

  const maxLog = input.maxLogBytesPerFile ?? 2 * 1024 * 1024;
  const included: string[] = [];
  for (const file of input.logFiles ?? []) {
    const text = await tail(file, maxLog);
    if (text === undefined) continue;
    const name = basename(file).replace(/[^A-Za-z0-9_.-]/g, '_');
    included.push(name);
    add(`logs/${name}`, text);
    await yieldToEventLoop();
  }

  const source = input.sipMessages;
  const sip: readonly SipTraceEntry[] = source === undefined ? [] : isEntryList(source) ? source : source.entries();
  add('sip/last-messages.txt', sip.length ? formatSipEntries(sip) : '(no SIP messages recorded)\n');
  add('calls/quality.json', `${JSON.stringify(callQuality(input.calls ?? [], input.history ?? []), null, 2)}\n`);
  if (input.renderer !== undefined) add('renderer.json', `${JSON.stringify(input.renderer, null, 2) ?? 'null'}\n`);

  const manifest = {
    createdAt: now.toISOString(),
    app: input.app,
    os: { platform: platform(), type: osType(), release: release(), arch: arch(), cpus: cpus().length, totalMemoryMiB: Math.round(totalmem() / 1048576) },
    node: process.versions.node,
    logs: included,
    sipMessages: sip.length,
  };
  add('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

  const findings = new Set<string>();
  for (const entry of entries) {
    for (const f of findSecretLeaks(String(entry.data), input.secrets)) findings.add(`${entry.name.slice(root.length + 1)}: ${f}`);
    await yieldToEventLoop();
  }
  if (findings.size) throw new DiagnosticsLeakError([...findings]);

  const gz = await gzip(createTar(entries));
  const path = join(input.outDir, `${root}.tar.gz`);
  let bytes: number;
  try {
    await mkdir(dirname(path), { recursive: true });
    // Written aside and renamed: a half-written archive never carries the final name.
    const tmp = `${path}.partial`;
    await writeFile(tmp, gz, { mode: 0o600 });
    await rename(tmp, path);
    bytes = (await stat(path)).size;
  } catch (err) {
    throw new DiagnosticsWriteError(`Could not write the diagnostics archive to ${input.outDir} (${err instanceof Error ? err.message : String(err)}): check that the folder exists and is writable.`);
  }
  return { path, bytes, files: entries.map((e) => e.name) };
}
