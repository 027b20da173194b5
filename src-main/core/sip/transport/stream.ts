// SIP over a byte stream (TCP, TLS): one connection to the outbound proxy, framed by
// Content-Length, kept alive with CRLF pings (RFC 5626). Streams are reliable, so no
// retransmission here. A reconnect gets a new local port: the owner is told (onLocalPort) so it
// can fix the Contact and re-REGISTER. Subclasses only say how a connection is opened.
import type net from 'node:net';
import { TransportState } from 'sip.js';
import { SipFramingError, SipStreamFramer } from '../framing';
import { NodeTransportBase, type NodeTransportOptions } from './base';

export interface StreamTransportOptions extends NodeTransportOptions {
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

/** A connection being opened, and the event after which SIP may flow on it. */
export interface OpeningStream {
  socket: net.Socket;
  /** 'connect' for plain TCP; 'secureConnect' for TLS (after the handshake and certificate checks). */
  readyEvent: 'connect' | 'secureConnect';
}

export abstract class StreamTransport extends NodeTransportBase {
  readonly #o: StreamTransportOptions;
  readonly #framer = new SipStreamFramer();
  #socket: net.Socket | undefined;
  /** The connection being opened, until it is ready or fails: disconnect() must be able to abort it. */
  #opening: net.Socket | undefined;
  #port = 0;
  #everConnected = false;
  #closing = false;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #connecting: Promise<void> | undefined;
  #lastError: Error | undefined;

  protected constructor(options: StreamTransportOptions) {
    super(options);
    this.#o = options;
  }

  /** Starts opening a connection to `options.remote` from `options.localAddress`. */
  protected abstract openStream(): OpeningStream;

  /**
   * The error connect() rejects with when the connection failed before it was ready; TLS turns
   * certificate and handshake failures into its own error class here.
   */
  protected connectError(error: Error, _socket: net.Socket): Error {
    return error;
  }

  /** Why the last connection attempt failed (undefined once connected). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  get localPort(): number {
    return this.#port;
  }

  connect(): Promise<void> {
    this.#closing = false;
    if (this.isConnected()) return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    const connecting = this.#open().finally(() => {
      // A disconnect() + connect() may have started a newer attempt meanwhile.
      if (this.#connecting === connecting) this.#connecting = undefined;
    });
    this.#connecting = connecting;
    return connecting;
  }

  #open(): Promise<void> {
    const { host, port } = this.options.remote;
    this.setState(TransportState.Connecting);
    const proto = this.protocol;
    return new Promise((resolve, reject) => {
      const { socket, readyEvent } = this.openStream();
      this.#opening = socket;
      const timer = setTimeout(() => socket.destroy(new Error(`no ${proto} connection to ${host}:${port} within ${this.#o.connectTimeoutMs ?? 10_000} ms`)), this.#o.connectTimeoutMs ?? 10_000);
      socket.setNoDelay(true);
      let failure: Error | undefined;
      const abandoned = (): Error => new Error(`${proto} connection to ${host}:${port} abandoned: the transport was closed while connecting`);
      socket.once(readyEvent, () => {
        clearTimeout(timer);
        if (this.#opening === socket) this.#opening = undefined;
        if (this.#closing) {
          // disconnect() came while this was opening (account stopped): nobody wants it any more.
          failure = abandoned();
          socket.destroy();
          reject(failure);
          return;
        }
        this.#lastError = undefined;
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
        if (this.#opening === socket) this.#opening = undefined;
        if (this.#socket === socket) {
          this.log.warn(`${proto} connection to ${host}:${port} failed`, error);
          return;
        }
        failure = this.connectError(error, socket);
        this.#lastError = failure;
        this.log.warn(`${proto} connection to ${host}:${port} failed: ${failure.message}`);
        reject(failure);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.#opening === socket) this.#opening = undefined;
        if (this.#socket !== socket) {
          if (!failure && this.#closing) {
            failure = abandoned();
          } else if (!failure) {
            // Closed before it was ready without an error: for TLS the peer hung up mid-handshake.
            failure = this.connectError(new Error(`${proto} connection to ${host}:${port} closed`), socket);
            this.#lastError = failure;
          }
          reject(failure);
          return;
        }
        this.#socket = undefined;
        this.#stopKeepalive();
        if (this.#closing) {
          this.setState(TransportState.Disconnected);
          return;
        }
        this.setState(TransportState.Disconnected, new Error(`${proto} connection to ${host}:${port} lost`));
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
      this.log.warn(`dropping ${this.protocol} connection after an unparseable SIP stream`, error instanceof SipFramingError ? error.message : error);
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
    const opening = this.#opening;
    this.#opening = undefined;
    // Closing while connecting: abort the attempt, or it would connect later and leak (its
    // pending connect() rejects from the close handler).
    opening?.destroy();
    this.#connecting = undefined;
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
    if (!socket || !this.isConnected()) throw new Error(`${this.protocol} transport is not connected`);
    const { text } = this.prepareOutgoing(message);
    await new Promise<void>((resolve, reject) => socket.write(text, 'utf8', (error) => (error ? reject(error) : resolve())));
  }
}
