// The Core API both shells use. The core owns the profile, the SIP account, the media
// gateway and all call/agent state; a shell only carries protocol messages (IPC or a local
// WebSocket) and OS integrations. Nothing here knows which shell hosts it.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDialLink } from '../../shared/dial-target';
import { PROTOCOL_VERSION, parseCommand, type Command, type CoreEvent, type EventMap } from '../../shared/protocol';
import type { AppSnapshot, CallSnapshot, FieldError, Profile, RegistrationSnapshot, RtcConnectionState } from '../../shared/types';
import { AgentStateError, AgentStateMachine } from './calls/agent-state';
import { CallCommandError, CallManager, errorText } from './calls/call-manager';
import { HistoryStore } from './calls/history';
import { ProfileConfig } from './config/profile-config';
import { defaultProvisioningPaths } from './config/provisioning';
import { FileSecretStore, type SecretStore } from './config/secret-store';
import { createDiagnosticsArchive } from './diagnostics';
import { createMediaGateway } from './gateway';
import type { CallMedia, GatewayOptions, MediaGateway } from './gateway/types';
import type { LogHub, Logger } from './log/logger';
import { createSipAccount } from './sip';
import type { SipAccount, SipAccountOptions } from './sip/types';
import { SipTrace } from './sip-trace';
import { TypedEmitter } from './util/typed-emitter';

export type { SecretStore } from './config/secret-store';
export { FileSecretStore, MemorySecretStore } from './config/secret-store';
export { defaultProvisioningPaths } from './config/provisioning';

export type SipFactory = (options: SipAccountOptions, log: Logger) => SipAccount;
export type GatewayFactory = (options: GatewayOptions, log: Logger) => MediaGateway;

export interface CoreOptions {
  dataDir: string;
  /** --profile: a provisioning profile file, applied after the well-known provisioning locations. */
  profilePath?: string;
  logHub: LogHub;
  /** Default: a 0600 file in dataDir (the browser shell); Electron passes safeStorage. */
  secretStore?: SecretStore;
  /** IT provisioning files in order (system-wide first). Default: this OS's locations. Tests pass []. */
  provisioningPaths?: string[];
  sipFactory?: SipFactory;
  gatewayFactory?: GatewayFactory;
  /** Where the shell's log files are (for "Save diagnostics"). Default dataDir/logs. */
  logDir?: string;
  /** Which shell hosts the core, for diagnostics. */
  app?: { shell: string; version?: string; versions?: Record<string, string> };
  /** How long an ended call stays on screen before moving to history. Default 4 s. */
  endedCallLingerMs?: number;
}

export interface ClientConnection {
  send(event: CoreEvent): void;
}

export interface CoreSession {
  /** One message from the renderer (a parsed object, or JSON text). Never throws. */
  handle(raw: unknown): void;
  detach(): void;
}

export interface Core {
  /** One renderer at a time; a new attach replaces the old (page reload). Events are queued until `hello`, then a snapshot goes first. */
  attach(client: ClientConnection): CoreSession;
  snapshot(): AppSnapshot;
  on(event: 'snapshot', listener: (s: AppSnapshot) => void): () => void;
  on(event: 'incomingCall', listener: (c: CallSnapshot) => void): () => void;
  /** tel:/sip:/callto: links (or a plain number), from protocol handlers and hotkeys. */
  dial(target: string): Promise<void>;
  answerRinging(): Promise<void>;
  hangupActive(): Promise<void>;
  toggleMute(): Promise<void>;
  /** No call in progress (the updater waits for this). */
  isIdle(): boolean;
  /** Unregisters, ends calls, frees ports. */
  dispose(): Promise<void>;
}

/** A command that failed for a reason the agent can act on; fieldErrors go to the settings form. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
  }
}

const DEFAULT_RTP_MIN = 40000;
const DEFAULT_RTP_MAX = 40999;
const STOP_TIMEOUT_MS = 5000;
const QUEUE_LIMIT = 200;

interface CoreEvents {
  snapshot: (s: AppSnapshot) => void;
  incomingCall: (c: CallSnapshot) => void;
}

class CoreEmitter extends TypedEmitter<CoreEvents> {
  fire<K extends keyof CoreEvents & string>(event: K, ...args: Parameters<CoreEvents[K]>): void {
    this.emit(event, ...args);
  }
}

class SessionImpl implements CoreSession {
  #ready = false;
  #detached = false;
  #queue: CoreEvent[] = [];

  constructor(
    private readonly client: ClientConnection,
    private readonly onCommand: (session: SessionImpl, raw: unknown) => void,
    private readonly onDetach: (session: SessionImpl) => void,
    private readonly log: Logger,
  ) {}

  get detached(): boolean {
    return this.#detached;
  }

  handle(raw: unknown): void {
    this.onCommand(this, raw);
  }

  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#queue = [];
    this.onDetach(this);
  }

  /** hello arrived: the fresh snapshot first, then what waited. */
  ready(snapshot: AppSnapshot): void {
    this.#ready = true;
    this.#write({ type: 'snapshot', payload: snapshot });
    const queued = this.#queue;
    this.#queue = [];
    for (const event of queued) this.#write(event);
  }

  send(event: CoreEvent): void {
    if (this.#detached) return;
    if (this.#ready) {
      this.#write(event);
      return;
    }
    // A snapshot is sent whole at hello; older ones waiting would only be stale.
    if (event.type === 'snapshot') return;
    this.#queue.push(event);
    if (this.#queue.length > QUEUE_LIMIT) this.#queue.shift();
  }

  #write(event: CoreEvent): void {
    try {
      this.client.send(event);
    } catch (err) {
      this.log.warn(`could not send ${event.type} to the renderer`, err);
    }
  }
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { dataDir, logHub } = options;
  const log = logHub.logger('core');
  // Settings, history and logs are the agent's: not readable by other local users.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sipFactory: SipFactory = options.sipFactory ?? ((o, l) => createSipAccount(o, l));
  const gatewayFactory: GatewayFactory = options.gatewayFactory ?? ((o, l) => createMediaGateway(o, l));
  const secretStore = options.secretStore ?? new FileSecretStore(dataDir);
  const logDir = options.logDir ?? join(dataDir, 'logs');

  const config = new ProfileConfig({
    dataDir,
    ...(options.profilePath ? { profilePath: options.profilePath } : {}),
    provisioningPaths: options.provisioningPaths ?? defaultProvisioningPaths(),
    secretStore,
    addSecret: (s) => logHub.addSecret(s),
    log: logHub.logger('config'),
  });
  await config.load();

  const emitter = new CoreEmitter();
  const history = new HistoryStore(join(dataDir, 'history.json'), logHub.logger('history'));
  const agent = new AgentStateMachine({ log: logHub.logger('agent') });
  const calls = new CallManager({
    log: logHub.logger('calls'),
    history,
    agent,
    ...(options.endedCallLingerMs !== undefined ? { endedLingerMs: options.endedCallLingerMs } : {}),
  });
  const sipTrace = new SipTrace();

  let registration: RegistrationSnapshot = { state: 'unregistered' };
  let rtc: RtcConnectionState = 'idle';
  let sip: SipAccount | undefined;
  let sipUnsubscribe: Array<() => void> = [];
  let gateway: MediaGateway | undefined;
  let gatewayOptions: GatewayOptions | undefined;
  let gatewayUnsubscribe: Array<() => void> = [];
  let echo: CallMedia | undefined;
  let session: SessionImpl | undefined;
  let seq = 0;
  let lastBody = '';
  let lastSnapshot: AppSnapshot | undefined;
  /** seq of the last snapshot broadcast; snapshot() may build newer ones without broadcasting. */
  let broadcastSeq = 0;
  let scheduled = false;
  let disposed = false;

  // ---- snapshots ------------------------------------------------------------------------

  const build = (): Omit<AppSnapshot, 'seq'> => ({
    registration,
    profile: config.current.status,
    calls: calls.snapshots(),
    agent: agent.snapshot(),
    history: history.entries(),
    rtc,
  });

  const current = (): AppSnapshot => {
    const body = build();
    const text = JSON.stringify(body);
    if (text !== lastBody || !lastSnapshot) {
      lastBody = text;
      seq += 1;
      lastSnapshot = { seq, ...body };
    }
    return lastSnapshot;
  };

  /** Coalesces bursts of changes into one snapshot; a snapshot is sent only if something changed. */
  const changed = (): void => {
    if (scheduled || disposed) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      const snap = current();
      if (snap.seq === broadcastSeq) return;
      broadcastSeq = snap.seq;
      session?.send({ type: 'snapshot', payload: snap });
      emitter.fire('snapshot', snap);
    });
  };

  const sendEvent = <T extends keyof EventMap>(type: T, payload: EventMap[T]): void => {
    session?.send({ type, payload } as CoreEvent);
  };

  calls.on('changed', changed);
  calls.on('ring', (callId, ringing) => sendEvent('ring', { callId, ringing }));
  calls.on('notice', (level, message) => sendEvent('notice', { level, message }));
  calls.on('incoming', (c) => emitter.fire('incomingCall', c));
  agent.on('changed', changed);

  // ---- gateway and SIP account ----------------------------------------------------------

  const wantedGatewayOptions = (profile: Profile | undefined): GatewayOptions => {
    // IT may give only one end of the range: the other follows it (a 1000-port range).
    const min = profile?.media?.rtpPortMin;
    const max = profile?.media?.rtpPortMax;
    return {
      localAddress: profile?.sip.localAddress ?? '127.0.0.1',
      rtpPortMin: min ?? (max !== undefined ? Math.max(1024, max - (DEFAULT_RTP_MAX - DEFAULT_RTP_MIN)) : DEFAULT_RTP_MIN),
      rtpPortMax: max ?? (min !== undefined ? Math.min(65535, min + (DEFAULT_RTP_MAX - DEFAULT_RTP_MIN)) : DEFAULT_RTP_MAX),
    };
  };

  const ensureGateway = async (profile: Profile | undefined): Promise<void> => {
    const wanted = wantedGatewayOptions(profile);
    if (gateway && gatewayOptions && JSON.stringify(wanted) === JSON.stringify(gatewayOptions)) return;
    if (gateway) {
      for (const u of gatewayUnsubscribe) u();
      gatewayUnsubscribe = [];
      echo?.dispose();
      echo = undefined;
      await gateway.dispose().catch((err: unknown) => log.warn('disposing the old media gateway failed', err));
      gateway = undefined;
      calls.setGateway(undefined);
    }
    try {
      const gw = gatewayFactory(wanted, logHub.logger('gateway'));
      gateway = gw;
      gatewayOptions = wanted;
      gatewayUnsubscribe = [
        gw.on('description', (d) => sendEvent('rtc.description', d)),
        gw.on('rtcState', (s) => {
          rtc = s;
          changed();
        }),
      ];
      calls.setGateway(gw);
      // The renderer must negotiate with the new gateway: 'idle' tells it to offer again.
      rtc = 'idle';
      changed();
    } catch (err) {
      log.error('the media gateway could not start', err);
      sendEvent('notice', { level: 'error', message: `Audio cannot start: ${errorText(err)}. Check the media settings and restart the app.` });
    }
  };

  const stopAccount = async (): Promise<void> => {
    const old = sip;
    sip = undefined;
    calls.setAccount(undefined);
    for (const u of sipUnsubscribe) u();
    sipUnsubscribe = [];
    if (old) await withTimeout(old.stop(), STOP_TIMEOUT_MS).catch((err: unknown) => log.warn('unregistering failed', err));
  };

  const startAccount = async (profile: Profile | undefined): Promise<void> => {
    await stopAccount();
    if (!profile || disposed) {
      registration = { state: 'unregistered' };
      changed();
      return;
    }
    let account: SipAccount;
    try {
      account = sipFactory({ profile, ...calls.mediaHooks }, logHub.logger('sip'));
    } catch (err) {
      registration = { state: 'failed', reason: `${errorText(err)} — check the SIP settings`, aor: profile.sip.uri };
      changed();
      return;
    }
    sip = account;
    calls.setAccount(account);
    calls.setAutoAnswer(profile.behaviour && typeof profile.behaviour === 'object' ? (profile.behaviour as { autoAnswer?: boolean }).autoAnswer === true : false);
    sipUnsubscribe = [
      account.on('registration', (r) => {
        if (sip !== account) return;
        registration = r;
        changed();
      }),
      sipTrace.follow(account),
    ];
    registration = { ...account.registration, aor: account.registration.aor ?? profile.sip.uri };
    changed();
    // Registration runs in the background: the UI is usable (and shows "Registering") meanwhile.
    account.start().catch((err: unknown) => {
      if (sip !== account) return;
      log.warn('SIP account start failed', err);
      if (account.registration.state !== 'failed') {
        registration = { state: 'failed', reason: `${errorText(err)} — check the SIP settings and the network`, aor: profile.sip.uri };
        changed();
      }
    });
  };

  // One profile change at a time: two quick saves must not leave two SIP accounts registered.
  let applying: Promise<void> = Promise.resolve();
  const applyProfile = (): Promise<void> => {
    const run = async (): Promise<void> => {
      const profile = config.current.profile;
      await ensureGateway(profile);
      await startAccount(profile);
    };
    applying = applying.then(run, run);
    return applying;
  };

  // ---- commands -------------------------------------------------------------------------

  const requireGateway = (): MediaGateway => {
    if (!gateway) throw new CommandError('Audio is not available: the media gateway did not start. Restart the app.');
    return gateway;
  };

  const execute = async (cmd: Command): Promise<unknown> => {
    switch (cmd.type) {
      case 'hello':
        return { protocol: PROTOCOL_VERSION };
      case 'profile.save': {
        if (calls.hasLiveCalls()) throw new CommandError('Settings cannot be changed during a call. Save them again when the call has ended.');
        const result = await config.save(cmd.payload.profile);
        if (!result.ok) throw new CommandError(result.error, result.fieldErrors);
        if (result.warning) sendEvent('notice', { level: 'warning', message: result.warning });
        changed();
        await applyProfile();
        return undefined;
      }
      case 'registration.retry':
        if (!sip) {
          if (!config.current.profile) throw new CommandError('No SIP account is set up. Open Settings and enter your SIP account.');
          await startAccount(config.current.profile);
          return undefined;
        }
        await sip.register();
        return undefined;
      case 'call.dial':
        return { callId: await calls.dial(cmd.payload.target) };
      case 'call.answer':
        return calls.answer(cmd.payload.callId);
      case 'call.decline':
        return calls.decline(cmd.payload.callId, cmd.payload.reason);
      case 'call.hangup':
        return calls.hangup(cmd.payload.callId);
      case 'call.hold':
        return calls.hold(cmd.payload.callId, cmd.payload.hold);
      case 'call.mute':
        return calls.mute(cmd.payload.callId, cmd.payload.mute);
      case 'call.dtmf':
        return calls.dtmf(cmd.payload.callId, cmd.payload.digits);
      case 'call.transfer':
        return calls.transfer(cmd.payload.callId, cmd.payload.target);
      case 'call.conference':
        return { conferenceId: await calls.conference(cmd.payload.callIds) };
      case 'agent.setState':
        agent.select(cmd.payload.state, cmd.payload.reason);
        return undefined;
      case 'rtc.description':
        await requireGateway().handleRendererDescription(cmd.payload);
        return undefined;
      case 'echoTest.start': {
        echo?.dispose();
        echo = await requireGateway().startEchoTest();
        return { mid: echo.mid };
      }
      case 'echoTest.stop':
        echo?.dispose();
        echo = undefined;
        return undefined;
      case 'diagnostics.save': {
        const password = config.current.profile?.sip.password;
        const result = await createDiagnosticsArchive({
          outDir: join(dataDir, 'diagnostics'),
          redactor: logHub,
          logFiles: listLogFiles(logDir),
          sipMessages: sipTrace,
          calls: calls.snapshots(),
          history: history.entries(),
          app: { name: 'Agent Softphone', version: options.app?.version ?? '0.0.0', shell: options.app?.shell ?? 'headless', ...(options.app?.versions ? { versions: options.app.versions } : {}) },
          renderer: cmd.payload.renderer,
          ...(password ? { secrets: [password] } : {}),
        });
        return { path: result.path, bytes: result.bytes };
      }
      case 'log': {
        const rendererLog = logHub.logger(`renderer.${cmd.payload.subsystem.replace(/[^A-Za-z0-9_-]/g, '_')}`);
        rendererLog[cmd.payload.level](cmd.payload.message);
        return undefined;
      }
    }
  };

  const onCommand = (from: SessionImpl, raw: unknown): void => {
    // A window that another one replaced was told so; its stale clicks must not act on calls.
    if (from.detached) return;
    let cmd: Command;
    try {
      const data = typeof raw === 'string' ? JSON.parse(raw) : raw;
      cmd = parseCommand(data);
    } catch (err) {
      const id = commandIdOf(raw);
      const reason = err instanceof SyntaxError ? 'message is not valid JSON' : errorText(err);
      log.warn(`rejected a message from the renderer: ${reason}`);
      from.send({ type: 'result', payload: { id, ok: false, error: `Rejected: ${reason}` } });
      return;
    }
    if (disposed) {
      from.send({ type: 'result', payload: { id: cmd.id, ok: false, error: 'The app is shutting down.' } });
      return;
    }
    if (cmd.type === 'hello') {
      if (cmd.payload.protocol !== PROTOCOL_VERSION) log.warn(`renderer speaks protocol ${cmd.payload.protocol}, core ${PROTOCOL_VERSION}`);
      from.ready(current());
    }
    if (cmd.type !== 'log') log.debug(`command ${cmd.type} #${cmd.id}`);
    execute(cmd).then(
      (data) => from.send({ type: 'result', payload: { id: cmd.id, ok: true, ...(data !== undefined ? { data } : {}) } }),
      (err: unknown) => {
        const expected = err instanceof CommandError || err instanceof CallCommandError || err instanceof AgentStateError;
        if (expected) log.info(`command ${cmd.type} #${cmd.id} refused: ${errorText(err)}`);
        else log.error(`command ${cmd.type} #${cmd.id} failed`, err);
        const fieldErrors = err instanceof CommandError ? err.fieldErrors : undefined;
        from.send({ type: 'result', payload: { id: cmd.id, ok: false, error: errorText(err), ...(fieldErrors ? { fieldErrors } : {}) } });
        changed();
      },
    );
  };

  // ---- the Core object ------------------------------------------------------------------

  const findCall = (pred: (c: CallSnapshot) => boolean): CallSnapshot | undefined => calls.snapshots().find(pred);

  const core: Core = {
    attach(client) {
      if (session && !session.detached) {
        session.send({ type: 'notice', payload: { level: 'warning', message: 'The softphone was opened in another window; this one no longer receives updates.' } });
        session.detach();
      }
      const s = new SessionImpl(client, onCommand, (d) => {
        if (session === d) session = undefined;
      }, log);
      session = s;
      return s;
    },
    snapshot: current,
    on(event: 'snapshot' | 'incomingCall', listener: ((s: AppSnapshot) => void) | ((c: CallSnapshot) => void)) {
      return event === 'snapshot'
        ? emitter.on('snapshot', listener as (s: AppSnapshot) => void)
        : emitter.on('incomingCall', listener as (c: CallSnapshot) => void);
    },
    async dial(target) {
      const link = parseDialLink(target);
      const what = link ? link.target : target.trim();
      if (!what) throw new CommandError('Nothing to dial.');
      if (!link && /^[a-z][a-z0-9+.-]*:/i.test(what) && !/^sips?:/i.test(what)) throw new CommandError(`"${target}" is not a tel:, sip: or callto: link.`);
      await calls.dial(what);
    },
    async answerRinging() {
      const ringing = findCall((c) => c.direction === 'inbound' && c.state === 'ringing');
      if (ringing) await calls.answer(ringing.id);
    },
    async hangupActive() {
      const active =
        findCall((c) => c.state === 'connected') ??
        findCall((c) => c.direction === 'outbound' && (c.state === 'calling' || c.state === 'ringing' || c.state === 'early')) ??
        findCall((c) => c.state === 'held') ??
        // Nothing else going on: the hang-up hotkey rejects the ringing call.
        findCall((c) => c.direction === 'inbound' && c.state === 'ringing');
      if (active) await calls.hangup(active.id);
    },
    async toggleMute() {
      const active = findCall((c) => c.state === 'connected') ?? findCall((c) => c.state === 'held');
      if (active) calls.mute(active.id, !active.muted);
    },
    isIdle: () => !calls.hasLiveCalls(),
    async dispose() {
      if (disposed) return;
      log.info('shutting down');
      await withTimeout(calls.dispose(), STOP_TIMEOUT_MS).catch((err: unknown) => log.warn('ending calls on shutdown failed', err));
      disposed = true;
      echo?.dispose();
      echo = undefined;
      await stopAccount();
      for (const u of gatewayUnsubscribe) u();
      if (gateway) await withTimeout(gateway.dispose(), STOP_TIMEOUT_MS).catch((err: unknown) => log.warn('media gateway dispose failed', err));
      gateway = undefined;
      session?.detach();
    },
  };

  await applyProfile();
  return core;
}

function listLogFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.log'))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function commandIdOf(raw: unknown): number {
  let data = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      return -1;
    }
  }
  const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isInteger(id) ? id : -1;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
