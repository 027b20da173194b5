// SecretStore on Electron's safeStorage (DPAPI / Keychain / libsecret). Values are encrypted
// into one JSON file in userData. Where no OS keyring protects the key (Linux "basic_text"
// backend or no backend), we refuse to store rather than write something decryptable by anyone
// who copies the file; the password then lives for this session only.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretStore } from './core-port';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

export class SecretStoreUnavailableError extends Error {
  override name = 'SecretStoreUnavailableError';
}

export function secureStorageProblem(safeStorage: SafeStorageLike, platform: string): string | undefined {
  if (!safeStorage.isEncryptionAvailable()) {
    return platform === 'linux'
      ? 'The password cannot be saved because no system keyring is available (install and unlock GNOME Keyring or KWallet, then sign in again). It is kept for this session only.'
      : 'The password cannot be saved because the system\'s secure storage is not available. It is kept for this session only.';
  }
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend) {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return 'The password cannot be saved because no system keyring is available (Electron would fall back to an unprotected key). Install and unlock GNOME Keyring or KWallet. It is kept for this session only.';
    }
  }
  return undefined;
}

export function createSafeStorageSecretStore(options: { safeStorage: SafeStorageLike; file: string; platform: string }): SecretStore {
  const { safeStorage, file, platform } = options;
  const memory = new Map<string, string>();

  const read = (): Record<string, string> => {
    if (!existsSync(file)) return {};
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return typeof data === 'object' && data !== null ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  const write = (data: Record<string, string>): void => {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, file);
    chmodSync(file, 0o600);
  };

  return {
    async get(key) {
      if (memory.has(key)) return memory.get(key);
      const enc = read()[key];
      if (enc === undefined) return undefined;
      if (secureStorageProblem(safeStorage, platform)) return undefined;
      try {
        return safeStorage.decryptString(Buffer.from(enc, 'base64'));
      } catch {
        // Encrypted under another user/keyring: treat as not stored, the agent types it again.
        return undefined;
      }
    },
    async set(key, value) {
      memory.set(key, value);
      const problem = secureStorageProblem(safeStorage, platform);
      if (problem) throw new SecretStoreUnavailableError(problem);
      const data = read();
      data[key] = safeStorage.encryptString(value).toString('base64');
      write(data);
    },
    async delete(key) {
      memory.delete(key);
      const data = read();
      if (key in data) {
        delete data[key];
        write(data);
      }
    },
  };
}
