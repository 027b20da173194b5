// Where the SIP password lives. Electron passes a safeStorage-backed store; the browser shell
// and headless runs use this file, readable only by the user (0600), because the password must
// never sit in settings.json or any log.
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file';

export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

export const SECRETS_FILE = 'secrets.json';
const FILE_MODE = 0o600;

/** JSON file of key -> secret with mode 0600; a file others can read is fixed (chmod) before use. */
export class FileSecretStore implements SecretStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, SECRETS_FILE);
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.#read()[key];
    return typeof value === 'string' ? value : undefined;
  }

  async set(key: string, value: string): Promise<void> {
    const all = this.#read();
    all[key] = value;
    this.#write(all);
  }

  async delete(key: string): Promise<void> {
    const all = this.#read();
    if (!(key in all)) return;
    delete all[key];
    this.#write(all);
  }

  #read(): Record<string, unknown> {
    if (!existsSync(this.path)) return {};
    this.#checkMode();
    try {
      const data: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...(data as Record<string, unknown>) } : {};
    } catch (err) {
      throw new SecretStoreError(`The password file ${this.path} cannot be read (${err instanceof Error ? err.message : String(err)}); enter the password again in Settings.`);
    }
  }

  /** Someone (a copy, a restore from backup) may have widened the mode: narrow it again. */
  #checkMode(): void {
    if (process.platform === 'win32') return;
    const mode = statSync(this.path).mode & 0o777;
    if (mode !== FILE_MODE) chmodSync(this.path, FILE_MODE);
  }

  #write(all: Record<string, unknown>): void {
    writeFileAtomic(this.path, JSON.stringify(all), FILE_MODE);
  }
}

/** In-memory store for tests and headless runs that must not touch disk. */
export class MemorySecretStore implements SecretStore {
  readonly #values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.#values.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }
}
