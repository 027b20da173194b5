// Browser shell transport: a WebSocket to the core on 127.0.0.1, guarded by the access token
// from the page URL. Commands wait in a queue while the link is down; the link comes back with
// exponential backoff, and after a bounded number of attempts we stop and let the agent retry.
import type { Command } from '../../shared/protocol';
import { parseEvent } from './parse-event';
import type { ConnectionStatus, Transport, TransportHandlers } from './transport';

/** The subset of the DOM WebSocket we use (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WsTransportOptions {
  url: string;
  createSocket?: (url: string) => WebSocketLike;
  /** First retry delay; doubles each attempt up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts after a drop before we give up and show "failed". */
  maxAttempts?: number;
  /** Queue bound: a long outage must not pile up stale commands without limit. */
  maxQueue?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const OPEN = 1;

/** Builds ws://<host>/ws?token=<token> from the page location. */
export function webSocketUrlFromLocation(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}/ws?token=${encodeURIComponent(token)}`;
}

export class WebSocketTransport implements Transport {
  private socket: WebSocketLike | null = null;
  private handlers: TransportHandlers | null = null;
  private hello: (() => Command) | null = null;
  private queue: Command[] = [];
  /** Ids written on the current socket and not yet answered (so a drop can report them). */
  private inFlight = new Set<number>();
  private attempt = 0;
  private everOpened = false;
  private timer: unknown = null;
  private disposed = false;
  private status: ConnectionStatus = 'connecting';
  private readonly opts: Required<Omit<WsTransportOptions, 'url'>> & { url: string };

  constructor(options: WsTransportOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      initialDelayMs: 250,
      maxDelayMs: 5000,
      maxAttempts: 20,
      maxQueue: 100,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  start(handlers: TransportHandlers, hello: () => Command): void {
    this.handlers = handlers;
    this.hello = hello;
    handlers.onStatus(this.status);
    this.connect();
  }

  send(command: Command): void {
    if (this.socket && this.socket.readyState === OPEN && this.status === 'open') {
      this.write(command);
      return;
    }
    this.queue.push(command);
    if (this.queue.length > this.opts.maxQueue) {
      const dropped = this.queue.splice(0, this.queue.length - this.opts.maxQueue);
      this.handlers?.onLost(dropped.map((c) => c.id));
    }
  }

  retry(): void {
    if (this.disposed || this.status === 'open') return;
    this.attempt = 0;
    this.cancelTimer();
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onclose = s.onerror = null;
      s.onmessage = null;
      s.close(1000, 'renderer closing');
    }
  }

  private connect(): void {
    if (this.disposed) return;
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.everOpened = true;
      // hello must be the first message on every link: the core answers it with a snapshot.
      if (this.hello) this.write(this.hello());
      this.setStatus('open');
      const pending = this.queue;
      this.queue = [];
      for (const cmd of pending) this.write(cmd);
    };
    socket.onmessage = (ev) => {
      if (socket !== this.socket) return;
      let event;
      try {
        event = parseEvent(ev.data);
      } catch {
        return; // A malformed event is ignored; the next snapshot carries the whole state anyway.
      }
      if (event.type === 'result') this.inFlight.delete(event.payload.id);
      this.handlers?.onEvent(event);
    };
    socket.onerror = () => {
      // The close event follows and drives the reconnect.
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      const lost = [...this.inFlight];
      this.inFlight.clear();
      if (lost.length > 0) this.handlers?.onLost(lost);
      this.scheduleReconnect();
    };
  }

  private write(command: Command): void {
    if (!this.socket) return;
    this.inFlight.add(command.id);
    this.socket.send(JSON.stringify(command));
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    if (this.attempt >= this.opts.maxAttempts) {
      const dropped = this.queue.map((c) => c.id);
      this.queue = [];
      if (dropped.length > 0) this.handlers?.onLost(dropped);
      this.setStatus('failed');
      return;
    }
    const delay = Math.min(this.opts.maxDelayMs, this.opts.initialDelayMs * 2 ** this.attempt);
    this.attempt += 1;
    this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.handlers?.onStatus(status);
  }
}
