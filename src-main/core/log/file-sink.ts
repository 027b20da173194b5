// Rotating log files, one per subsystem family ("sip.transport" -> sip.log), so a support
// engineer opens the file of the part that misbehaved. Size-based rotation keeps N files per
// subsystem (sip.log, sip.1.log ... sip.(N-1).log) so a long shift cannot fill the disk.
// Writes are synchronous appends: a line is on disk before the process can crash, and at the
// rates a softphone logs (tens of lines per second at most) that costs nothing measurable.
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord, LogSink } from './logger';

export interface RotatingFileSinkOptions {
  dir: string;
  /** Rotate when a file would grow past this many bytes. Default 2 MiB. */
  maxBytes?: number;
  /** Files kept per subsystem, the current one included. Default 5. */
  maxFiles?: number;
  /** Maps a record's subsystem to its file's base name. Default: the first dotted segment. */
  fileFor?: (subsystem: string) => string;
}

export interface RotatingFileSink {
  sink: LogSink;
  /** Log files currently on disk, newest first per subsystem (for diagnostics). */
  files(): string[];
  dir: string;
}

const SAFE_NAME = /[^a-z0-9_-]/gi;

export function defaultFileFor(subsystem: string): string {
  const base = (subsystem.split('.', 1)[0] ?? '').replace(SAFE_NAME, '_').slice(0, 32);
  return base || 'app';
}

export function formatLogLine(record: LogRecord): string {
  // One record is one line: embedded newlines (SIP messages) are escaped so rotation and
  // tail-reading never split a record.
  const message = record.message.replace(/\r?\n/g, '\\n');
  return `${new Date(record.time).toISOString()} ${record.level.toUpperCase().padEnd(5)} [${record.subsystem}] ${message}\n`;
}

export function createRotatingFileSink(options: RotatingFileSinkOptions): RotatingFileSink {
  const { dir } = options;
  const maxBytes = Math.max(1024, options.maxBytes ?? 2 * 1024 * 1024);
  const maxFiles = Math.max(1, options.maxFiles ?? 5);
  const fileFor = options.fileFor ?? defaultFileFor;
  const sizes = new Map<string, number>();
  let broken = false;

  mkdirSync(dir, { recursive: true });

  const pathOf = (base: string, index: number): string => join(dir, index === 0 ? `${base}.log` : `${base}.${index}.log`);

  const currentSize = (base: string): number => {
    let size = sizes.get(base);
    if (size === undefined) {
      size = existsSync(pathOf(base, 0)) ? statSync(pathOf(base, 0)).size : 0;
      sizes.set(base, size);
    }
    return size;
  };

  const rotate = (base: string): void => {
    rmSync(pathOf(base, maxFiles - 1), { force: true });
    for (let i = maxFiles - 2; i >= 0; i--) {
      if (existsSync(pathOf(base, i))) renameSync(pathOf(base, i), pathOf(base, i + 1));
    }
    sizes.set(base, 0);
  };

  const sink: LogSink = (record) => {
    if (broken) return;
    const base = fileFor(record.subsystem);
    const line = formatLogLine(record);
    const bytes = Buffer.byteLength(line);
    try {
      const size = currentSize(base);
      if (size > 0 && size + bytes > maxBytes) {
        if (maxFiles === 1) rmSync(pathOf(base, 0), { force: true });
        else rotate(base);
        sizes.set(base, 0);
      }
      appendFileSync(pathOf(base, 0), line, { mode: 0o600 });
      sizes.set(base, (sizes.get(base) ?? 0) + bytes);
    } catch (err) {
      // A full or read-only disk must not break calls: stop writing and say so once.
      broken = true;
      process.stderr.write(`Log files in ${dir} can no longer be written (${err instanceof Error ? err.message : String(err)}); logging to files stopped.\n`);
    }
  };

  const files = (): string[] => {
    if (!existsSync(dir)) return [];
    const names = readdirSync(dir).filter((n) => /^[A-Za-z0-9_-]+(\.\d+)?\.log$/.test(n));
    const rank = (n: string): [string, number] => {
      const m = /^(.*?)(?:\.(\d+))?\.log$/.exec(n)!;
      return [m[1]!, m[2] ? Number(m[2]) : 0];
    };
    return names
      .sort((a, b) => {
        const [ba, ia] = rank(a);
        const [bb, ib] = rank(b);
        return ba === bb ? ia - ib : ba.localeCompare(bb);
      })
      .map((n) => join(dir, n));
  };

  return { sink, files, dir };
}
