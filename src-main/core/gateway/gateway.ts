// The media gateway: one renderer connection shared by all calls, RTP port pairs per call.
import type { Logger } from '../log/logger';
import { TypedEmitter } from '../util/typed-emitter';
import { CallMediaImpl } from './call-media';
import { GatewayDisposedError } from './errors';
import { PortAllocator } from './port-allocator';
import { RendererConnection } from './renderer-connection';
import type { CallMedia, GatewayEvents, GatewayOptions, MediaGateway } from './types';

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

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const call of [...this.#calls]) call.dispose();
    await this.#renderer.dispose();
    this.removeAllListeners();
  }
}
