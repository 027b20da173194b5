// Messages between the Electron main process and the core running in a utilityProcess
// (core-host.ts). Both ends are ours and structured-clone the messages, so these are plain
// typed records; the renderer's untrusted commands are validated before they get here.
import type { CoreEvent } from '../../shared/protocol';
import type { AppSnapshot, CallSnapshot } from '../../shared/types';

export interface CoreHostInit {
  dataDir: string;
  logDir: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  profilePath?: string;
  provisioningPaths?: string[];
  /** Which shell hosts the core and its versions, for diagnostics. */
  app?: { shell: string; version?: string; versions?: Record<string, string> };
}

export type CoreMethod = 'dial' | 'answerRinging' | 'hangupActive' | 'toggleMute' | 'saveDiagnostics' | 'dispose';

export type MainToHost =
  | { kind: 'init'; init: CoreHostInit }
  | { kind: 'attach'; session: number }
  | { kind: 'handle'; session: number; raw: unknown }
  | { kind: 'detach'; session: number }
  | { kind: 'call'; id: number; method: CoreMethod; args: string[] }
  | { kind: 'secret-result'; id: number; ok: boolean; value?: string; error?: string };

export type HostToMain =
  | { kind: 'ready'; snapshot: AppSnapshot }
  | { kind: 'init-failed'; error: string }
  | { kind: 'event'; session: number; event: CoreEvent }
  | { kind: 'snapshot'; snapshot: AppSnapshot }
  | { kind: 'incomingCall'; call: CallSnapshot }
  | { kind: 'call-result'; id: number; ok: boolean; error?: string; value?: string }
  | { kind: 'secret'; id: number; op: 'get' | 'set' | 'delete'; key: string; value?: string };

/** One end of a message channel (utilityProcess / process.parentPort / an in-memory pair in tests). */
export interface MessagePortLike<In, Out> {
  postMessage(message: Out): void;
  onMessage(listener: (message: In) => void): () => void;
}
