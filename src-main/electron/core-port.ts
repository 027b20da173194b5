// What the Electron shell needs from the core. It mirrors the core's public API
// (src-main/core/index.ts) structurally, so the shell can drive either the core in a
// utilityProcess (RemoteCore, the default) or a core in this process (--core-in-main)
// without knowing which.
import type { CoreEvent } from '../../shared/protocol';
import type { AppSnapshot, CallSnapshot } from '../../shared/types';

export interface ClientConnection {
  send(event: CoreEvent): void;
}

export interface CoreSession {
  handle(raw: unknown): void;
  detach(): void;
}

export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface ShellCore {
  attach(client: ClientConnection): CoreSession;
  snapshot(): AppSnapshot;
  on(event: 'snapshot', listener: (s: AppSnapshot) => void): () => void;
  on(event: 'incomingCall', listener: (c: CallSnapshot) => void): () => void;
  dial(target: string): Promise<void>;
  answerRinging(): Promise<void>;
  hangupActive(): Promise<void>;
  toggleMute(): Promise<void>;
  isIdle(): boolean;
  dispose(): Promise<void>;
}

/** Idle = no call that is ringing, being set up, connected or held (ended calls linger in the list). */
export function isIdleSnapshot(snapshot: AppSnapshot): boolean {
  return snapshot.calls.every((c) => c.state === 'ended');
}
