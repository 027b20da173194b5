// The last N SIP messages, kept in memory for "Save diagnostics": when a call fails, support
// needs the exact INVITE/response exchange, and keeping it in RAM (bounded) avoids writing
// every message of a shift to disk. Messages arrive already redacted from the SIP account;
// diagnostics redacts them again before they leave the process.
import type { SipAccount } from './sip/types';

export interface SipTraceEntry {
  time: number;
  direction: 'in' | 'out';
  text: string;
}

export interface SipTraceOptions {
  /** Messages kept. Default 200. */
  maxMessages?: number;
  /** Bytes kept in total (a few big SDP bodies must not grow memory without bound). Default 1 MiB. */
  maxBytes?: number;
  now?: () => number;
}

export class SipTrace {
  readonly #entries: SipTraceEntry[] = [];
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: SipTraceOptions = {}) {
    this.#maxMessages = Math.max(1, options.maxMessages ?? 200);
    this.#maxBytes = Math.max(1024, options.maxBytes ?? 1024 * 1024);
    this.#now = options.now ?? Date.now;
  }

  record(direction: 'in' | 'out', text: string): void {
    const entry = { time: this.#now(), direction, text: text.length > this.#maxBytes ? text.slice(0, this.#maxBytes) : text };
    this.#entries.push(entry);
    this.#bytes += entry.text.length;
    while (this.#entries.length > this.#maxMessages || this.#bytes > this.#maxBytes) {
      const dropped = this.#entries.shift();
      if (!dropped) break;
      this.#bytes -= dropped.text.length;
    }
  }

  /** Follows an account's messages; returns the unsubscribe function. */
  follow(account: Pick<SipAccount, 'on'>): () => void {
    return account.on('message', (direction, text) => this.record(direction, text));
  }

  entries(): SipTraceEntry[] {
    return this.#entries.slice();
  }

  clear(): void {
    this.#entries.length = 0;
    this.#bytes = 0;
  }

  /** Human-readable dump, oldest first, in the style of sngrep/pjsip logs. */
  format(): string {
    return formatSipEntries(this.#entries);
  }
}

/** SipTrace.format() for entries already taken out of a trace (diagnostics gets either). */
export function formatSipEntries(entries: readonly SipTraceEntry[]): string {
  return entries
    .map((e) => `----- ${new Date(e.time).toISOString()} ${e.direction === 'in' ? 'RECEIVED' : 'SENT'} -----\n${e.text.replace(/\r\n/g, '\n').trimEnd()}\n`)
    .join('\n');
}
