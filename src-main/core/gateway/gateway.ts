// The media gateway: one renderer connection shared by all calls, RTP port pairs per call.
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';
import { CallMediaImpl } from './call-media';
import { Conference } from './conference';
import { PREPARED_CODEC, PREPARED_TELEPHONE_EVENT } from './codecs';
import { ConferenceMediaError, GatewayDisposedError } from './errors';
import { PortAllocator } from './port-allocator';
import { RendererConnection } from './renderer-connection';
import type { CallMedia, GatewayEvents, GatewayOptions, MediaConference, MediaGateway } from './types';

export class MediaGatewayImpl extends TypedEmitter<GatewayEvents> implements MediaGateway {
  readonly #allocator: PortAllocator;
  readonly #renderer: RendererConnection;
  readonly #calls = new Set<CallMediaImpl>();
  #disposed = false;

  constructor(
    private readonly options: GatewayOptions,
    private readonly log: Logger,
  ) {
    super();
    this.#allocator = new PortAllocator(options.localAddress, options.rtpPortMin, options.rtpPortMax);
    this.#renderer = new RendererConnection(log.child('rtc'));
    this.#renderer.on('description', (d) => this.emit('description', d));
    this.#renderer.on('state', (s) => this.emit('rtcState', s));
  }

  /** RTP port pairs currently held (for diagnostics and tests). */
  get portsInUse(): number {
    return this.#allocator.inUse;
  }

  get activeCalls(): number {
    return this.#calls.size;
  }

  handleRendererDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    if (this.#disposed) return Promise.reject(new GatewayDisposedError());
    return this.#renderer.handleRemoteDescription(description);
  }

  async createCallMedia(callId: string): Promise<CallMedia> {
    if (this.#disposed) throw new GatewayDisposedError();
    const pair = await this.#allocator.allocate();
    if (this.#disposed) {
      pair.release();
      throw new GatewayDisposedError();
    }
    const call: CallMediaImpl = new CallMediaImpl({
      callId,
      localAddress: this.options.localAddress,
      renderer: this.#renderer,
      log: this.log.child(`call`),
      pair,
      ...(this.options.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: this.options.rtcpIntervalMs } : {}),
      onDisposed: () => this.#calls.delete(call),
    });
    this.#calls.add(call);
    this.log.info(`call ${callId}: RTP ${this.options.localAddress}:${pair.rtpPort}`);
    // Media is created when the INVITE is built (outbound) or received (inbound): negotiate the
    // renderer leg now with the codec the far end most likely ends up with, so it is ready by
    // the 200 OK / 183 / Answer instead of ~40 ms after it. Deferred one turn so the INVITE goes
    // out first, and so a caller that applies a negotiation right away (or prepares another
    // codec) needs no speculative offer at all.
    setImmediate(() => call.prepareDefault(PREPARED_CODEC, PREPARED_TELEPHONE_EVENT));
    return call;
  }

  async startEchoTest(): Promise<CallMedia> {
    if (this.#disposed) throw new GatewayDisposedError();
    const call: CallMediaImpl = new CallMediaImpl({
      callId: `echo-${Date.now()}`,
      localAddress: this.options.localAddress,
      renderer: this.#renderer,
      log: this.log.child('echo'),
      onDisposed: () => this.#calls.delete(call),
    });
    this.#calls.add(call);
    return call;
  }

  conference(members: readonly CallMedia[]): MediaConference {
    if (this.#disposed) throw new GatewayDisposedError();
    const impls = members.map((m) => {
      const impl = [...this.#calls].find((c) => c === m);
      if (!impl || m.rtpPort === 0) throw new ConferenceMediaError(`Call ${m.callId} is not a call of this media gateway.`);
      return impl;
    });
    return new Conference(impls, this.log.child('conference'));
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const call of [...this.#calls]) call.dispose();
    await this.#renderer.dispose();
    this.removeAllListeners();
  }
}
