// The utilityProcess side: creates the core, relays sessions and method calls, and asks the
// main process for secrets. Plain Node (no electron import) so it is tested without Electron.
import type { AppSnapshot } from '../../shared/types';
import type { CoreHostInit, CoreMethod, HostToMain, MainToHost, MessagePortLike } from './core-host-protocol';
import type { CoreSession, SecretStore, ShellCore } from './core-port';

export interface HostedCore extends ShellCore {
  /** Optional: writes a diagnostics archive and returns its path. */
  saveDiagnostics?(): Promise<string>;
}

export type HostedCoreFactory = (init: CoreHostInit, secrets: SecretStore) => Promise<HostedCore>;

export class SecretStoreRequestError extends Error {
  override name = 'SecretStoreRequestError';
}

export function serveCoreHost(port: MessagePortLike<MainToHost, HostToMain>, factory: HostedCoreFactory): { dispose(): void } {
  let core: HostedCore | undefined;
  let starting = false;
  const early: MainToHost[] = [];
  const sessions = new Map<number, CoreSession>();
  const secretRequests = new Map<number, { resolve: (v: string | undefined) => void; reject: (e: Error) => void }>();
  let nextSecret = 1;
  const unsubs: Array<() => void> = [];

  const askSecret = (op: 'get' | 'set' | 'delete', key: string, value?: string): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const id = nextSecret++;
      secretRequests.set(id, { resolve, reject });
      port.postMessage({ kind: 'secret', id, op, key, ...(value !== undefined ? { value } : {}) });
    });

  const secrets: SecretStore = {
    get: (key) => askSecret('get', key),
    set: async (key, value) => void (await askSecret('set', key, value)),
    delete: async (key) => void (await askSecret('delete', key)),
  };

  const runMethod = async (c: HostedCore, method: CoreMethod, args: string[]): Promise<string | undefined> => {
    switch (method) {
      case 'dial':
        await c.dial(args[0] ?? '');
        return undefined;
      case 'answerRinging':
        await c.answerRinging();
        return undefined;
      case 'hangupActive':
        await c.hangupActive();
        return undefined;
      case 'toggleMute':
        await c.toggleMute();
        return undefined;
      case 'saveDiagnostics':
        if (!c.saveDiagnostics) throw new Error('this core cannot save diagnostics');
        return c.saveDiagnostics();
      case 'dispose':
        await c.dispose();
        return undefined;
    }
  };

  const handle = (m: MainToHost, c: HostedCore): void => {
    switch (m.kind) {
      case 'attach':
        sessions.set(m.session, c.attach({ send: (event) => port.postMessage({ kind: 'event', session: m.session, event }) }));
        break;
      case 'handle':
        sessions.get(m.session)?.handle(m.raw);
        break;
      case 'detach':
        sessions.get(m.session)?.detach();
        sessions.delete(m.session);
        break;
      case 'call':
        runMethod(c, m.method, m.args).then(
          (value) => port.postMessage({ kind: 'call-result', id: m.id, ok: true, ...(value !== undefined ? { value } : {}) }),
          (err: unknown) => port.postMessage({ kind: 'call-result', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        break;
      default:
        break;
    }
  };

  unsubs.push(
    port.onMessage((m) => {
      if (m.kind === 'secret-result') {
        const req = secretRequests.get(m.id);
        secretRequests.delete(m.id);
        if (m.ok) req?.resolve(m.value);
        else req?.reject(new SecretStoreRequestError(m.error ?? 'secret store failed'));
        return;
      }
      if (m.kind === 'init') {
        if (starting || core) return;
        starting = true;
        factory(m.init, secrets).then(
          (c) => {
            core = c;
            unsubs.push(c.on('snapshot', (snapshot: AppSnapshot) => port.postMessage({ kind: 'snapshot', snapshot })));
            unsubs.push(c.on('incomingCall', (call) => port.postMessage({ kind: 'incomingCall', call })));
            port.postMessage({ kind: 'ready', snapshot: c.snapshot() });
            for (const e of early.splice(0)) handle(e, c);
          },
          (err: unknown) => port.postMessage({ kind: 'init-failed', error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      if (core) handle(m, core);
      else early.push(m);
    }),
  );

  return {
    dispose() {
      for (const u of unsubs.splice(0)) u();
    },
  };
}
