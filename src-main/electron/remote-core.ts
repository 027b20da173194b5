// The main-process face of the core running in a utilityProcess: implements ShellCore over a
// message port, keeps the latest snapshot so isIdle()/snapshot() answer synchronously (the
// updater and tray ask often), and serves the core's secret-store requests from safeStorage,
// which only exists in the main process.
import type { AppSnapshot, CallSnapshot } from '../../shared/types';
import type { CoreEvent } from '../../shared/protocol';
import type { CoreHostInit, CoreMethod, HostToMain, MainToHost, MessagePortLike } from './core-host-protocol';
import { isIdleSnapshot, type ClientConnection, type CoreSession, type SecretStore, type ShellCore } from './core-port';

export class CoreHostError extends Error {
  override name = 'CoreHostError';
}

type Listener<T> = (value: T) => void;

export interface RemoteCore extends ShellCore {
  /** The core process went away: fail pending calls, stop delivering events. */
  markGone(reason: string): void;
  /** Asks the core to write a diagnostics archive; resolves with its path. */
  saveDiagnostics(): Promise<string>;
}

export function startRemoteCore(
  port: MessagePortLike<HostToMain, MainToHost>,
  init: CoreHostInit,
  secrets: SecretStore | undefined,
  options: { startTimeoutMs?: number } = {},
): Promise<RemoteCore> {
  let latest: AppSnapshot | undefined;
  let gone: string | undefined;
  let nextSession = 1;
  let nextCall = 1;
  const sessions = new Map<number, ClientConnection>();
  const pending = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>();
  const snapshotListeners = new Set<Listener<AppSnapshot>>();
  const incomingListeners = new Set<Listener<CallSnapshot>>();

  const post = (m: MainToHost): void => {
    if (gone) return;
    port.postMessage(m);
  };

  const call = (method: CoreMethod, args: string[] = []): Promise<string | undefined> => {
    if (gone) return Promise.reject(new CoreHostError(`The call engine is not running (${gone}). Restart the app.`));
    const id = nextCall++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post({ kind: 'call', id, method, args });
    });
  };

  const serveSecret = async (m: Extract<HostToMain, { kind: 'secret' }>): Promise<void> => {
    try {
      if (!secrets) throw new CoreHostError('no secret store in this shell');
      if (m.op === 'get') post({ kind: 'secret-result', id: m.id, ok: true, value: await secrets.get(m.key) });
      else if (m.op === 'set') {
        await secrets.set(m.key, m.value ?? '');
        post({ kind: 'secret-result', id: m.id, ok: true });
      } else {
        await secrets.delete(m.key);
        post({ kind: 'secret-result', id: m.id, ok: true });
      }
    } catch (err) {
      post({ kind: 'secret-result', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  };

  const core: RemoteCore = {
    attach(client) {
      const session = nextSession++;
      sessions.set(session, client);
      post({ kind: 'attach', session });
      const s: CoreSession = {
        handle: (raw) => post({ kind: 'handle', session, raw }),
        detach: () => {
          if (sessions.delete(session)) post({ kind: 'detach', session });
        },
      };
      return s;
    },
    snapshot() {
      if (!latest) throw new CoreHostError('the core has not started yet');
      return latest;
    },
    on(event: 'snapshot' | 'incomingCall', listener: Listener<AppSnapshot> | Listener<CallSnapshot>) {
      const set = (event === 'snapshot' ? snapshotListeners : incomingListeners) as Set<typeof listener>;
      set.add(listener);
      return () => set.delete(listener);
    },
    dial: async (target) => void (await call('dial', [target])),
    answerRinging: async () => void (await call('answerRinging')),
    hangupActive: async () => void (await call('hangupActive')),
    toggleMute: async () => void (await call('toggleMute')),
    saveDiagnostics: async () => (await call('saveDiagnostics')) ?? '',
    isIdle: () => (latest ? isIdleSnapshot(latest) : true),
    async dispose() {
      if (gone) return;
      try {
        await call('dispose');
      } finally {
        core.markGone('disposed');
      }
    },
    markGone(reason) {
      if (gone) return;
      gone = reason;
      for (const p of pending.values()) p.reject(new CoreHostError(`The call engine stopped (${reason}).`));
      pending.clear();
      unsubscribe();
    },
  } as RemoteCore;

  let unsubscribe: () => void = () => {};
  return new Promise<RemoteCore>((resolve, reject) => {
    const timer = setTimeout(() => {
      core.markGone('start timeout');
      reject(new CoreHostError('The call engine did not start within the time limit. Check the logs (Save diagnostics) and restart the app.'));
    }, options.startTimeoutMs ?? 30_000);
    timer.unref?.();
    unsubscribe = port.onMessage((m) => {
      switch (m.kind) {
        case 'ready':
          latest = m.snapshot;
          clearTimeout(timer);
          resolve(core);
          break;
        case 'init-failed':
          clearTimeout(timer);
          core.markGone(m.error);
          reject(new CoreHostError(`The call engine could not start: ${m.error}`));
          break;
        case 'snapshot':
          latest = m.snapshot;
          for (const l of snapshotListeners) l(m.snapshot);
          break;
        case 'incomingCall':
          for (const l of incomingListeners) l(m.call);
          break;
        case 'event':
          sessions.get(m.session)?.send(m.event as CoreEvent);
          break;
        case 'call-result': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (m.ok) p?.resolve(m.value);
          else p?.reject(new CoreHostError(m.error ?? 'the call engine refused the request'));
          break;
        }
        case 'secret':
          void serveSecret(m);
          break;
      }
    });
    post({ kind: 'init', init });
  });
}
