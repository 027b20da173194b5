import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetransmissionEngine } from './retransmit';
import { peekMessage, type WireMessage } from './wire';

function req(method: string, branch: string, cseqMethod = method): string {
  return `${method} sip:2000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5555;branch=${branch};rport\r\nCall-ID: c1\r\nCSeq: 1 ${cseqMethod}\r\nContent-Length: 0\r\n\r\n`;
}
function res(status: number, branch: string, cseqMethod: string): string {
  return `SIP/2.0 ${status} Reason\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=${branch}\r\nCall-ID: c1\r\nCSeq: 1 ${cseqMethod}\r\nContent-Length: 0\r\n\r\n`;
}
function info(text: string): WireMessage {
  const m = peekMessage(text);
  if (!m) throw new Error('test message did not parse');
  return m;
}

describe('RetransmissionEngine (RFC 3261 17, fake clock)', () => {
  let sent: Array<{ at: number; text: string }>;
  let engine: RetransmissionEngine;
  let start: number;

  beforeEach(() => {
    vi.useFakeTimers();
    start = Date.now();
    sent = [];
    engine = new RetransmissionEngine((text) => sent.push({ at: Date.now() - start, text }));
  });
  afterEach(() => {
    engine.dispose();
    vi.useRealTimers();
  });

  it('client INVITE: Timer A doubles from T1 and stops at Timer B (64*T1)', () => {
    const invite = req('INVITE', 'z9hG4bK1');
    engine.outgoing(invite, info(invite));
    vi.advanceTimersByTime(64 * 500 + 10_000);
    expect(sent.map((s) => s.at)).toEqual([500, 1500, 3500, 7500, 15500, 31500]);
    expect(sent.every((s) => s.text === invite)).toBe(true);
    expect(engine.size).toBe(0);
  });

  it('client INVITE: a provisional response stops retransmission', () => {
    const invite = req('INVITE', 'z9hG4bK2');
    engine.outgoing(invite, info(invite));
    vi.advanceTimersByTime(600);
    expect(engine.incoming(info(res(100, 'z9hG4bK2', 'INVITE')))).toBe('deliver');
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(1);
  });

  it('client non-INVITE: Timer E doubles to T2, stays at T2 after a provisional, stops at the final response', () => {
    const reg = req('REGISTER', 'z9hG4bK3');
    engine.outgoing(reg, info(reg));
    vi.advanceTimersByTime(8000);
    expect(sent.map((s) => s.at)).toEqual([500, 1500, 3500, 7500]);
    engine.incoming(info(res(100, 'z9hG4bK3', 'REGISTER')));
    vi.advanceTimersByTime(8100);
    expect(sent.map((s) => s.at)).toEqual([500, 1500, 3500, 7500, 12000, 16000]);
    expect(engine.incoming(info(res(200, 'z9hG4bK3', 'REGISTER')))).toBe('deliver');
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(6);
  });

  it('client non-INVITE: gives up at Timer F (64*T1)', () => {
    const bye = req('BYE', 'z9hG4bK4');
    engine.outgoing(bye, info(bye));
    vi.advanceTimersByTime(120_000);
    expect(sent.map((s) => s.at)).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(engine.size).toBe(0);
  });

  it('client INVITE: a retransmitted non-2xx final gets the same ACK again and is not passed up', () => {
    const invite = req('INVITE', 'z9hG4bK5');
    engine.outgoing(invite, info(invite));
    expect(engine.incoming(info(res(486, 'z9hG4bK5', 'INVITE')))).toBe('deliver');
    const ack = req('ACK', 'z9hG4bK5');
    engine.outgoing(ack, info(ack));
    expect(engine.incoming(info(res(486, 'z9hG4bK5', 'INVITE')))).toBe('absorb');
    expect(sent.map((s) => s.text)).toEqual([ack]);
  });

  it('client INVITE: retransmitted 2xx still go to sip.js (its dialog re-ACKs them)', () => {
    const invite = req('INVITE', 'z9hG4bK6');
    engine.outgoing(invite, info(invite));
    expect(engine.incoming(info(res(200, 'z9hG4bK6', 'INVITE')))).toBe('deliver');
    expect(engine.incoming(info(res(200, 'z9hG4bK6', 'INVITE')))).toBe('deliver');
  });

  it('server: a retransmitted request gets the last final response again and is absorbed', () => {
    const bye = req('BYE', 'z9hG4bK7');
    expect(engine.incoming(info(bye))).toBe('deliver');
    const ok = res(200, 'z9hG4bK7', 'BYE');
    engine.outgoing(ok, info(ok));
    expect(engine.incoming(info(bye))).toBe('absorb');
    expect(sent.map((s) => s.text)).toEqual([ok]);
    // Timer J: after 64*T1 the request would be new again.
    vi.advanceTimersByTime(64 * 500 + 1);
    expect(engine.incoming(info(bye))).toBe('deliver');
  });

  it('server: a provisional only is not enough to absorb (sip.js resends provisionals itself)', () => {
    const invite = req('INVITE', 'z9hG4bK8');
    engine.incoming(info(invite));
    const ringing = res(180, 'z9hG4bK8', 'INVITE');
    engine.outgoing(ringing, info(ringing));
    expect(engine.incoming(info(invite))).toBe('deliver');
  });

  it('server INVITE: a non-2xx final is retransmitted (Timer G, capped at T2) until the ACK', () => {
    const busy = res(486, 'z9hG4bK9', 'INVITE');
    engine.outgoing(busy, info(busy));
    vi.advanceTimersByTime(12_000);
    expect(sent.map((s) => s.at)).toEqual([500, 1500, 3500, 7500, 11500]);
    const ack = req('ACK', 'z9hG4bK9', 'ACK');
    expect(engine.incoming(info(ack))).toBe('deliver');
    expect(engine.incoming(info(ack))).toBe('absorb');
    vi.advanceTimersByTime(30_000);
    expect(sent).toHaveLength(5);
  });

  it('server INVITE: without an ACK, Timer H (64*T1) ends the retransmission', () => {
    const busy = res(486, 'z9hG4bK10', 'INVITE');
    engine.outgoing(busy, info(busy));
    vi.advanceTimersByTime(120_000);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.every((s) => s.at <= 64 * 500 + 5000)).toBe(true);
    expect(engine.size).toBe(0);
  });

  it('server INVITE: 2xx is left to sip.js (no engine retransmission), a retransmitted INVITE gets it again', () => {
    const ok = res(200, 'z9hG4bK11', 'INVITE');
    engine.outgoing(ok, info(ok));
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(0);
    expect(engine.incoming(info(req('INVITE', 'z9hG4bK11')))).toBe('absorb');
    expect(sent.map((s) => s.text)).toEqual([ok]);
  });
});

describe('RetransmissionEngine timeout report', () => {
  it('reports a request that got no final response by 64*T1, not one that was answered', () => {
    vi.useFakeTimers();
    const engine = new RetransmissionEngine(() => undefined);
    const timedOut: string[] = [];
    engine.onTimeout = (text) => timedOut.push(text);
    const a = req('OPTIONS', 'z9hG4bKa');
    const b = req('OPTIONS', 'z9hG4bKb');
    engine.outgoing(a, info(a));
    engine.outgoing(b, info(b));
    engine.incoming(info(res(200, 'z9hG4bKb', 'OPTIONS')));
    vi.advanceTimersByTime(64 * 500);
    expect(timedOut).toEqual([a]);
    engine.dispose();
    vi.useRealTimers();
  });
});
