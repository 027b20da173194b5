// Per-subsystem loggers. Every line passes through redact() before any sink sees it.
import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  time: number;
  level: LogLevel;
  subsystem: string;
  message: string;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
  child(subsystem: string): Logger;
}

function formatDetail(detail: unknown): string {
  if (detail instanceof Error) return `${detail.name}: ${detail.message}`;
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

export class LogHub {
  readonly #sinks = new Set<LogSink>();
  readonly #secrets = new Set<string>();
  minLevel: LogLevel;

  constructor(minLevel: LogLevel = (process.env.SOFTPHONE_LOG_LEVEL as LogLevel | undefined) ?? 'info') {
    this.minLevel = LEVELS[minLevel] ? minLevel : 'info';
  }

  /** Adds a sink; returns its removal function. */
  addSink(sink: LogSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  /** Registers a secret (e.g. the SIP password) that must never appear in any line. */
  addSecret(secret: string | undefined): void {
    if (secret) this.#secrets.add(secret);
  }

  redact(text: string): string {
    return redact(text, [...this.#secrets]);
  }

  write(level: LogLevel, subsystem: string, message: string, details: unknown[]): void {
    if (LEVELS[level] < LEVELS[this.minLevel]) return;
    const full = details.length ? `${message} ${details.map(formatDetail).join(' ')}` : message;
    const record: LogRecord = { time: Date.now(), level, subsystem, message: this.redact(full) };
    for (const sink of this.#sinks) {
      try {
        sink(record);
      } catch {
        // A broken sink must not break calls.
      }
    }
  }

  logger(subsystem: string): Logger {
    const make = (name: string): Logger => ({
      debug: (m, ...d) => this.write('debug', name, m, d),
      info: (m, ...d) => this.write('info', name, m, d),
      warn: (m, ...d) => this.write('warn', name, m, d),
      error: (m, ...d) => this.write('error', name, m, d),
      child: (sub) => make(`${name}.${sub}`),
    });
    return make(subsystem);
  }
}

/** Sink that writes to stderr, for the browser shell and tests (SOFTPHONE_LOG_STDERR=1). */
export function stderrSink(record: LogRecord): void {
  process.stderr.write(`${new Date(record.time).toISOString()} ${record.level.toUpperCase()} [${record.subsystem}] ${record.message}\n`);
}

/** A logger that drops everything (tests, defaults). */
export const nullLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => nullLogger,
};
