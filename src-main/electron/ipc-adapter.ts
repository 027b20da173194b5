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
  /**
   * A command from the shell itself (tray, notification buttons) on the renderer's session: the
   * core serves one session at a time, so the shell shares it. Negative ids keep its results
   * apart; they are answered here and never reach the renderer.
   */
  command(type: CommandType, payload: unknown): Promise<ShellCommandResult>;
  /** A toast from the shell itself (hotkey taken, update ready...), queued like core events. */
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  dispose(): void;
}

export interface ShellCommandResult {
  ok: boolean;
  error?: string;
  data?: unknown;
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
  let nextShellId = -1;
  const shellPending = new Map<number, (r: ShellCommandResult) => void>();

  const send = (event: CoreEvent, gen: number): void => {
    if (gen !== generation) return; // an event of a detached session
    if (event.type === 'result' && event.payload.id < 0) {
      const done = shellPending.get(event.payload.id);
      shellPending.delete(event.payload.id);
      done?.({ ok: event.payload.ok, ...(event.payload.error ? { error: event.payload.error } : {}), ...(event.payload.data !== undefined ? { data: event.payload.data } : {}) });
      return;
    }
    if (ready && options.deliver(IPC_EVENT_CHANNEL, event)) return;
    ready = false;
    queue.push(event);
    if (queue.length > maxQueue) {
      queue.splice(0, queue.length - maxQueue);
      logger.warn(`renderer not ready: kept the newest ${maxQueue} events`);
    }
  };

  const attach = (): void => {
    // Shell commands of a detached session get no result any more: answer them now.
    for (const done of shellPending.values()) done({ ok: false, error: 'the app window reloaded; try again' });
    shellPending.clear();
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
    notice(level, message) {
      send({ type: 'notice', payload: { level, message } }, generation);
    },
    command(type, payload) {
      const id = nextShellId--;
      let command;
      try {
        command = parseCommand({ type, id, payload });
      } catch (err) {
        return Promise.resolve({ ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      return new Promise<ShellCommandResult>((resolve) => {
        shellPending.set(id, resolve);
        session.handle(command);
      });
    },
    dispose() {
      for (const done of shellPending.values()) done({ ok: false, error: 'the app is closing' });
      shellPending.clear();
      for (const [channel, listener] of listeners) ipcMain.removeListener(channel, listener);
      listeners.clear();
      session.detach();
      queue = [];
    },
  };
}
