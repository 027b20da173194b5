// SIP over UDP: one bound dgram socket, one flow to the outbound proxy, with the RFC 3261
// retransmission sip.js lacks (retransmit.ts). The socket is bound before the UserAgent exists
// so the Contact can carry the real port.
import dgram from 'node:dgram';
import { TransportState } from 'sip.js';
import { RetransmissionEngine, realClock, type Clock, type TimerValues, RFC3261_TIMERS } from '../retransmit';
import { peekMessage, timeoutResponseFor } from '../wire';
import { NodeTransportBase, type NodeTransportOptions } from './base';

const MAX_REMEMBERED_SOURCES = 2048;

export interface UdpTransportOptions extends NodeTransportOptions {
  /** Already bound (bindUdpSocket); the transport owns it from now on and closes it on dispose. */
  socket: dgram.Socket;
  clock?: Clock;
  timers?: TimerValues;
}

/** Binds a UDP socket on localAddress, port 0 (any free port). */
export function bindUdpSocket(localAddress: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, localAddress, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export class UdpTransport extends NodeTransportBase {
  readonly protocol = 'UDP';
  readonly #socket: dgram.Socket;
  readonly #engine: RetransmissionEngine;
  readonly #port: number;
  #closed = false;
  #dropped = 0;
  /** Where each request (branch + method) came from, to send its responses back there. */
  readonly #requestSources = new Map<string, { host: string; port: number }>();

  constructor(_logger: unknown, options: unknown) {
    const o = options as UdpTransportOptions;
    super(o);
    this.#socket = o.socket;
    this.#port = o.socket.address().port;
    this.#engine = new RetransmissionEngine((text) => this.#write(text), o.clock ?? realClock, o.timers ?? RFC3261_TIMERS);
    // Our timers give up at 64*T1 like sip.js's own B/F; whichever fires first ends the transaction.
    this.#engine.onTimeout = (request) => {
      if (/^ACK /.test(request)) return;
      const response = timeoutResponseFor(request);
      if (response && !this.#closed) {
        this.log.info(`no answer from ${this.options.remote.host}:${this.options.remote.port} within 64*T1`);
        this.deliverIncoming(response);
      }
    };
    this.#socket.on('message', (buf, rinfo) => this.#onDatagram(buf, rinfo));
    this.#socket.on('error', (error) => this.log.warn('UDP socket error', error));
  }

  get localPort(): number {
    return this.#port;
  }

  async connect(): Promise<void> {
    if (this.#closed) throw new Error('UDP transport is closed');
    this.setState(TransportState.Connected);
  }

  async disconnect(): Promise<void> {
    this.setState(TransportState.Disconnected);
  }

  async dispose(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#engine.dispose();
    this.setState(TransportState.Disconnected);
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  async send(message: string): Promise<void> {
    if (this.#closed) throw new Error('UDP transport is closed');
    const { text, info } = this.prepareOutgoing(message);
    // Track first: on loopback the response can arrive before the send callback runs.
    if (info) this.#engine.outgoing(text, info);
    await this.#writeAsync(text);
  }

  /**
   * Requests go to the outbound proxy. Responses go where their request came from (RFC 3261
   * 18.2.2 with rport, RFC 3581): usually the proxy too, but a peer may send to us directly.
   */
  #destination(text: string): { host: string; port: number } {
    if (text.startsWith('SIP/2.0 ')) {
      const info = peekMessage(text);
      const source = info && this.#requestSources.get(`${info.branch} ${info.cseqMethod}`);
      if (source) return source;
    }
    return this.options.remote;
  }

  #writeAsync(text: string): Promise<void> {
    const { host, port } = this.#destination(text);
    return new Promise((resolve, reject) => {
      this.#socket.send(Buffer.from(text, 'utf8'), port, host, (error) => (error ? reject(error) : resolve()));
    });
  }

  #write(text: string): void {
    if (this.#closed) return;
    this.options.onWire?.('out', text);
    this.#writeAsync(text).catch((error: unknown) => this.log.warn('UDP retransmission failed', error));
  }

  #rememberSource(key: string, rinfo: dgram.RemoteInfo): void {
    this.#requestSources.delete(key);
    this.#requestSources.set(key, { host: rinfo.address, port: rinfo.port });
    // Bounded: the oldest transactions are long over when this many newer ones arrived.
    if (this.#requestSources.size > MAX_REMEMBERED_SOURCES) {
      const oldest = this.#requestSources.keys().next().value;
      if (oldest !== undefined) this.#requestSources.delete(oldest);
    }
  }

  #onDatagram(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const text = buf.toString('utf8');
    // Keepalives (CRLF) and empty datagrams carry nothing for sip.js.
    if (!text.trim()) return;
    if (rinfo.address !== this.options.remote.host || rinfo.port !== this.options.remote.port) {
      // One flow: everything legitimate comes through the proxy. Anything else (SIP scanners
      // ringing agents directly, stray peers) is dropped.
      this.#dropped++;
      if (this.#dropped <= 10 || this.#dropped % 100 === 0) {
        this.log.info(`ignoring SIP from ${rinfo.address}:${rinfo.port}: not the outbound proxy (${this.#dropped} so far)`);
      }
      return;
    }
    this.deliverIncoming(text, (info) => {
      if (info.kind === 'request' && info.method !== 'ACK') this.#rememberSource(`${info.branch} ${info.method}`, rinfo);
      return this.#engine.incoming(info) === 'absorb';
    });
  }
}
