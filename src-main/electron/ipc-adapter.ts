// The shared protocol over Electron IPC (main side). One channel per command, as the preload
// sends them; every message is checked twice before the core sees it: the sender frame must be
// our window's top frame on our own origin, and the payload must pass the command's schema.
// Events the core sends before the renderer said `hello` (and while it reloads) are queued,
// electron/fiddle style, and flushed in order once it is ready.
import { commandSchemas, IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, parseCommand, ProtocolError, type CommandType, type CoreEvent } from '../../shared/protocol';
import type { Logger } from '../core/log/logger';
import type { CoreSession, ShellCore } from './core-port';

/** The parts of Electron's IpcMainEvent we use (a fake in tests). */
export interface IpcSenderFrame {
  url: string;
  /** null for a top-level frame. */
  parent: unknown;
}
export interface IpcEventLike {
  senderFrame: IpcSenderFrame | null | undefined;
  sender: { id: number };
}
export type IpcListener = (event: IpcEventLike, ...args: unknown[]) => void;
export interface IpcMainLike {
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export interface IpcAdapterOptions {
  ipcMain: IpcMainLike;
  core: ShellCore;
  /** True if the message comes from our window's main frame (checked on every message). */
  isTrustedSender(event: IpcEventLike): boolean;
  /** Delivers an event to the renderer (webContents.send(IPC_EVENT_CHANNEL, event)); false if there is no live renderer. */
  deliver(channel: typeof IPC_EVENT_CHANNEL, event: CoreEvent): boolean;
  logger: Logger;
  /** Events kept while the renderer is not ready. Oldest are dropped beyond this (snapshots are whole state). */
  maxQueue?: number;
}

export interface IpcAdapter {
  /** The renderer is gone or navigating/reloading: queue until its next hello. */
  rendererGone(): void;
  /** Switch to a new core (after the core process restarted); the renderer must say hello again. */
  setCore(core: ShellCore): void;
  readonly ready: boolean;
  queued(): number;
  dispose(): void;
}

export const COMMAND_TYPES = Object.keys(commandSchemas) as CommandType[];

export function createIpcAdapter(options: IpcAdapterOptions): IpcAdapter {
  const { ipcMain, logger } = options;
  const maxQueue = options.maxQueue ?? 500;
  let core = options.core;
  let ready = false;
  let queue: CoreEvent[] = [];
  let generation = 0;
  let session: CoreSession;

  const send = (event: CoreEvent, gen: number): void => {
    if (gen !== generation) return; // an event of a detached session
    if (ready && options.deliver(IPC_EVENT_CHANNEL, event)) return;
    ready = false;
    queue.push(event);
    if (queue.length > maxQueue) {
      queue.splice(0, queue.length - maxQueue);
      logger.warn(`renderer not ready: kept the newest ${maxQueue} events`);
    }
  };

  const attach = (): void => {
    const gen = ++generation;
    session = core.attach({ send: (event) => send(event, gen) });
  };
  attach();

  const flush = (): void => {
    const pending = queue;
    queue = [];
    for (let i = 0; i < pending.length; i++) {
      if (!options.deliver(IPC_EVENT_CHANNEL, pending[i]!)) {
        ready = false;
        queue = pending.slice(i).concat(queue);
        return;
      }
    }
  };

  const listeners = new Map<string, IpcListener>();
  for (const type of COMMAND_TYPES) {
    const channel = `${IPC_COMMAND_PREFIX}${type}`;
    const listener: IpcListener = (event, message) => {
      if (!options.isTrustedSender(event)) {
        logger.warn(`ignored ${type} from an untrusted frame (${event.senderFrame?.url ?? 'no frame'})`);
        return;
      }
      const { id, payload } = (typeof message === 'object' && message !== null ? message : {}) as { id?: unknown; payload?: unknown };
      let command;
      try {
        command = parseCommand({ type, id, payload });
      } catch (err) {
        const reason = err instanceof ProtocolError ? err.message : String(err);
        logger.warn(`rejected ${type}: ${reason}`);
        if (typeof id === 'number' && Number.isInteger(id)) {
          options.deliver(IPC_EVENT_CHANNEL, { type: 'result', payload: { id, ok: false, error: `The app sent an invalid request (${reason}).` } });
        }
        return;
      }
      if (command.type === 'hello') {
        if (ready) {
          // A second hello without rendererGone(): the page reloaded by itself. Start a fresh
          // session so the core sends a full snapshot rather than continuing the old stream.
          session.detach();
          queue = [];
          attach();
        }
        ready = true;
        flush();
      }
      session.handle(command);
    };
    listeners.set(channel, listener);
    ipcMain.on(channel, listener);
  }

  return {
    rendererGone() {
      if (!ready) return;
      ready = false;
      // The next page load says hello on a fresh session; what the old page missed is moot.
      session.detach();
      queue = [];
      attach();
    },
    setCore(next) {
      session.detach();
      core = next;
      ready = false;
      queue = [];
      attach();
    },
    get ready() {
      return ready;
    },
    queued: () => queue.length,
    dispose() {
      for (const [channel, listener] of listeners) ipcMain.removeListener(channel, listener);
      listeners.clear();
      session.detach();
      queue = [];
    },
  };
}
