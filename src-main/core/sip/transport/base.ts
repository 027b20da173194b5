// What our Node transports share: the sip.js Transport surface (state, callbacks) and the
// per-message work both do (Via port fix-up, wire tap, dropping garbage without crashing).
import { EmitterImpl, TransportState, type Transport } from 'sip.js';
import type { Logger } from '../../log/logger';
import { addViaPort, peekMessage, stripViaPort, type WireMessage } from '../wire';

export interface NodeTransportOptions {
  /** Address we send from; also sip.js's viaHost. */
  localAddress: string;
  /** The one flow: outbound proxy (or the AOR's domain) as an IP literal. */
  remote: { host: string; port: number };
  /** Every message in and out exactly as on the wire (the account redacts before showing it). */
  onWire?: (direction: 'in' | 'out', text: string) => void;
  log: Logger;
}

export abstract class NodeTransportBase implements Transport {
  abstract readonly protocol: string;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  readonly stateChange = new EmitterImpl<TransportState>();
  protected readonly options: NodeTransportOptions;
  protected readonly log: Logger;
  #state: TransportState = TransportState.Disconnected;

  constructor(options: NodeTransportOptions) {
    this.options = options;
    this.log = options.log;
  }

  get state(): TransportState {
    return this.#state;
  }

  protected setState(state: TransportState, error?: Error): void {
    if (this.#state === state) return;
    this.#state = state;
    this.stateChange.emit(state);
    if (state === TransportState.Connected) this.onConnect?.();
    if (state === TransportState.Disconnected) this.onDisconnect?.(error);
  }

  isConnected(): boolean {
    return this.#state === TransportState.Connected;
  }

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;
  abstract dispose(): Promise<void>;
  abstract send(message: string): Promise<void>;

  /** The local port of the flow (0 when not connected). */
  abstract readonly localPort: number;

  /** Prepares an outgoing message: adds our port to the top Via of requests. */
  protected prepareOutgoing(message: string): { text: string; info: WireMessage | undefined } {
    const info = peekMessage(message);
    const text = info?.kind === 'request' ? addViaPort(message, this.options.localAddress, this.localPort) : message;
    this.options.onWire?.('out', text);
    return { text, info };
  }

  /**
   * Hands one message from the wire to sip.js. `absorb` lets UDP swallow retransmissions.
   * Garbage is logged and dropped; nothing from the network may throw out of here.
   */
  protected deliverIncoming(text: string, absorb?: (info: WireMessage) => boolean): void {
    try {
      this.options.onWire?.('in', text);
      const info = peekMessage(text);
      if (!info) {
        this.log.warn(`dropping malformed SIP message from ${this.options.remote.host} (${text.length} bytes): ${JSON.stringify(text.slice(0, 80))}`);
        return;
      }
      if (absorb?.(info)) return;
      const fixed = info.kind === 'response' ? stripViaPort(text, this.options.localAddress) : text;
      this.onMessage?.(fixed);
    } catch (error) {
      this.log.warn('dropping a SIP message that could not be handled', error);
    }
  }
}
