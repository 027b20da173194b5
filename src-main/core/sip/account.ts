// The SIP account: one sip.js UserAgent over our Node transport, one Registerer, and the calls.
// Registration is a small state machine (unregistered -> registering -> registered | failed)
// whose failures are explained in plain words; calls are SipCallImpl.
import { randomUUID } from 'node:crypto';
import dns from 'node:dns/promises';
import fs from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, type Emitter, type Session, type URI } from 'sip.js';
import type { RegistrationSnapshot, RemoteParty } from '../../../shared/types';
import type { SipMediaPort } from '../gateway/types';
import type { Logger } from '../log/logger';
import { redact } from '../log/redact';
import { TypedEmitter } from '../util/typed-emitter';
import { SipCallImpl } from './call';
import { parseSdp, chooseCodec, SdpNegotiationError, SdpParseError, type Choice } from './sdp';
import { PlainRtpSessionDescriptionHandler } from './sdh';
import { TcpTransport, type TcpTransportOptions } from './transport/tcp';
import { StreamTransport } from './transport/stream';
import { SipTlsError, TlsTransport, type TlsTransportOptions } from './transport/tls';
import { UdpTransport, bindUdpSocket, type UdpTransportOptions } from './transport/udp';
import type { SipAccount, SipAccountEvents, SipAccountOptions, SipCall } from './types';
import type { TimerValues } from './retransmit';
import { peekMessage } from './wire';
import { connectFailureReason, registrationFailureReason, tlsFailureReason, type StatusLike } from './wording';

/** The profile's SIP settings cannot be used (bad URI, unsupported transport ...). */
export class SipConfigError extends Error {
  override readonly name = 'SipConfigError';
}

/** dial()/register() before start() or after stop(). */
export class SipNotStartedError extends Error {
  override readonly name = 'SipNotStartedError';
  constructor() {
    super('The SIP account is not started');
  }
}

/** The dial string is neither a number nor a SIP address. */
export class InvalidTargetError extends Error {
  override readonly name = 'InvalidTargetError';
}

export interface SipAccountTuning {
  /** Overrides for tests: TCP keepalive, registration refresh percentage, UDP T1/T2/T4. */
  tcpKeepaliveMs?: number;
  refreshFrequency?: number;
  udpTimers?: TimerValues;
}

interface ResolvedSettings {
  aor: URI;
  user: string;
  domain: string;
  localAddress: string;
  transport: 'udp' | 'tcp' | 'tls';
  proxy: { host: string; port: number };
  /** The proxy as configured (name or IP literal): what TLS checks the certificate against. */
  proxyHost: string;
  proxyLabel: string;
  routeSet: string[];
  expires: number;
}

const DEFAULT_EXPIRES = 600;
/** How long stop() waits for sip.js's own graceful shutdown after our un-REGISTER. */
const STOP_GRACE_MS = 2000;
/** How long stop() waits for the registrar to confirm the un-REGISTER. */
const UNREGISTER_WAIT_MS = 3000;

async function resolveSettings(options: SipAccountOptions): Promise<ResolvedSettings> {
  const sip = options.profile.sip;
  const aor = UserAgent.makeURI(sip.uri);
  if (!aor || !aor.user) throw new SipConfigError(`sip.uri: "${sip.uri}" is not a SIP address like sip:1001@example.com`);
  const localAddress = sip.localAddress ?? '127.0.0.1';
  let host = aor.host;
  let explicitPort: number | undefined;
  // A sips: address of record means TLS unless the profile says otherwise.
  let transport: string = sip.transport ?? (aor.scheme === 'sips' ? 'tls' : 'udp');
  if (sip.outboundProxy) {
    const proxy = UserAgent.makeURI(sip.outboundProxy);
    if (!proxy) throw new SipConfigError(`sip.outboundProxy: "${sip.outboundProxy}" is not a SIP URI like sip:10.0.0.5:5060;transport=udp`);
    host = proxy.host;
    explicitPort = proxy.port;
    const param = proxy.getParam('transport');
    const named = typeof param === 'string' && param ? param.toLowerCase() : undefined;
    if (proxy.scheme === 'sips') {
      // sips: is TLS to the proxy (RFC 3261 26.2.2); ";transport=tcp" on it is the old spelling of the same.
      if (named && named !== 'tls' && named !== 'tcp') {
        throw new SipConfigError(`sip.outboundProxy: a sips: URI needs TLS, not ${named.toUpperCase()} — use sips:${host}:${explicitPort ?? 5061} or sip:…;transport=${named}`);
      }
      transport = 'tls';
    } else if (named) {
      transport = named;
    }
  }
  if (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls') {
    throw new SipConfigError(`sip.transport: ${transport.toUpperCase()} is not supported; use UDP, TCP or TLS`);
  }
  const port = explicitPort ?? (transport === 'tls' ? 5061 : 5060);
  const routeSet = sip.outboundProxy ? [`<sip:${host}:${port};${transport === 'udp' ? '' : `transport=${transport};`}lr>`] : [];
  const proxyHost = host;
  const proxyLabel = `${host}:${port}`;
  if (!net.isIP(host)) {
    // One lookup when the account starts; the flow then stays on that address.
    try {
      host = (await dns.lookup(host, { family: 4 })).address;
    } catch {
      throw new SipConfigError(`cannot find the address of ${host} — check the outbound proxy in Settings`);
    }
  }
  return {
    aor,
    user: aor.user,
    domain: aor.host,
    localAddress,
    transport,
    proxy: { host, port },
    proxyHost,
    proxyLabel,
    routeSet,
    expires: sip.registerExpires ?? DEFAULT_EXPIRES,
  };
}

/** The PEM bundle IT deploys for a private CA (sip.tlsCaFile). */
async function readCaFile(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new SipConfigError(`sip.tlsCaFile: cannot read "${file}" (${code}) — check the path IT gave you`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SipConfigError(`sip.tlsCaFile: "${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----) — ask IT for the CA file in PEM format`);
  }
  return pem;
}

function remoteFrom(uri: URI, displayName: string | undefined): RemoteParty {
  return { number: uri.user ?? uri.host, uri: uri.toString(), ...(displayName ? { displayName } : {}) };
}

type RegistrationState = RegistrationSnapshot['state'];

/** What the account keeps per sip.js session: its call, its SDH once made, and how to get its media. */
interface SessionEntry {
  call?: SipCallImpl;
  sdh: PlainRtpSessionDescriptionHandler | undefined;
  media: () => Promise<SipMediaPort>;
}

export class SipAccountImpl extends TypedEmitter<SipAccountEvents> implements SipAccount {
  readonly #options: SipAccountOptions;
  readonly #log: Logger;
  readonly #tuning: SipAccountTuning;
  #settings: ResolvedSettings | undefined;
  #ua: UserAgent | undefined;
  #registerer: Registerer | undefined;
  #snapshot: RegistrationSnapshot;
  #running: 'stopped' | 'starting' | 'started' | 'stopping' = 'stopped';
  /**
   * The last start() could not open the flow to the proxy (proxy down, name not resolving, bad
   * certificate): register() — the agent's Retry — starts again. Cleared by an explicit stop().
   */
  #startFailed = false;
  /** The start() in flight, so a second Retry joins it instead of failing. */
  #starting: Promise<void> | undefined;
  readonly #calls = new Map<string, SipCallImpl>();
  readonly #bySession = new Map<Session, SessionEntry>();
  /** Per call: releases its media exactly once (session end, or a failure before the session existed). */
  readonly #releasers = new Map<string, () => void>();
  /** Last final response to a REGISTER seen on the wire (explains failed refreshes). */
  #lastRegisterFinal: (StatusLike & { expires?: number }) | undefined;
  #registerWaiters: Array<() => void> = [];

  constructor(options: SipAccountOptions, log: Logger, tuning: SipAccountTuning = {}) {
    super();
    this.#options = options;
    this.#log = log;
    this.#tuning = tuning;
    this.#snapshot = { state: 'unregistered', aor: options.profile.sip.uri };
  }

  get registration(): RegistrationSnapshot {
    return { ...this.#snapshot };
  }

  #setRegistration(state: RegistrationState, extra: { reason?: string; expiresAt?: number } = {}): void {
    const next: RegistrationSnapshot = { state, aor: this.#options.profile.sip.uri, ...extra };
    const prev = this.#snapshot;
    // The Registerer's state change and the REGISTER's own callback both report one 2xx.
    const sameExpiry = prev.expiresAt === next.expiresAt || (prev.expiresAt !== undefined && next.expiresAt !== undefined && Math.abs(prev.expiresAt - next.expiresAt) < 50);
    if (prev.state === next.state && prev.reason === next.reason && sameExpiry) return;
    this.#snapshot = next;
    this.#log.info(`registration ${state}${extra.reason ? `: ${extra.reason}` : ''}`);
    this.emit('registration', { ...next });
  }

  #onWire(direction: 'in' | 'out', text: string): void {
    if (direction === 'in') {
      const info = peekMessage(text);
      if (info?.kind === 'response' && info.cseqMethod === 'REGISTER' && info.status >= 200) {
        const expires = /;\s*expires=(\d+)/i.exec(text)?.[1] ?? /^expires\s*:\s*(\d+)/im.exec(text)?.[1];
        this.#lastRegisterFinal = { status: info.status, reason: info.reason, ...(expires ? { expires: Number(expires) } : {}) };
        if (info.status < 300 && expires && Number(expires) > 0) {
          // Refreshes (sip.js's own timer) change no Registerer state: update expiresAt here,
          // once sip.js has processed the response.
          const granted = Number(expires);
          queueMicrotask(() => {
            if (this.#running === 'started' && this.#registerer?.state === RegistererState.Registered) {
              this.#setRegistration('registered', { expiresAt: Date.now() + granted * 1000 });
            }
          });
        }
      }
    } else if (/^REGISTER /.test(text)) {
      this.#lastRegisterFinal = undefined;
    }
    this.emit('message', direction, redact(text, this.#options.profile.sip.password ? [this.#options.profile.sip.password] : []));
  }

  async start(): Promise<void> {
    if (this.#running === 'starting') return this.#starting;
    if (this.#running !== 'stopped') return;
    this.#starting = this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#running = 'starting';
    this.#startFailed = false;
    try {
      await this.#startUserAgent();
    } catch (error) {
      // A stop() while starting is an explicit stop: Retry must not undo it.
      this.#startFailed = this.#running === 'starting';
      this.#running = 'stopped';
      const reason = error instanceof SipConfigError ? error.message : this.#connectReason(error);
      this.#setRegistration('failed', { reason });
      await this.#teardownUserAgent();
      return;
    }
    this.#running = 'started';
    await this.register();
  }

  async #startUserAgent(): Promise<void> {
    const s = await resolveSettings(this.#options);
    this.#settings = s;
    const sip = this.#options.profile.sip;
    const log = this.#log.child('sipjs');
    const common = { localAddress: s.localAddress, remote: s.proxy, onWire: (d: 'in' | 'out', t: string) => this.#onWire(d, t), log: this.#log.child(s.transport) };
    let transportConstructor: typeof UdpTransport | typeof TcpTransport | typeof TlsTransport;
    let transportOptions: UdpTransportOptions | TcpTransportOptions | TlsTransportOptions;
    let udpPort = 0;
    if (s.transport === 'udp') {
      const socket = await bindUdpSocket(s.localAddress);
      udpPort = socket.address().port;
      transportConstructor = UdpTransport;
      transportOptions = { ...common, socket, ...(this.#tuning.udpTimers ? { timers: this.#tuning.udpTimers } : {}) } satisfies UdpTransportOptions;
    } else {
      const stream: TcpTransportOptions = {
        ...common,
        ...(this.#tuning.tcpKeepaliveMs ? { keepaliveMs: this.#tuning.tcpKeepaliveMs } : {}),
        onLocalPort: (port) => {
          if (this.#ua) this.#ua.contact.uri.port = port;
        },
        onReconnected: () => this.#onStreamReconnected(),
      };
      if (s.transport === 'tcp') {
        transportConstructor = TcpTransport;
        transportOptions = stream;
      } else {
        transportConstructor = TlsTransport;
        // IT's private CA is trusted in addition to Node's CA store, so a server with a public
        // certificate keeps working if the profile still names the CA file.
        const ca = sip.tlsCaFile ? [...tls.rootCertificates, await readCaFile(sip.tlsCaFile)] : undefined;
        transportOptions = {
          ...stream,
          ...(net.isIP(s.proxyHost) ? {} : { servername: s.proxyHost }),
          ...(ca ? { ca } : {}),
        } satisfies TlsTransportOptions;
      }
    }
    const ua = new UserAgent({
      uri: s.aor,
      authorizationUsername: sip.authUser ?? s.user,
      authorizationPassword: sip.password ?? '',
      displayName: this.#options.profile.displayName ?? '',
      contactName: s.user,
      contactParams: { transport: s.transport },
      viaHost: s.localAddress,
      forceRport: true,
      preloadedRouteSet: s.routeSet,
      transportConstructor,
      transportOptions,
      sendInitialProvisionalResponse: false,
      noAnswerTimeout: 180,
      userAgentString: 'AgentSoftphone/0.1 (sip.js 0.21)',
      logBuiltinEnabled: false,
      logConfiguration: false,
      logLevel: 'debug',
      logConnector: (level, category, _label, content) => {
        const line = `${category}: ${content}`;
        if (level === 'error') log.warn(line);
        else if (level === 'warn') log.info(line);
        else log.debug(line);
      },
      sessionDescriptionHandlerFactory: (session) => this.#makeSdh(session),
      delegate: { onInvite: (invitation) => void this.#onInvite(invitation) },
    });
    if (udpPort) ua.contact.uri.port = udpPort;
    this.#ua = ua;
    await ua.start();
    this.#registerer = new Registerer(ua, {
      expires: s.expires,
      // sip.js refreshes at 99% of the granted time by default: too tight on a lossy network.
      refreshFrequency: this.#tuning.refreshFrequency ?? 90,
      logConfiguration: false,
    });
    this.#registerer.stateChange.addListener((state) => this.#onRegistererState(state));
  }

  #onStreamReconnected(): void {
    if (this.#running !== 'started') return;
    // The binding points at the old connection's port: register the new one now.
    this.#log.info(`${this.#settings?.transport.toUpperCase() ?? 'stream'} reconnected from port ${this.#ua?.contact.uri.port ?? '?'}; registering again`);
    this.register().catch((error: unknown) => this.#log.warn('re-REGISTER after reconnect failed', error));
  }

  #onRegistererState(state: RegistererState): void {
    const s = this.#settings;
    if (!s) return;
    if (state === RegistererState.Registered) {
      const expires = this.#lastRegisterFinal?.expires ?? s.expires;
      this.#setRegistration('registered', { expiresAt: Date.now() + expires * 1000 });
    } else if (state === RegistererState.Unregistered) {
      if (this.#running === 'stopping' || this.#running === 'stopped') {
        this.#setRegistration('unregistered');
        return;
      }
      // An explicit register() reports through its own delegate (with the response in hand).
      if (this.#registerWaiters.length) return;
      this.#setRegistration('failed', { reason: this.#failureReason(this.#lastRegisterFinal) });
    }
  }

  /** Plain words for a connection to the proxy that could not be made (TLS: certificate or handshake). */
  #connectReason(error: unknown): string {
    const s = this.#settings;
    const label = s?.proxyLabel ?? 'the SIP server';
    if (error instanceof SipTlsError) {
      return tlsFailureReason(error, label, { host: s?.proxyHost ?? label, caFileSet: Boolean(this.#options.profile.sip.tlsCaFile) });
    }
    return connectFailureReason(label, error instanceof Error ? error.message : String(error));
  }

  /** Plain words for a REGISTER that failed with `final` (undefined: no final response at all). */
  #failureReason(final: StatusLike | undefined): string {
    const s = this.#settings;
    if (!s) return 'the SIP account is not configured';
    if (this.#ua && !this.#ua.transport.isConnected()) {
      // A reconnect may have failed for a reason worth naming (e.g. the server's new certificate).
      const last = this.#ua.transport instanceof StreamTransport ? this.#ua.transport.lastError : undefined;
      return last ? this.#connectReason(last) : connectFailureReason(s.proxyLabel, 'connection lost');
    }
    if (!final || final.status < 300) return registrationFailureReason({ status: 408, reason: 'Request Timeout' }, s.proxyLabel, s.user);
    return registrationFailureReason(final, s.proxyLabel, s.user);
  }

  async register(): Promise<void> {
    if (this.#running === 'starting' && this.#starting) return this.#starting;
    if (this.#running === 'stopped' && this.#startFailed) {
      // Retry after a failed start: the flow to the proxy was never opened, so open it now
      // (resolving the proxy again), then register as start() does.
      this.#setRegistration('registering');
      return this.start();
    }
    const registerer = this.#registerer;
    if (!registerer || this.#running !== 'started') throw new SipNotStartedError();
    await this.#registererIdle(registerer);
    if (!this.#settings) throw new SipNotStartedError();
    if (this.#snapshot.state !== 'registered') this.#setRegistration('registering');
    this.#lastRegisterFinal = undefined;
    await new Promise<void>((resolve) => {
      this.#registerWaiters.push(resolve);
      registerer
        .register({
          requestDelegate: {
            // 'registered' itself is reported by the Registerer's state and the wire tap.
            onAccept: () => this.#releaseRegisterWaiters(),
            onReject: (response) => {
              const { statusCode = 0, reasonPhrase = '' } = response.message;
              this.#setRegistration('failed', { reason: this.#failureReason({ status: statusCode, reason: reasonPhrase }) });
              this.#releaseRegisterWaiters();
            },
          },
        })
        .catch((error: unknown) => {
          this.#setRegistration('failed', { reason: this.#connectReason(error) });
          this.#releaseRegisterWaiters();
        });
    });
  }

  /**
   * One REGISTER at a time (sip.js refuses a second, e.g. while its own refresh is in flight):
   * resolves when none is outstanding, or after `timeoutMs` (Timer F bounds it anyway).
   */
  #registererIdle(registerer: Registerer, timeoutMs = 40_000): Promise<void> {
    // `waiting` is public in sip.js's JS but private in its typings.
    const waitable = registerer as unknown as { waiting: boolean; waitingChange: Emitter<boolean> };
    if (!waitable.waiting) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        waitable.waitingChange.removeListener(onWaiting);
        resolve();
      };
      const onWaiting = (waiting: boolean): void => {
        if (!waiting) done();
      };
      const timer = setTimeout(done, timeoutMs);
      waitable.waitingChange.addListener(onWaiting);
    });
  }

  #releaseRegisterWaiters(): void {
    const waiters = this.#registerWaiters;
    this.#registerWaiters = [];
    for (const w of waiters) w();
  }

  async stop(): Promise<void> {
    // After an explicit stop (or dispose) register() must not bring the account back.
    this.#startFailed = false;
    if (this.#running === 'stopped' || this.#running === 'stopping') return;
    this.#running = 'stopping';
    for (const call of [...this.#calls.values()]) {
      await call.hangup().catch((error: unknown) => this.#log.warn(`hanging up ${call.id} on stop failed`, error));
    }
    const registerer = this.#registerer;
    if (registerer) await this.#registererIdle(registerer, UNREGISTER_WAIT_MS);
    if (registerer && registerer.state === RegistererState.Registered) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, UNREGISTER_WAIT_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        registerer.unregister({ requestDelegate: { onAccept: done, onReject: done } }).catch(done);
      });
    }
    await this.#teardownUserAgent();
    this.#running = 'stopped';
    this.#setRegistration('unregistered');
    this.#releaseRegisterWaiters();
  }

  async #teardownUserAgent(): Promise<void> {
    const ua = this.#ua;
    this.#ua = undefined;
    this.#registerer = undefined;
    if (!ua) return;
    // sip.js's graceful stop waits for any outstanding REGISTER (up to Timer F, 32 s) when the
    // registrar is gone: bound it, then close the transport and core ourselves.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = ua.stop().then(
      () => true,
      (error: unknown) => {
        this.#log.warn('stopping the SIP user agent failed', error);
        return false;
      },
    );
    const inTime = await Promise.race([stopped, new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_GRACE_MS)))]);
    clearTimeout(timer);
    if (!inTime) {
      await ua.transport.dispose().catch(() => undefined);
      ua.userAgentCore.dispose();
    }
  }

  /** Stops everything (Long-lived service convention). */
  async dispose(): Promise<void> {
    await this.stop();
  }

  #makeTarget(target: string): URI {
    const s = this.#settings;
    const t = target.trim();
    const text = /^sips?:/i.test(t) ? t : /^[0-9A-Za-z*#+._-]+$/.test(t) && s ? `sip:${t}@${s.domain}` : '';
    const uri = text ? UserAgent.makeURI(text) : undefined;
    if (!uri) throw new InvalidTargetError(`"${target}" is not a number or a SIP address`);
    return uri;
  }

  async dial(target: string): Promise<SipCall> {
    const ua = this.#ua;
    if (!ua || this.#running !== 'started') throw new SipNotStartedError();
    const uri = this.#makeTarget(target);
    const id = randomUUID();
    const media = await this.#options.createMedia(id);
    const release = this.#releaserFor(id);
    let inviter: Inviter;
    try {
      inviter = new Inviter(ua, uri, { earlyMedia: true });
    } catch (error) {
      release();
      throw error;
    }
    const entry: SessionEntry = {
      sdh: undefined,
      media: () => Promise.resolve(media),
    };
    this.#bySession.set(inviter, entry);
    const call = this.#newCall(id, 'outbound', remoteFrom(uri, undefined), inviter);
    entry.call = call;
    try {
      await call.start();
    } catch (error) {
      // Failed before anything went out (e.g. transport closed): the session may not terminate by itself.
      this.#log.warn(`INVITE for ${id} could not be sent`, error);
      if (inviter.state !== SessionState.Terminated) await inviter.dispose().catch(() => undefined);
      release();
      throw error;
    }
    return call;
  }

  #releaserFor(id: string): () => void {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#releasers.delete(id);
      try {
        this.#options.releaseMedia(id);
      } catch (error) {
        this.#log.warn(`releasing media of ${id} failed`, error);
      }
    };
    this.#releasers.set(id, release);
    return release;
  }

  #newCall(id: string, direction: 'inbound' | 'outbound', remote: RemoteParty, session: Session): SipCallImpl {
    const release = this.#releasers.get(id) ?? this.#releaserFor(id);
    const call = new SipCallImpl({
      id,
      direction,
      remote,
      session,
      sdh: () => this.#bySession.get(session)?.sdh,
      makeTarget: (t) => this.#makeTarget(t),
      log: this.#log.child(`call ${id.slice(0, 8)}`),
      onTerminated: () => {
        this.#calls.delete(id);
        this.#bySession.delete(session);
        release();
      },
    });
    this.#calls.set(id, call);
    return call;
  }

  #makeSdh(session: Session): PlainRtpSessionDescriptionHandler {
    const entry = this.#bySession.get(session);
    if (!entry) throw new Error('no call for this SIP session');
    // Early media with forking could ask for a second SDH; one per call is all we support.
    const sdh = new PlainRtpSessionDescriptionHandler({
      media: entry.media,
      events: {
        error: (error) => entry.call?.noteNegotiationError(error),
        remoteHold: (held) => entry.call?.noteRemoteHold(held),
      },
    });
    entry.sdh = sdh;
    return sdh;
  }

  async #onInvite(invitation: Invitation): Promise<void> {
    const request = invitation.request;
    // Refuse an offer we cannot answer before ringing the agent (no point ringing for silence).
    let choice: Choice | undefined;
    if (request.body) {
      try {
        const offer = parseSdp(request.body, 'The caller');
        if (!offer.audio) throw new SdpNegotiationError('The caller offered no audio stream');
        choice = chooseCodec(offer.audio.codecs);
      } catch (error) {
        const status = error instanceof SdpParseError ? 400 : 488;
        const message = error instanceof Error ? error.message : String(error);
        this.#log.warn(`rejecting inbound call from ${invitation.remoteIdentity.uri.toString()} with ${status}: ${message}`);
        await invitation
          .reject({ statusCode: status, extraHeaders: [`Warning: 304 ${this.#settings?.localAddress ?? '-'} "${message.replace(/"/g, "'")}"`] })
          .catch(() => undefined);
        return;
      }
    }
    const asserted = invitation.assertedIdentity;
    const identity = asserted ?? invitation.remoteIdentity;
    const remote = remoteFrom(identity.uri, identity.displayName || invitation.remoteIdentity.displayName || undefined);
    const id = randomUUID();
    let mediaPromise: Promise<SipMediaPort> | undefined;
    const entry: SessionEntry = {
      sdh: undefined,
      media: () => (mediaPromise ??= this.#options.createMedia(id)),
    };
    this.#bySession.set(invitation, entry);
    const call = this.#newCall(id, 'inbound', remote, invitation);
    entry.call = call;
    let media: SipMediaPort;
    try {
      media = await entry.media();
    } catch (error) {
      this.#log.warn(`no media for inbound call ${id}`, error);
      await invitation.reject({ statusCode: 503 }).catch(() => undefined);
      return;
    }
    if (invitation.state !== SessionState.Initial) {
      // Cancelled while the media was being set up: the call's own release ran when the session
      // ended, before this media existed, so release it again (the gateway ignores a repeat).
      this.#log.info(`inbound call ${id} ended while its media was being set up; releasing it`);
      try {
        this.#options.releaseMedia(id);
      } catch (error) {
        this.#log.warn(`releasing media of ${id} failed`, error);
      }
      return;
    }
    // Negotiate the agent's side of the call with the codec the caller offered while it
    // rings, so Answer starts audio without another renderer round trip.
    if (choice) media.prepare?.(choice.codec, choice.telephoneEvent);
    try {
      await invitation.progress({ statusCode: 180 });
    } catch (error) {
      this.#log.warn(`could not send 180 Ringing for ${id}`, error);
    }
    this.emit('incoming', call);
  }
}

