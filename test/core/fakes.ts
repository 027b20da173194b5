// Scriptable stand-ins for the SIP account and the media gateway: the tests drive SIP events
// by hand and observe what the call layer asked of SIP and of the media.
import { TypedEmitter } from '../../src-main/core/util/typed-emitter';
import type { CallMediaStats, RegistrationSnapshot, RemoteParty } from '../../shared/types';
import { ConferenceCodecError } from '../../src-main/core/gateway/errors';
import type { CallMedia, CallMediaEvents, GatewayEvents, GatewayOptions, MediaConference, MediaGateway, NegotiatedMedia, SipMediaPort } from '../../src-main/core/gateway/types';
import type { SipAccount, SipAccountEvents, SipAccountOptions, SipCall, SipCallEvents, SipEnded, SipProgress } from '../../src-main/core/sip/types';

export class FakeCallMedia extends TypedEmitter<CallMediaEvents> implements CallMedia {
  readonly localAddress = '127.0.0.1';
  readonly rtpPort: number;
  mid: string | undefined;
  relaying = false;
  muted = false;
  disposed = 0;
  dtmfSupported = true;
  dtmfSent: string[] = [];
  /** Codec the SIP leg negotiated (the fake gateway's conference() refuses anything but G.711). */
  codec = 'PCMU';
  /** The conference mixing this media, if any (plain relay otherwise). */
  conference: FakeConference | undefined;
  statsValue: CallMediaStats = { fromSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 }, toSip: { packets: 0, bytes: 0, lost: 0, jitterMs: 0 } };

  constructor(
    readonly callId: string,
    port: number,
  ) {
    super();
    this.rtpPort = port;
  }
  applyNegotiation(_media: NegotiatedMedia): void {}
  setRelaying(on: boolean): void {
    this.relaying = on;
  }
  setMuted(muted: boolean): void {
    this.muted = muted;
  }
  async sendDtmf(digits: string): Promise<boolean> {
    if (!this.dtmfSupported) return false;
    this.dtmfSent.push(digits);
    return true;
  }
  stats(): CallMediaStats {
    return this.statsValue;
  }
  dispose(): void {
    this.disposed += 1;
  }
  ready(mid: string): void {
    this.mid = mid;
    this.emit('rendererReady', mid);
  }
}

export class FakeConference implements MediaConference {
  disposed = false;
  removed: string[] = [];
  constructor(public members: FakeCallMedia[]) {
    for (const m of members) m.conference = this;
  }
  get callIds(): string[] {
    return this.members.map((m) => m.callId);
  }
  remove(callId: string): void {
    this.removed.push(callId);
    const m = this.members.find((x) => x.callId === callId);
    if (m) m.conference = undefined;
    this.members = this.members.filter((x) => x !== m);
    if (this.members.length < 2) this.dispose();
  }
  dispose(): void {
    this.disposed = true;
    for (const m of this.members) m.conference = undefined;
    this.members = [];
  }
}

export class FakeGateway extends TypedEmitter<GatewayEvents> implements MediaGateway {
  media: FakeCallMedia[] = [];
  descriptions: Array<{ type: 'offer' | 'answer'; sdp: string }> = [];
  disposed = false;
  failNext: Error | undefined;
  #port = 40000;

  constructor(readonly options?: GatewayOptions) {
    super();
  }
  async handleRendererDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    this.descriptions.push(d);
    this.emit('description', { type: 'answer', sdp: `answer-to-${d.sdp}` });
    this.emit('rtcState', 'connected');
  }
  async createCallMedia(callId: string): Promise<CallMedia> {
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    const m = new FakeCallMedia(callId, (this.#port += 2));
    this.media.push(m);
    for (const w of this.#waiters.splice(0)) w();
    return m;
  }
  /** Resolves once `n` media objects were created. */
  async whenMedia(n: number): Promise<void> {
    while (this.media.length < n) await new Promise<void>((r) => this.#waiters.push(r));
  }
  #waiters: Array<() => void> = [];
  conferences: FakeConference[] = [];
  conference(members: readonly CallMedia[]): MediaConference {
    const fakes = members as FakeCallMedia[];
    for (const m of fakes) if (m.codec !== 'PCMU' && m.codec !== 'PCMA') throw new ConferenceCodecError(m.callId, m.codec);
    const c = new FakeConference([...fakes]);
    this.conferences.push(c);
    return c;
  }
  async startEchoTest(): Promise<CallMedia> {
    const m = new FakeCallMedia('echo', 0);
    m.mid = 'echo-mid';
    this.media.push(m);
    return m;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
  /** Media not yet disposed. */
  live(): FakeCallMedia[] {
    return this.media.filter((m) => m.disposed === 0);
  }
}

export class FakeSipCall extends TypedEmitter<SipCallEvents> implements SipCall {
  calls: string[] = [];
  failAnswer: Error | undefined;
  failHold: Error | undefined;
  failTransfer: Error | undefined;
  infoDigits: string[] = [];

  constructor(
    readonly id: string,
    readonly direction: 'inbound' | 'outbound',
    readonly remote: RemoteParty,
  ) {
    super();
  }
  async answer(): Promise<void> {
    this.calls.push('answer');
    if (this.failAnswer) throw this.failAnswer;
  }
  async decline(status: 486 | 603): Promise<void> {
    this.calls.push(`decline ${status}`);
  }
  async hangup(): Promise<void> {
    this.calls.push('hangup');
  }
  async setHold(hold: boolean): Promise<void> {
    this.calls.push(`hold ${hold}`);
    if (this.failHold) throw this.failHold;
  }
  async sendInfoDtmf(digit: string): Promise<void> {
    this.infoDigits.push(digit);
  }
  async transfer(target: string): Promise<void> {
    this.calls.push(`transfer ${target}`);
    if (this.failTransfer) throw this.failTransfer;
  }
  progress(p: SipProgress): void {
    this.emit('progress', p);
  }
  accept(): void {
    this.emit('accepted');
  }
  end(e: SipEnded): void {
    this.emit('ended', e);
  }
  remoteHold(held: boolean): void {
    this.emit('remoteHold', held);
  }
}

export class FakeSipAccount extends TypedEmitter<SipAccountEvents> implements SipAccount {
  /** Registered from the start so call tests need not start the account; start()/stop() still report changes. */
  registration: RegistrationSnapshot = { state: 'registered' };
  started = 0;
  stopped = 0;
  registers = 0;
  dialed: FakeSipCall[] = [];
  /** dial() fails after allocating media (like a transport error while sending the INVITE). */
  failDialAfterMedia: Error | undefined;
  /** Hold dial() until the test releases it. */
  dialGate: Promise<void> | undefined;
  #n = 0;

  constructor(readonly options: SipAccountOptions) {
    super();
  }
  async start(): Promise<void> {
    this.started += 1;
    this.setRegistration({ state: 'registered', aor: this.options.profile.sip.uri });
  }
  async register(): Promise<void> {
    this.registers += 1;
  }
  async stop(): Promise<void> {
    this.stopped += 1;
    this.setRegistration({ state: 'unregistered' });
  }
  async dial(target: string): Promise<SipCall> {
    const id = `sip-out-${++this.#n}`;
    await this.options.createMedia(id);
    if (this.dialGate) await this.dialGate;
    if (this.failDialAfterMedia) throw this.failDialAfterMedia;
    const call = new FakeSipCall(id, 'outbound', { number: target, uri: `sip:${target}@testbed.local` });
    this.dialed.push(call);
    return call;
  }
  setRegistration(r: RegistrationSnapshot): void {
    this.registration = r;
    this.emit('registration', r);
  }
  /** An inbound INVITE: media first (as the real stack does), then the incoming event. */
  async ring(number: string, displayName?: string): Promise<FakeSipCall> {
    const id = `sip-in-${++this.#n}`;
    await this.options.createMedia(id);
    const call = new FakeSipCall(id, 'inbound', { number, uri: `sip:${number}@testbed.local`, ...(displayName ? { displayName } : {}) });
    this.emit('incoming', call);
    return call;
  }
}

export function fakeFactories(): {
  accounts: FakeSipAccount[];
  gateways: FakeGateway[];
  sipFactory: (o: SipAccountOptions) => SipAccount;
  gatewayFactory: (o: GatewayOptions) => MediaGateway;
} {
  const accounts: FakeSipAccount[] = [];
  const gateways: FakeGateway[] = [];
  return {
    accounts,
    gateways,
    sipFactory: (o) => {
      const a = new FakeSipAccount(o);
      accounts.push(a);
      return a;
    },
    gatewayFactory: (o) => {
      const g = new FakeGateway(o);
      gateways.push(g);
      return g;
    },
  };
}

export type { SipMediaPort };
