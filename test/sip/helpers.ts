// Shared bits for the SIP integration tests: a fake media port (a real bound RTP socket so the
// SDP carries a usable port; the gateway is not involved), an account with its wire captured,
// and awaiting events instead of sleeping.
import dgram from 'node:dgram';
import type { Profile } from '../../shared/types';
import type { CodecSpec, NegotiatedMedia, SipMediaPort } from '../../src-main/core/gateway/types';
import { LogHub, stderrSink } from '../../src-main/core/log/logger';
import { createSipAccount } from '../../src-main/core/sip';
import type { SipAccountTuning, SipAccount, SipAccountEvents, SipCall, SipCallEvents, SipEnded } from '../../src-main/core/sip';
import type { RegistrationSnapshot } from '../../shared/types';

export interface FakeMedia extends SipMediaPort {
  callId: string;
  applied: NegotiatedMedia[];
  /** Codecs the SIP layer asked the gateway to prepare the agent's leg with (before any answer). */
  prepared: Array<{ codec: CodecSpec; telephoneEvent?: CodecSpec }>;
  released: boolean;
  socket: dgram.Socket;
}

export interface TestAccount {
  account: SipAccount & { dispose(): Promise<void> };
  wire: Array<{ direction: 'in' | 'out'; text: string }>;
  media: Map<string, FakeMedia>;
  registrations: RegistrationSnapshot[];
  /** Call ids in the order the SIP layer asked for their media to be released (repeats kept). */
  releaseCalls: string[];
  /** Resolves once `check` holds after media was created or released. */
  waitForMedia(check: () => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the first registration snapshot matching. */
  waitForRegistration(pred: (r: RegistrationSnapshot) => boolean, timeoutMs?: number): Promise<RegistrationSnapshot>;
  /** Resolves with the first wire message (past or future) matching. */
  waitForWire(direction: 'in' | 'out', pattern: RegExp, timeoutMs?: number): Promise<string>;
  dispose(): Promise<void>;
}

function bindRtp(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

export function profileFor(opts: { user?: string; password?: string; domain?: string; proxy: string; expires?: number; tlsCaFile?: string }): Profile {
  const user = opts.user ?? '1001';
  return {
    displayName: `Agent ${user}`,
    sip: {
      uri: `sip:${user}@${opts.domain ?? 'testbed.local'}`,
      authUser: user,
      password: opts.password ?? `secret${user}`,
      outboundProxy: opts.proxy,
      localAddress: '127.0.0.1',
      ...(opts.expires ? { registerExpires: opts.expires } : {}),
      ...(opts.tlsCaFile ? { tlsCaFile: opts.tlsCaFile } : {}),
    },
  };
}

export interface TestAccountHooks {
  /** Awaited inside createMedia before the media exists (e.g. a deferred to hold it back). */
  beforeMedia?: (callId: string) => Promise<void>;
}

export function makeAccount(profile: Profile, tuning?: SipAccountTuning, hooks: TestAccountHooks = {}): TestAccount {
  const hub = new LogHub(process.env.SOFTPHONE_LOG_STDERR === '1' ? 'debug' : 'warn');
  if (process.env.SOFTPHONE_LOG_STDERR === '1') hub.addSink(stderrSink);
  hub.addSecret(profile.sip.password);
  const media = new Map<string, FakeMedia>();
  const wire: TestAccount['wire'] = [];
  const wireWaiters = new Set<() => void>();
  const registrations: RegistrationSnapshot[] = [];
  const regWaiters = new Set<() => void>();
  const releaseCalls: string[] = [];
  const mediaWaiters = new Set<() => void>();
  const mediaChanged = (): void => {
    for (const w of [...mediaWaiters]) w();
  };
  const account = createSipAccount(
    {
      profile,
      createMedia: async (callId) => {
        await hooks.beforeMedia?.(callId);
        const socket = await bindRtp();
        const m: FakeMedia = {
          callId,
          localAddress: '127.0.0.1',
          rtpPort: socket.address().port,
          applied: [],
          prepared: [],
          released: false,
          socket,
          applyNegotiation(n) {
            this.applied.push(n);
          },
          prepare(codec, telephoneEvent) {
            this.prepared.push(telephoneEvent ? { codec, telephoneEvent } : { codec });
          },
        };
        media.set(callId, m);
        mediaChanged();
        return m;
      },
      releaseMedia: (callId) => {
        releaseCalls.push(callId);
        const m = media.get(callId);
        if (m && !m.released) {
          m.released = true;
          m.socket.close();
        }
        mediaChanged();
      },
    },
    hub.logger('sip'),
    tuning,
  );
  account.on('message', (direction, text) => {
    wire.push({ direction, text });
    for (const w of [...wireWaiters]) w();
  });
  account.on('registration', (r) => {
    registrations.push(r);
    for (const w of [...regWaiters]) w();
  });
  const waitUntil = <T>(check: () => T | undefined, waiters: Set<() => void>, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const hit = check();
      if (hit !== undefined) return resolve(hit);
      const timer = setTimeout(() => {
        waiters.delete(onChange);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const onChange = (): void => {
        const h = check();
        if (h === undefined) return;
        clearTimeout(timer);
        waiters.delete(onChange);
        resolve(h);
      };
      waiters.add(onChange);
    });
  return {
    account,
    wire,
    media,
    registrations,
    releaseCalls,
    waitForMedia: (check, timeoutMs = 10_000) => waitUntil(() => (check() ? true : undefined), mediaWaiters, 'media created/released', timeoutMs).then(() => undefined),
    waitForRegistration: (pred, timeoutMs = 10_000) =>
      waitUntil(() => (pred(account.registration) ? account.registration : registrations.find(pred)), regWaiters, 'a registration state', timeoutMs),
    waitForWire: (direction, pattern, timeoutMs = 10_000) =>
      waitUntil(() => wire.find((w) => w.direction === direction && pattern.test(w.text))?.text, wireWaiters, `SIP ${direction} ${pattern}`, timeoutMs),
    async dispose() {
      await account.dispose();
      for (const m of media.values()) if (!m.released) m.socket.close();
    },
  };
}

/** Resolves with the first emission of a call event. */
export function nextCallEvent<K extends keyof SipCallEvents>(call: SipCall, event: K, timeoutMs = 15_000): Promise<Parameters<SipCallEvents[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for call event ${event}`));
    }, timeoutMs);
    const off = call.on(event, ((...args: Parameters<SipCallEvents[K]>) => {
      clearTimeout(timer);
      off();
      resolve(args);
    }) as SipCallEvents[K]);
  });
}

export function ended(call: SipCall, timeoutMs?: number): Promise<SipEnded> {
  return nextCallEvent(call, 'ended', timeoutMs).then(([e]) => e);
}

export function nextIncoming(account: SipAccount, timeoutMs = 15_000): Promise<SipCall> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an incoming call'));
    }, timeoutMs);
    const off = account.on('incoming', ((call: SipCall) => {
      clearTimeout(timer);
      off();
      resolve(call);
    }) as SipAccountEvents['incoming']);
  });
}
