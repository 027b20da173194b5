// RFC 3261 section 17 retransmission for unreliable transports, which sip.js 0.21 leaves out
// (Timers A/E/G are FIXMEs and D/I/J/K are 0, so retransmitted requests and responses would
// reach its transaction user as new ones). It sits between sip.js and the UDP socket, sees
// every message by text, and never touches a socket itself: time comes from an injectable
// clock so unit tests drive it with fake timers.
//
// What it does:
// - client INVITE: resend every T1, 2T1, 4T1 ... until any response or 64*T1 (Timer A/B).
// - client non-INVITE: resend at min(2^n*T1, T2), at T2 after a provisional, until a final
//   response or 64*T1 (Timer E/F). sip.js itself reports the timeout (its B/F run).
// - client: a retransmitted non-2xx final response to INVITE gets the cached ACK again.
// - server: a retransmitted request whose final response we sent gets that response again
//   and is not passed up (J, and INVITE absorption after sip.js dropped the transaction).
// - server: a non-2xx final response to INVITE is resent (Timer G) until the ACK or 64*T1 (H).
//   2xx to INVITE is retransmitted by sip.js's dialog (RFC 6026), so not here.
import type { WireMessage } from './wire';

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface TimerValues {
  T1: number;
  T2: number;
  T4: number;
}

export const RFC3261_TIMERS: TimerValues = { T1: 500, T2: 4000, T4: 5000 };

/** How long an INVITE client entry waits for a final response after a provisional. */
const PROCEEDING_LIMIT_MS = 10 * 60_000;

export type IncomingVerdict = 'deliver' | 'absorb';

interface ClientEntry {
  kind: 'client';
  method: string;
  text: string;
  interval: number;
  timer?: unknown;
  /** Timer B/F (or D/K after completion): forget the entry. */
  expiry?: unknown;
  state: 'calling' | 'proceeding' | 'completed';
  /** ACK we sent for a non-2xx final response (resent on retransmitted finals). */
  ack?: string;
}

interface ServerEntry {
  kind: 'server';
  method: string;
  response?: string;
  final: boolean;
  interval: number;
  timer?: unknown;
  expiry?: unknown;
  acked: boolean;
}

export class RetransmissionEngine {
  readonly #clients = new Map<string, ClientEntry>();
  readonly #servers = new Map<string, ServerEntry>();
  readonly #send: (text: string) => void;
  readonly #clock: Clock;
  readonly #t: TimerValues;
  #disposed = false;

  /** A client request got no final response within 64*T1 (Timer B/F): the wire text of the request. */
  onTimeout: ((requestText: string) => void) | undefined;

  constructor(send: (text: string) => void, clock: Clock = realClock, timers: TimerValues = RFC3261_TIMERS) {
    this.#send = send;
    this.#clock = clock;
    this.#t = timers;
  }

  /** Number of transactions being tracked (for tests and diagnostics). */
  get size(): number {
    return this.#clients.size + this.#servers.size;
  }

  /** Call after a message went out on the wire (text exactly as sent). */
  outgoing(text: string, msg: WireMessage): void {
    if (this.#disposed) return;
    if (msg.kind === 'request') this.#outgoingRequest(text, msg.method, msg.branch);
    else this.#outgoingResponse(text, msg.status, msg.branch, msg.cseqMethod);
  }

  /** Call for every message from the wire; 'absorb' means do not pass it to sip.js. */
  incoming(msg: WireMessage): IncomingVerdict {
    if (this.#disposed) return 'deliver';
    return msg.kind === 'request' ? this.#incomingRequest(msg.method, msg.branch) : this.#incomingResponse(msg.status, msg.branch, msg.cseqMethod);
  }

  dispose(): void {
    this.#disposed = true;
    for (const e of [...this.#clients.values(), ...this.#servers.values()]) this.#clearTimers(e);
    this.#clients.clear();
    this.#servers.clear();
  }

  #clearTimers(e: ClientEntry | ServerEntry): void {
    if (e.timer !== undefined) this.#clock.clearTimeout(e.timer);
    if (e.expiry !== undefined) this.#clock.clearTimeout(e.expiry);
    e.timer = undefined;
    e.expiry = undefined;
  }

  #outgoingRequest(text: string, method: string, branch: string): void {
    if (method === 'ACK') {
      // ACK for a non-2xx final carries the INVITE's branch: keep it for retransmitted finals.
      const invite = this.#clients.get(`${branch} INVITE`);
      if (invite) invite.ack = text;
      return;
    }
    const key = `${branch} ${method}`;
    if (this.#clients.has(key)) return;
    const entry: ClientEntry = { kind: 'client', method, text, interval: this.#t.T1, state: 'calling' };
    this.#clients.set(key, entry);
    entry.timer = this.#clock.setTimeout(() => this.#retransmitRequest(key), entry.interval);
    entry.expiry = this.#clock.setTimeout(() => {
      const e = this.#clients.get(key);
      const timedOut = e && e.state !== 'completed';
      this.#forgetClient(key);
      if (timedOut) this.onTimeout?.(text);
    }, 64 * this.#t.T1);
  }

  #retransmitRequest(key: string): void {
    const e = this.#clients.get(key);
    if (!e || e.state === 'completed') return;
    this.#send(e.text);
    if (e.method === 'INVITE') e.interval = e.interval * 2;
    else e.interval = e.state === 'proceeding' ? this.#t.T2 : Math.min(e.interval * 2, this.#t.T2);
    e.timer = this.#clock.setTimeout(() => this.#retransmitRequest(key), e.interval);
  }

  #forgetClient(key: string): void {
    const e = this.#clients.get(key);
    if (!e) return;
    this.#clearTimers(e);
    this.#clients.delete(key);
  }

  #incomingResponse(status: number, branch: string, cseqMethod: string): IncomingVerdict {
    const key = `${branch} ${cseqMethod}`;
    const e = this.#clients.get(key);
    if (!e) return 'deliver';
    if (e.state === 'completed') {
      // A retransmitted final response: sip.js has already forgotten the transaction.
      if (e.method === 'INVITE' && status >= 300 && e.ack) this.#send(e.ack);
      return e.method === 'INVITE' && status >= 200 && status < 300 ? 'deliver' : 'absorb';
    }
    if (e.timer !== undefined) this.#clock.clearTimeout(e.timer);
    e.timer = undefined;
    if (status < 200) {
      if (e.method === 'INVITE') {
        // Timer A stops on a provisional; Timer B no longer applies (ringing may last minutes),
        // but keep a bound so an entry whose final never comes is not kept forever.
        if (e.state !== 'proceeding') {
          if (e.expiry !== undefined) this.#clock.clearTimeout(e.expiry);
          e.expiry = this.#clock.setTimeout(() => this.#forgetClient(key), PROCEEDING_LIMIT_MS);
        }
        e.state = 'proceeding';
        return 'deliver';
      }
      e.state = 'proceeding';
      e.interval = this.#t.T2;
      e.timer = this.#clock.setTimeout(() => this.#retransmitRequest(key), e.interval);
      return 'deliver';
    }
    e.state = 'completed';
    if (e.expiry !== undefined) this.#clock.clearTimeout(e.expiry);
    // Timer D (32 s for INVITE, to re-ACK retransmitted finals; 2xx go to sip.js's dialog),
    // Timer K (T4) for non-INVITE.
    const hold = e.method === 'INVITE' ? 64 * this.#t.T1 : this.#t.T4;
    e.expiry = this.#clock.setTimeout(() => this.#forgetClient(key), hold);
    return 'deliver';
  }

  #outgoingResponse(text: string, status: number, branch: string, cseqMethod: string): void {
    const key = `${branch} ${cseqMethod}`;
    let e = this.#servers.get(key);
    if (!e) {
      e = { kind: 'server', method: cseqMethod, final: false, interval: this.#t.T1, acked: false };
      this.#servers.set(key, e);
    }
    if (e.final && e.response === text) return; // our own retransmission passing through
    e.response = text;
    if (status < 200) return;
    e.final = true;
    this.#clearTimers(e);
    if (cseqMethod === 'INVITE' && status >= 300) {
      e.interval = this.#t.T1;
      e.timer = this.#clock.setTimeout(() => this.#retransmitResponse(key), e.interval);
    }
    // Keep the final response long enough to answer retransmitted requests (Timer J / H + I).
    const hold = cseqMethod === 'INVITE' ? 64 * this.#t.T1 + this.#t.T4 : 64 * this.#t.T1;
    e.expiry = this.#clock.setTimeout(() => this.#forgetServer(key), hold);
  }

  #retransmitResponse(key: string): void {
    const e = this.#servers.get(key);
    if (!e || e.acked || !e.response) return;
    this.#send(e.response);
    e.interval = Math.min(e.interval * 2, this.#t.T2);
    e.timer = this.#clock.setTimeout(() => this.#retransmitResponse(key), e.interval);
  }

  #forgetServer(key: string): void {
    const e = this.#servers.get(key);
    if (!e) return;
    this.#clearTimers(e);
    this.#servers.delete(key);
  }

  #incomingRequest(method: string, branch: string): IncomingVerdict {
    if (method === 'ACK') {
      // ACK to a non-2xx final shares the INVITE's branch; ACK to a 2xx has its own branch.
      const e = this.#servers.get(`${branch} INVITE`);
      if (!e || !e.final) return 'deliver';
      if (e.timer !== undefined) this.#clock.clearTimeout(e.timer);
      e.timer = undefined;
      if (e.acked) return 'absorb';
      e.acked = true;
      return 'deliver';
    }
    const e = this.#servers.get(`${branch} ${method}`);
    if (!e || !e.final || !e.response) return 'deliver';
    this.#send(e.response);
    return 'absorb';
  }
}
