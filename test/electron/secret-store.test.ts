import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSafeStorageSecretStore, SecretStoreUnavailableError, type SafeStorageLike } from '../../src-main/electron/secret-store';

// Stand-in for the OS keyring: reversible, but visibly not the plaintext.
function fakeSafeStorage(available: boolean, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
    decryptString: (b) => {
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('bad ciphertext');
      return Buffer.from(t.slice(4), 'hex').toString();
    },
    getSelectedStorageBackend: () => backend,
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(): string {
  const d = mkdtempSync(join(tmpdir(), 'secrets-'));
  dirs.push(d);
  return join(d, 'secrets.json');
}

describe('safeStorage secret store', () => {
  it('stores encrypted values in a 0600 file and reads them back in a new store', async () => {
    const path = file();
    const store = createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(true), file: path, platform: 'linux' });
    await store.set('sip.password', 'secret1001');
    expect(readFileSync(path, 'utf8')).not.toContain('secret1001');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(true), file: path, platform: 'linux' });
    expect(await again.get('sip.password')).toBe('secret1001');
    await again.delete('sip.password');
    expect(await createSafeStorageSecretStore({ safeStorage: fakeSafeStorage(true), file: path, platform: 'linux' }).get('sip.password')).toBeUndefined();
  });

  it.each([
    ['no encryption available', fakeSafeStorage(false), 'win32'],
    ['Linux without a keyring (basic_text)', fakeSafeStorage(true, 'basic_text'), 'linux'],
  ])('refuses to write when %s, keeps the value for this session only', async (_what, safeStorage, platform) => {
    const path = file();
    const store = createSafeStorageSecretStore({ safeStorage, file: path, platform });
    await expect(store.set('sip.password', 'secret1001')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
    await expect(store.set('sip.password', 'secret1001')).rejects.toThrow(/cannot be saved.*session only/);
    expect(() => statSync(path)).toThrow();
    expect(await store.get('sip.password')).toBe('secret1001');
  });
});
