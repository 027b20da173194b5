// What the signaling client needs from a transport (Electron IPC or the browser shell's WebSocket).
import type { Command, CommandType, CoreEvent } from '../../shared/protocol';

/**
 * connecting: first attempt under way; open: commands flow; reconnecting: the link dropped and
 * we are trying again; failed: we gave up (bounded retries) and need the agent to act.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'failed';

export interface TransportHandlers {
  onEvent(event: CoreEvent): void;
  onStatus(status: ConnectionStatus): void;
  /** Commands that were written to a link that then closed: the core may never answer them. */
  onLost(ids: number[]): void;
}

export interface Transport {
  /** Sends now if the link is open, otherwise queues until it opens. */
  send(command: Command): void;
  /** Starts connecting; `hello` builds the first message of every new link. */
  start(handlers: TransportHandlers, hello: () => Command): void;
  /** Starts a fresh round of reconnect attempts after the transport gave up. */
  retry(): void;
  dispose(): void;
}

/** The Electron preload's bridge: one function per command, one event subscription. */
export interface SoftphoneBridge {
  invoke: Record<CommandType, (cmd: { id: number; payload: unknown }) => void>;
  onEvent(cb: (event: CoreEvent) => void): () => void;
}

declare global {
  interface Window {
    softphoneBridge?: SoftphoneBridge;
  }
}
