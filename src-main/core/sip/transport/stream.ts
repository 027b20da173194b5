// SIP over TCP: one connection to the outbound proxy, framed by Content-Length, kept alive with
// CRLF pings (RFC 5626). TCP is reliable, so no retransmission here. A reconnect gets a new local
// port: the owner is told (onLocalPort) so it can fix the Contact and re-REGISTER.
import net from 'node:net';
import { TransportState } from 'sip.js';
import { SipFramingError, SipStreamFramer } from '../framing';
import { NodeTransportBase, type NodeTransportOptions } from './base';

export interface TcpTransportOptions extends NodeTransportOptions {
  /** Called on every (re)connect with the new local port, before sip.js hears of the connection. */
  onLocalPort?: (port: number) => void;
  /** Called after a reconnect (not the first connect) once the transport is connected again. */
  onReconnected?: () => void;
  /** CRLFCRLF ping interval, ms (default 30 s). */
  keepaliveMs?: number;
  /** Delays between reconnect attempts, ms; the last one repeats. */
  reconnectDelaysMs?: number[];
  connectTimeoutMs?: number;
}

export class TcpTransport extends NodeTransportBase {
  readonly protocol = 'TCP';
  readonly #o: TcpTransportOptions;
  readonly #framer = new SipStreamFramer();
  #socket: net.Socket | undefined;
  #port = 0;
  #everConnected = false;
  #closing = false;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #connecting: Promise<void> | undefined;

  constructor(_logger: unknown, options: unknown) {
    const o = options as TcpTransportOptions;
    super(o);
    this.#o = o;
  }

  get localPort(): number {
    return this.#port;
  }

  connect(): Promise<void> {
    this.#closing = false;
    if (this.isConnected()) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  #open(): Promise<void> {
    const { host, port } = this.options.remote;
    this.setState(TransportState.Connecting);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress: this.options.localAddress });
      const timer = setTimeout(() => socket.destroy(new Error(`no TCP connection to ${host}:${port} within ${this.#o.connectTimeoutMs ?? 10_000} ms`)), this.#o.connectTimeoutMs ?? 10_000);
      socket.setNoDelay(true);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.#socket = socket;
        this.#port = socket.localPort ?? 0;
        this.#framer.reset();
        this.#attempt = 0;
        const reconnected = this.#everConnected;
        this.#everConnected = true;
        this.#startKeepalive();
        // Contact must carry the new port before sip.js sends anything on this connection.
        this.#o.onLocalPort?.(this.#port);
        this.setState(TransportState.Connected);
        resolve();
        if (reconnected) this.#o.onReconnected?.();
      });
      socket.on('data', (chunk: Buffer) => this.#onData(chunk, socket));
      socket.once('error', (error) => {
        clearTimeout(timer);
        this.log.warn(`TCP connection to ${host}:${port} failed`, error);
        if (this.#socket !== socket) reject(error);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.#socket !== socket) {
          reject(new Error(`TCP connection to ${host}:${port} closed`));
          return;
        }
        this.#socket = undefined;
        this.#stopKeepalive();
        if (this.#closing) {
          this.setState(TransportState.Disconnected);
          return;
        }
        this.setState(TransportState.Disconnected, new Error(`TCP connection to ${host}:${port} lost`));
        this.#scheduleReconnect();
      });
    });
  }

  #scheduleReconnect(): void {
    if (this.#closing || this.#reconnectTimer) return;
    const delays = this.#o.reconnectDelaysMs ?? [500, 1000, 2000, 4000, 8000, 16000, 30000];
    const delay = delays[Math.min(this.#attempt, delays.length - 1)] ?? 30000;
    this.#attempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#closing) return;
      this.connect().catch(() => this.#scheduleReconnect());
    }, delay);
  }

  #startKeepalive(): void {
    this.#stopKeepalive();
    const every = this.#o.keepaliveMs ?? 30_000;
    this.#keepalive = setInterval(() => this.#socket?.write('\r\n\r\n'), every);
    this.#keepalive.unref?.();
  }

  #stopKeepalive(): void {
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#keepalive = undefined;
  }

  #onData(chunk: Buffer, socket: net.Socket): void {
    let items;
    try {
      items = this.#framer.push(chunk);
    } catch (error) {
      // The stream cannot be resynchronised: drop the connection, the reconnect starts clean.
      this.log.warn('dropping TCP connection after an unparseable SIP stream', error instanceof SipFramingError ? error.message : error);
      socket.destroy();
      return;
    }
    for (const item of items) {
      if (item.type === 'ping') socket.write('\r\n');
      else if (item.type === 'message') this.deliverIncoming(item.text);
    }
  }

  async disconnect(): Promise<void> {
    this.#closing = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#stopKeepalive();
    const socket = this.#socket;
    if (!socket) {
      this.setState(TransportState.Disconnected);
      return;
    }
    this.setState(TransportState.Disconnecting);
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }

  async send(message: string): Promise<void> {
    const socket = this.#socket;
    if (!socket || !this.isConnected()) throw new Error('TCP transport is not connected');
    const { text } = this.prepareOutgoing(message);
    await new Promise<void>((resolve, reject) => socket.write(text, 'utf8', (error) => (error ? reject(error) : resolve())));
  }
}
