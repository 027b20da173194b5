// The renderer's one way to talk to the core: typed commands with ids, answered by `result`
// events, and typed event subscriptions. Transport-agnostic (IPC or WebSocket).
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { Command, CommandPayload, CommandType, CoreEvent, EventMap, EventType } from '../../shared/protocol';
import type { ConnectionStatus, Transport } from './transport';

export type CommandResult = EventMap['result'];

export interface CommandSender {
  /** Sends a command; resolves with the core's result (never rejects: failures are results with ok=false). */
  request<T extends CommandType>(type: T, payload: CommandPayload<T>): Promise<CommandResult>;
  /** Fire and forget (logs, rtc descriptions): nobody waits for the result. */
  send<T extends CommandType>(type: T, payload: CommandPayload<T>): void;
}

type Listener<T extends EventType> = (payload: EventMap[T]) => void;

export interface SignalingClientOptions {
  /** How long a command may wait for its result before it counts as failed. */
  resultTimeoutMs?: number;
}

const NOT_CONNECTED_MESSAGE = 'Not connected to the phone service — it is reconnecting; try again in a moment';
const LOST_MESSAGE = 'The connection to the phone service dropped before it answered — check the call list and try again if needed';

export class SignalingClient implements CommandSender {
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: CommandResult) => void; timer: ReturnType<typeof setTimeout> }>();
  private listeners = new Map<EventType, Set<(payload: never) => void>>();
  private statusListeners = new Set<(s: ConnectionStatus) => void>();
  private status: ConnectionStatus = 'connecting';
  private helloId = -1;
  private readonly resultTimeoutMs: number;

  constructor(private readonly transport: Transport, options: SignalingClientOptions = {}) {
    this.resultTimeoutMs = options.resultTimeoutMs ?? 15_000;
  }

  start(): void {
    this.transport.start(
      {
        onEvent: (e) => this.dispatch(e),
        onStatus: (s) => {
          this.status = s;
          for (const l of this.statusListeners) l(s);
        },
        onLost: (ids) => {
          for (const id of ids) this.settle({ id, ok: false, error: LOST_MESSAGE });
        },
      },
      () => {
        this.helloId = this.allocateId();
        return { type: 'hello', id: this.helloId, payload: { protocol: PROTOCOL_VERSION } };
      },
    );
  }

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  /**
   * Sends a command the agent is waiting on. While the link is down it fails at once instead
   * of waiting in the transport's queue: a command the agent was told had failed must not be
   * carried out later (a call placed twice after a retry), and the snapshot after the
   * reconnect shows the real state anyway.
   */
  request<T extends CommandType>(type: T, payload: CommandPayload<T>): Promise<CommandResult> {
    const id = this.allocateId();
    if (this.status !== 'open') return Promise.resolve({ id, ok: false, error: NOT_CONNECTED_MESSAGE });
    return new Promise<CommandResult>((resolve) => {
      const timer = setTimeout(
        () => this.settle({ id, ok: false, error: 'The phone service did not answer in time — try again' }),
        this.resultTimeoutMs,
      );
      this.pending.set(id, { resolve, timer });
      this.transport.send({ type, id, payload } as Command);
    });
  }

  send<T extends CommandType>(type: T, payload: CommandPayload<T>): void {
    this.transport.send({ type, id: this.allocateId(), payload } as Command);
  }

  on<T extends EventType>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Id of the hello on the current link, so its (failed) result can be told apart. */
  get currentHelloId(): number {
    return this.helloId;
  }

  retry(): void {
    this.transport.retry();
  }

  dispose(): void {
    this.transport.dispose();
    for (const [id] of this.pending) this.settle({ id, ok: false, error: 'The app is closing' });
    this.listeners.clear();
    this.statusListeners.clear();
  }

  private allocateId(): number {
    return this.nextId++;
  }

  private settle(result: CommandResult): void {
    const entry = this.pending.get(result.id);
    if (!entry) return;
    this.pending.delete(result.id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  private dispatch(event: CoreEvent): void {
    if (event.type === 'result') this.settle(event.payload);
    const set = this.listeners.get(event.type);
    if (!set) return;
    for (const l of set) (l as (p: typeof event.payload) => void)(event.payload);
  }
}
