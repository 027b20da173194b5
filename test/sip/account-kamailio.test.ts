// The SIP account against real peers: Kamailio as registrar/proxy (digest auth, record-route)
// and SIPp as the far end. Everything on 127.0.0.1 with free ports.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, startKamailio, startSipp, type KamailioPeer } from '../../e2e/peers';
import { ended, makeAccount, nextCallEvent, nextIncoming, profileFor, type TestAccount } from './helpers';

const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../e2e/peers/sipp');

let kamailio: KamailioPeer;
let ports: { busy: number; early: number; busyTcp: number };
let agent: TestAccount;

beforeAll(async () => {
  ports = { busy: await findFreePort(), early: await findFreePort(), busyTcp: await findFreePort() };
  kamailio = await startKamailio({
    users: [
      { user: '1001', password: 'secret1001' },
      { user: '1002', password: 'secret1002' },
      { user: '1003', password: 'secret1003' },
    ],
    routes: { '2486': `sip:2486@127.0.0.1:${ports.busy}`, '2183': `sip:2183@127.0.0.1:${ports.early}`, '3486': `sip:3486@127.0.0.1:${ports.busyTcp}` },
  });
  agent = makeAccount(profileFor({ user: '1001', proxy: kamailio.udpUri }));
  await agent.account.start();
});

afterAll(async () => {
  await agent?.dispose();
  await kamailio?.stop();
});

describe('registration (Kamailio, UDP)', () => {
  it('registers with digest auth and reports when the binding expires', () => {
    expect(agent.account.registration).toMatchObject({ state: 'registered', aor: 'sip:1001@testbed.local' });
    expect(agent.account.registration.expiresAt).toBeGreaterThan(Date.now());
    // First REGISTER challenged, second carries credentials (redacted in the diagnostics stream).
    expect(agent.wire.some((w) => w.direction === 'in' && /^SIP\/2\.0 401/.test(w.text))).toBe(true);
    const withAuth = agent.wire.find((w) => w.direction === 'out' && /^REGISTER/.test(w.text) && /^Authorization:/m.test(w.text));
    expect(withAuth?.text).toMatch(/^Authorization: \[redacted\]/m);
    expect(agent.wire.every((w) => !w.text.includes('secret1001'))).toBe(true);
  });

  it('unregisters on stop (Expires 0 answered by the registrar)', async () => {
    const a = makeAccount(profileFor({ user: '1002', proxy: kamailio.udpUri }));
    try {
      await a.account.start();
      expect(a.account.registration.state).toBe('registered');
      await a.account.stop();
      expect(a.account.registration.state).toBe('unregistered');
      const unregister = a.wire.filter((w) => w.direction === 'out' && /^REGISTER/.test(w.text)).at(-1)?.text ?? '';
      expect(unregister).toMatch(/expires[=:]\s*0\b/i);
      const cseq = /^CSeq: (\d+) REGISTER/m.exec(unregister)?.[1];
      expect(a.wire.some((w) => w.direction === 'in' && /^SIP\/2\.0 200/.test(w.text) && w.text.includes(`CSeq: ${cseq} REGISTER`))).toBe(true);
    } finally {
      await a.dispose();
    }
  });

  it('a wrong password fails with plain words', async () => {
    const a = makeAccount(profileFor({ user: '1003', password: 'wrong-password', proxy: kamailio.udpUri }));
    try {
      await a.account.start();
      expect(a.account.registration.state).toBe('failed');
      expect(a.account.registration.reason).toMatch(/^40[13] .+ — check the user name and password in Settings$/);
    } finally {
      await a.dispose();
    }
  });

  it('registers over TCP too', async () => {
    const a = makeAccount(profileFor({ user: '1002', proxy: kamailio.tcpUri }));
    try {
      await a.account.start();
      expect(a.account.registration.state).toBe('registered');
      const register = a.wire.find((w) => w.direction === 'out' && /^REGISTER/.test(w.text))?.text ?? '';
      expect(register).toMatch(/^Via: SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;/m);
      expect(register).toMatch(/^Contact: <sip:1002@127\.0\.0\.1:\d+;transport=tcp>/m);
    } finally {
      await a.dispose();
    }
  });
});

describe('outbound calls through the proxy', () => {
  it('486 from the far end ends the call as Busy and releases its media', async () => {
    const sipp = await startSipp('uas-486', { localPort: ports.busy, service: '2486' });
    try {
      const call = await agent.account.dial('2486');
      const end = await ended(call);
      expect(end).toEqual({ by: 'remote', status: 486, reason: 'Busy' });
      expect(agent.media.get(call.id)?.released).toBe(true);
      const invite = agent.wire.find((w) => w.direction === 'out' && w.text.startsWith('INVITE sip:2486@testbed.local'))?.text ?? '';
      expect(invite).toMatch(new RegExp(`^Route: <sip:127\\.0\\.0\\.1:${kamailio.port};lr>`, 'm'));
      expect(invite).toContain('m=audio ');
      const result = await sipp.done;
      expect(result.code, result.output).toBe(0);
    } finally {
      await sipp.stop();
    }
  });

  it('183 with SDP is early media (negotiated before the answer), then 200 connects', async () => {
    const sipp = await startSipp('uas-183-200', { localPort: ports.early, service: '2183', durationMs: 300 });
    try {
      const call = await agent.account.dial('2183');
      const progress = nextCallEvent(call, 'progress');
      const accepted = nextCallEvent(call, 'accepted');
      const [p] = await progress;
      expect(p).toMatchObject({ status: 183, earlyMedia: true });
      const media = agent.media.get(call.id);
      expect(media?.applied[0]).toMatchObject({ remoteAddress: '127.0.0.1', codec: { name: 'PCMU', payloadType: 0 }, direction: 'sendrecv' });
      await accepted;
      // Kamailio relays UDP with several workers: let our ACK get past it before the BYE can.
      await kamailio.waitForLog(new RegExp(`REQ ACK sip:2183@127\\.0\\.0\\.1:${ports.early}`));
      const end = ended(call);
      await call.hangup();
      expect(await end).toMatchObject({ by: 'local', reason: 'Hung up' });
      const result = await sipp.done;
      expect(result.code, result.output).toBe(0);
    } finally {
      await sipp.stop();
    }
  });
});

describe('inbound calls through the proxy', () => {
  it('rings with the caller name and number, answers, and ends on the caller BYE', async () => {
    const incoming = nextIncoming(agent.account);
    const sipp = await startSipp('uac', { remote: `${kamailio.host}:${kamailio.port}`, service: '1001', caller: '5551234', callerName: 'Jane Caller', durationMs: 300 });
    try {
      const call = await incoming;
      expect(call.direction).toBe('inbound');
      expect(call.remote).toMatchObject({ number: '5551234', displayName: 'Jane Caller' });
      await agent.waitForWire('out', /^SIP\/2\.0 180 Ringing/);
      const accepted = nextCallEvent(call, 'accepted');
      const end = ended(call);
      await call.answer();
      await accepted;
      expect(agent.media.get(call.id)?.applied[0]).toMatchObject({ codec: { name: 'PCMU' }, telephoneEvent: { payloadType: 101 } });
      expect(await end).toEqual({ by: 'remote', reason: 'Hung up by remote party' });
      expect(agent.media.get(call.id)?.released).toBe(true);
      const result = await sipp.done;
      expect(result.code, result.output).toBe(0);
    } finally {
      await sipp.stop();
    }
  });

  it('a caller CANCEL while ringing ends the call as Cancelled by caller', async () => {
    const incoming = nextIncoming(agent.account);
    const sipp = await startSipp(path.join(scenarios, 'uac-cancel.xml'), { remote: `${kamailio.host}:${kamailio.port}`, service: '1001', caller: '5550000', durationMs: 200 });
    try {
      const call = await incoming;
      expect(await ended(call)).toEqual({ by: 'remote', reason: 'Cancelled by caller' });
      expect(agent.media.get(call.id)?.released).toBe(true);
      const result = await sipp.done;
      expect(result.code, result.output).toBe(0);
    } finally {
      await sipp.stop();
    }
  });
});

describe('calls over TCP to the proxy', () => {
  it('places a call (486 Busy) and takes one (answer, caller hangs up) over TCP', async () => {
    const a = makeAccount(profileFor({ user: '1003', proxy: kamailio.tcpUri }));
    try {
      await a.account.start();
      expect(a.account.registration.state).toBe('registered');
      const busy = await startSipp('uas-486', { localPort: ports.busyTcp, service: '3486' });
      try {
        const call = await a.account.dial('3486');
        expect(await ended(call)).toEqual({ by: 'remote', status: 486, reason: 'Busy' });
      } finally {
        await busy.stop();
      }
      const incoming = nextIncoming(a.account);
      const caller = await startSipp('uac', { remote: `${kamailio.host}:${kamailio.port}`, service: '1003', caller: '5552222', durationMs: 300 });
      try {
        const call = await incoming;
        expect(call.remote.number).toBe('5552222');
        const end = ended(call);
        await call.answer();
        expect(await end).toEqual({ by: 'remote', reason: 'Hung up by remote party' });
        const result = await caller.done;
        expect(result.code, result.output).toBe(0);
      } finally {
        await caller.stop();
      }
    } finally {
      await a.dispose();
    }
  });
});
