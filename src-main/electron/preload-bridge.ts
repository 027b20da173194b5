// What the preload exposes as window.softphoneBridge: one function per protocol command, each
// sending on its own channel, and an event subscription. Only plain data crosses: the
// IpcRendererEvent (which reaches ipcRenderer itself) is never handed to the page.
import { IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, type CommandType, type CoreEvent } from '../../shared/protocol';

export interface BridgeCommand {
  id: number;
  payload: unknown;
}

export interface SoftphoneBridge {
  invoke: Record<CommandType, (cmd: BridgeCommand) => void>;
  onEvent(cb: (e: CoreEvent) => void): () => void;
}

/** The parts of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createSoftphoneBridge(ipc: IpcRendererLike, commandTypes: readonly CommandType[]): SoftphoneBridge {
  const invoke = {} as Record<CommandType, (cmd: BridgeCommand) => void>;
  for (const type of commandTypes) {
    const channel = `${IPC_COMMAND_PREFIX}${type}`;
    invoke[type] = (cmd: BridgeCommand) => {
      // Copy the two fields: nothing else the page attached travels to the main process.
      ipc.send(channel, { id: cmd?.id, payload: cmd?.payload });
    };
  }
  return {
    invoke: Object.freeze(invoke) as Record<CommandType, (cmd: BridgeCommand) => void>,
    onEvent(cb) {
      const listener = (_event: unknown, data: unknown): void => cb(data as CoreEvent);
      ipc.on(IPC_EVENT_CHANNEL, listener);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, listener);
      };
    },
  };
}
