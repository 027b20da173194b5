// Call history on disk (dataDir/history.json), newest first, bounded so a long career of
// calls never grows the file or the snapshot without limit.
import { existsSync, readFileSync } from 'node:fs';
import type { HistoryEntry } from '../../../shared/types';
import { writeFileAtomic } from '../config/atomic-file';
import type { Logger } from '../log/logger';

export const HISTORY_LIMIT = 200;

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<HistoryEntry>;
  return typeof e.callId === 'string' && (e.direction === 'inbound' || e.direction === 'outbound') && typeof e.startedAt === 'number'
    && typeof e.durationSec === 'number' && typeof e.missed === 'boolean' && typeof e.remote === 'object' && e.remote !== null;
}

export class HistoryStore {
  readonly #path: string | undefined;
  readonly #log: Logger;
  readonly #limit: number;
  #entries: HistoryEntry[] = [];

  /** Without a path the history lives in memory only. */
  constructor(path: string | undefined, log: Logger, limit = HISTORY_LIMIT) {
    this.#path = path;
    this.#log = log;
    this.#limit = limit;
    this.#entries = this.#load();
  }

  entries(): HistoryEntry[] {
    return this.#entries;
  }

  add(entry: HistoryEntry): void {
    this.#entries = [entry, ...this.#entries].slice(0, this.#limit);
    this.#save();
  }

  #load(): HistoryEntry[] {
    if (!this.#path || !existsSync(this.#path)) return [];
    try {
      const data: unknown = JSON.parse(readFileSync(this.#path, 'utf8'));
      if (!Array.isArray(data)) throw new Error('not a list');
      return data.filter(isEntry).slice(0, this.#limit);
    } catch (err) {
      // A damaged history must not keep the app from starting; it restarts empty.
      this.#log.warn(`call history ${this.#path} unreadable, starting empty`, err);
      return [];
    }
  }

  #save(): void {
    if (!this.#path) return;
    try {
      writeFileAtomic(this.#path, JSON.stringify(this.#entries));
    } catch (err) {
      this.#log.error(`call history could not be written to ${this.#path}`, err);
    }
  }
}
