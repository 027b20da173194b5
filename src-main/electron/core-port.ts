// What the Electron shell needs from the core: the core's public API (src-main/core/index.ts),
// so the shell can drive either the core in a utilityProcess (RemoteCore, the default) or a
// core in this process (--core-in-main) without knowing which.
import type { AppSnapshot } from '../../shared/types';
import type { Core } from '../core/index';

// Type-only: the shell never loads the core's code into the main process by importing it here.
export type { ClientConnection, CoreSession, SecretStore } from '../core/index';

/** The core as the shell drives it: the core's own API, in this process or behind RemoteCore. */
export type ShellCore = Core;

/** Idle = no call that is ringing, being set up, connected or held (ended calls linger in the list). */
export function isIdleSnapshot(snapshot: AppSnapshot): boolean {
  return snapshot.calls.every((c) => c.state === 'ended');
}
