// UDP behaviour seen on the wire with a hand-driven peer: request retransmission, absorbing
// retransmitted requests, 2xx retransmitted until ACK, garbage dropped, codec mismatch -> 488,
// hold/resume, remote hold, INFO DTMF, REFER.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoRegister, parseRaw, RawSipPeer, responseTo, sdpOffer, type RawMessage } from './raw-peer';
import { ended, makeAccount, nextCallEvent, nextIncoming, profileFor, type TestAccount } from './helpers';

let peer: RawSipPeer;
let agent: TestAccount | undefined;

beforeEach(async () => {
  peer = await RawSipPeer.start();
});
afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
  peer.close();
});

/** Scaled-down RFC 3261 timers: same schedule shape, ten times faster. */
const FAST = { udpTimers: { T1: 50, T2: 400, T4: 500 } };

const isReq = (method: string) => (m: RawMessage) => m.method === method;

/** The agent's SIP address as seen by the peer (from the REGISTER it got). */
function agentAddress(): { address: string; port: number } {
  const reg = peer.received.find(isReq('REGISTER'));
  if (!reg) throw new Error('no REGISTER seen');
  return reg.from;
}

function inviteFromPeer(to: { port: number }, opts: { callId: string; branch: string; body: string; cseq?: number }): string {
  return [
    `INVITE sip:1001@127.0.0.1:${to.port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${opts.branch};rport`,
    'From: "Raw Caller" <sip:5557777@127.0.0.1>;tag=rawfrom',
    'To: <sip:1001@testbed.local>',
    `Call-ID: ${opts.callId}`,
    `CSeq: ${opts.cseq ?? 1} INVITE`,
    `Contact: <sip:5557777@127.0.0.1:${peer.port}>`,
    'Max-Forwards: 70',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(opts.body)}`,
    '',
    opts.body,
  ].join('\r\n');
}

function inDialogFromPeer(method: string, invite200: RawMessage, opts: { cseq: number; branch: string; body?: string; contentType?: string; target: { port: number } }): string {
  const body = opts.body ?? '';
  return [
    `${method} ${/<([^>]+)>/.exec(invite200.header('Contact') ?? '')?.[1] ?? `sip:1001@127.0.0.1:${opts.target.port}`} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${opts.branch};rport`,
    `From: ${invite200.header('From')}`,
    `To: ${invite200.header('To')}`,
    `Call-ID: ${invite200.header('Call-ID')}`,
    `CSeq: ${opts.cseq} ${method}`,
    `Contact: <sip:5557777@127.0.0.1:${peer.port}>`,
    'Max-Forwards: 70',
    ...(body ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

describe('UDP transport on the wire', () => {
  it('retransmits an unanswered REGISTER with the same branch (Timer E) until answered', async () => {
    let seen = 0;
    peer.onMessage = (m) => {
      if (m.method !== 'REGISTER') return;
      seen++;
      // Drop the first two copies, as a lossy network would.
      if (seen < 3) return;
      const contact = m.header('Contact') ?? '';
      peer.send(responseTo(m, 200, 'OK', { toTag: 't', contact: `${contact};expires=600` }), m.from);
    };
    agent = makeAccount(profileFor({ proxy: peer.uri }), FAST);
    await agent.account.start();
    expect(agent.account.registration.state).toBe('registered');
    const copies = peer.received.filter(isReq('REGISTER'));
    expect(copies.length).toBe(3);
    expect(new Set(copies.map((c) => c.text)).size).toBe(1);
    // Our real port is in the Via (sip.js leaves it out) and in the Contact.
    const port = copies[0]!.from.port;
    expect(copies[0]!.header('Via')).toMatch(new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${port};branch=z9hG4bK\\S+;rport$`));
    expect(copies[0]!.header('Contact')).toContain(`@127.0.0.1:${port};transport=udp>`);
    expect(copies[0]!.header('Route')).toBe(`<sip:127.0.0.1:${peer.port};lr>`);
  });

  it('no answer at all: registration fails with "no answer from <proxy>" once retransmission gives up', async () => {
    // Scaled-down T1/T2 so the 64*T1 give-up comes quickly; the counts are the RFC's all the same.
    agent = makeAccount(profileFor({ proxy: peer.uri }), FAST);
    await agent.account.start();
    expect(agent.account.registration).toMatchObject({ state: 'failed', reason: `no answer from 127.0.0.1:${peer.port} — check the network and the outbound proxy in Settings` });
    // Scaled Timer E: 1 + 10 copies fit in 64*T1 on time; a loaded machine delays the chain a bit.
    const copies = peer.received.filter(isReq('REGISTER'));
    expect(copies.length).toBeGreaterThanOrEqual(8);
    expect(copies.length).toBeLessThanOrEqual(11);
    expect(new Set(copies.map((c) => c.text)).size).toBe(1);
  }, 45_000);

  it('refreshes the registration before the granted expiry runs out', async () => {
    autoRegister(peer, 2); // the registrar grants 2 s
    agent = makeAccount(profileFor({ proxy: peer.uri }), { ...FAST, refreshFrequency: 50 });
    await agent.account.start();
    const first = agent.account.registration.expiresAt ?? 0;
    expect(first).toBeGreaterThan(Date.now());
    const refresh = await peer.waitFor(isReq('REGISTER'), 2);
    expect(refresh.header('Authorization')).toBeUndefined();
    expect(/^(\d+) REGISTER/.exec(refresh.header('CSeq') ?? '')?.[1]).not.toBe(/^(\d+) REGISTER/.exec(peer.received.find(isReq('REGISTER'))?.header('CSeq') ?? '')?.[1]);
    const renewed = await agent.waitForRegistration((r) => r.state === 'registered' && (r.expiresAt ?? 0) > first);
    expect(renewed.expiresAt).toBeGreaterThan(first);
  });

  it('drops garbage and malformed messages without crashing, and still answers OPTIONS', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    for (const junk of ['hello', '\u0000\u0001\u0002\u0003', 'INVITE sip:x SIP/2.0\r\nVia: broken\r\n\r\n', 'SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n', 'INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKm\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n']) {
      peer.send(junk, to);
    }
    peer.send(
      [`OPTIONS sip:1001@127.0.0.1:${to.port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKopt1`, 'From: <sip:probe@127.0.0.1>;tag=p', 'To: <sip:1001@127.0.0.1>', 'Call-ID: opt1', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'),
      to,
    );
    const reply = await peer.waitFor((m) => m.status !== undefined && m.header('Call-ID') === 'opt1');
    expect(reply.status).toBeGreaterThanOrEqual(200);
    expect(agent.account.registration.state).toBe('registered');
  });
});

describe('robustness against a hostile far end', () => {
  it('survives the SIPp malformed scenario sent by its proxy and still answers OPTIONS', async () => {
    const { startSipp } = await import('../../e2e/peers');
    const proxy = await startSipp('registrar-malformed', { service: '1001', timeoutMs: 30_000 });
    try {
      agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${proxy.localPort};transport=udp` }));
      await agent.account.start();
      expect(agent.account.registration.state).toBe('registered');
      const result = await proxy.done;
      expect(result.code, result.output).toBe(0);
      expect(agent.account.registration.state).toBe('registered');
    } finally {
      await proxy.stop();
    }
  });

  it('survives malformed SDP, stray responses and BYEs, ignores SIP not from its proxy, and keeps answering', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    let rang = 0;
    agent.account.on('incoming', () => rang++);
    // A malformed SDP offer: refused with 400, nobody rings.
    peer.send(inviteFromPeer(to, { callId: 'badsdp', branch: 'z9hG4bKbadsdp', body: 'v=0\r\nm=audio banana RTP/AVP 0\r\n' }), to);
    expect((await peer.waitFor((m) => m.header('Call-ID') === 'badsdp' && (m.status ?? 0) >= 300)).status).toBe(400);
    // A response nobody asked for, a BYE for no dialog.
    peer.send(responseTo(parseRaw(inviteFromPeer(to, { callId: 'stray', branch: 'z9hG4bKstray', body: '' }), { address: '127.0.0.1', port: peer.port }), 200, 'OK'), to);
    const strayBye = inviteFromPeer(to, { callId: 'nodialog', branch: 'z9hG4bKnod', body: '' }).replace(/^INVITE/, 'BYE').replace('CSeq: 1 INVITE', 'CSeq: 1 BYE').replace('To: <sip:1001@testbed.local>', 'To: <sip:1001@testbed.local>;tag=nope');
    peer.send(strayBye, to);
    expect((await peer.waitFor((m) => m.header('Call-ID') === 'nodialog' && m.status !== undefined)).status).toBe(481);
    // Only the proxy is listened to: an INVITE from anywhere else rings nobody and gets nothing.
    const stranger = await RawSipPeer.start();
    try {
      stranger.send(inviteFromPeer(to, { callId: 'scanner', branch: 'z9hG4bKscan', body: sdpOffer(30000) }), to);
      stranger.send(
        [`OPTIONS sip:1001@127.0.0.1:${to.port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${stranger.port};branch=z9hG4bKscan2`, 'From: <sip:scan@127.0.0.1>;tag=s', 'To: <sip:1001@127.0.0.1>', 'Call-ID: scan2', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'),
        to,
      );
      // The proxy's own OPTIONS, sent after the stranger's, is answered: so the stranger's were seen and dropped.
      peer.send(
        [`OPTIONS sip:1001@127.0.0.1:${to.port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKopt9`, 'From: <sip:proxy@127.0.0.1>;tag=p', 'To: <sip:1001@127.0.0.1>', 'Call-ID: opt9', 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'),
        to,
      );
      await peer.waitFor((m) => m.header('Call-ID') === 'opt9' && m.status !== undefined);
      expect(stranger.received).toHaveLength(0);
      expect(peer.count((m) => m.header('Call-ID') === 'scanner' || m.header('Call-ID') === 'scan2')).toBe(0);
    } finally {
      stranger.close();
    }
    expect(rang).toBe(0);
    expect(agent.account.registration.state).toBe('registered');
  });
});

describe('inbound call with a raw UAC', () => {
  it('absorbs a retransmitted INVITE, retransmits 200 until ACK, answers a retransmitted BYE again', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    let incomingCount = 0;
    agent.account.on('incoming', () => incomingCount++);
    const incoming = nextIncoming(agent.account);
    const invite = inviteFromPeer(to, { callId: 'rawcall1', branch: 'z9hG4bKinv1', body: sdpOffer(30000) });
    peer.send(invite, to);
    await peer.waitFor((m) => m.status === 180);
    peer.send(invite, to); // retransmission: must not become a second call
    await peer.waitFor((m) => m.status === 180, 2);
    const call = await incoming;
    expect(call.remote).toMatchObject({ number: '5557777', displayName: 'Raw Caller' });
    const accepted = nextCallEvent(call, 'accepted');
    await call.answer();
    const firstOk = await peer.waitFor((m) => m.status === 200 && /INVITE/.test(m.header('CSeq') ?? ''));
    expect(firstOk.body).toContain('m=audio ');
    // No ACK yet: the 200 must come again.
    await peer.waitFor((m) => m.status === 200 && /INVITE/.test(m.header('CSeq') ?? ''), 2);
    peer.send(inDialogFromPeer('ACK', firstOk, { cseq: 1, branch: 'z9hG4bKack1', target: to }), to);
    await accepted;
    expect(incomingCount).toBe(1);
    const end = ended(call);
    const bye = inDialogFromPeer('BYE', firstOk, { cseq: 2, branch: 'z9hG4bKbye1', target: to });
    peer.send(bye, to);
    expect(await end).toEqual({ by: 'remote', reason: 'Hung up by remote party' });
    peer.send(bye, to); // retransmitted BYE: the same 200 again, not 481
    await peer.waitFor((m) => m.status === 200 && /BYE/.test(m.header('CSeq') ?? ''), 2);
    expect(peer.count((m) => m.status === 481)).toBe(0);
  });

  it('prepares the agent\'s media with the codec the caller offered, before the agent answers', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    const incoming = nextIncoming(agent.account);
    const offer = sdpOffer(30000, { pts: '8 0 101', rtpmaps: ['a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000'] });
    peer.send(inviteFromPeer(to, { callId: 'pcma-first', branch: 'z9hG4bKpcma', body: offer }), to);
    const call = await incoming;
    const media = agent.media.get(call.id);
    expect(media?.prepared).toEqual([
      { codec: expect.objectContaining({ name: 'PCMA', payloadType: 8 }), telephoneEvent: expect.objectContaining({ payloadType: 101 }) },
    ]);
    expect(media?.applied).toEqual([]); // nothing is answered or relayed until Answer
  });

  it('rejects an offer with no common codec with 488 before ringing the agent', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    let rang = false;
    agent.account.on('incoming', () => (rang = true));
    peer.send(inviteFromPeer(to, { callId: 'g729', branch: 'z9hG4bKg729', body: sdpOffer(30000, { pts: '18', rtpmaps: ['a=rtpmap:18 G729/8000'] }) }), to);
    const reject = await peer.waitFor((m) => m.status !== undefined && m.status >= 300);
    expect(reject.status).toBe(488);
    expect(reject.header('Warning')).toContain('No common audio codec (offered: G729)');
    expect(rang).toBe(false);
    expect(agent.media.size).toBe(0);
  });
});

describe('inbound call cancelled while its media is being set up', () => {
  it('issue: an INVITE cancelled while createMedia is pending releases that media and never prepares it', async () => {
    autoRegister(peer);
    let letMediaThrough: () => void = () => undefined;
    const mediaHeld = new Promise<void>((resolve) => (letMediaThrough = resolve));
    let mediaAskedFor: (callId: string) => void = () => undefined;
    const mediaAsked = new Promise<string>((resolve) => (mediaAskedFor = resolve));
    agent = makeAccount(profileFor({ proxy: peer.uri }), undefined, {
      beforeMedia: (callId) => {
        mediaAskedFor(callId);
        return mediaHeld;
      },
    });
    await agent.account.start();
    const to = agentAddress();
    let rang = false;
    agent.account.on('incoming', () => (rang = true));
    const invite = inviteFromPeer(to, { callId: 'cancel-early', branch: 'z9hG4bKcxl1', body: sdpOffer(30000) });
    peer.send(invite, to);
    const callId = await mediaAsked;

    // The caller gives up before the gateway has the media ready.
    const head = parseRaw(invite, { address: '127.0.0.1', port: peer.port });
    const cancel = [
      `CANCEL ${head.startLine.split(' ')[1]} SIP/2.0`,
      `Via: ${head.header('Via')}`,
      `From: ${head.header('From')}`,
      `To: ${head.header('To')}`,
      `Call-ID: ${head.header('Call-ID')}`,
      'CSeq: 1 CANCEL',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    peer.send(cancel, to);
    await peer.waitFor((m) => m.status === 200 && /CANCEL/.test(m.header('CSeq') ?? ''));
    const terminated = await peer.waitFor((m) => m.status === 487);
    peer.send(
      [`ACK ${head.startLine.split(' ')[1]} SIP/2.0`, `Via: ${head.header('Via')}`, `From: ${head.header('From')}`, `To: ${terminated.header('To')}`, `Call-ID: ${head.header('Call-ID')}`, 'CSeq: 1 ACK', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n'),
      to,
    );

    letMediaThrough();
    const a = agent;
    await a.waitForMedia(() => a.media.get(callId)?.released === true, 3000);
    expect(a.media.get(callId)?.prepared).toEqual([]);
    expect(a.releaseCalls.filter((id) => id === callId).length).toBeGreaterThanOrEqual(1);
    expect(rang).toBe(false);
    expect(peer.count((m) => m.status === 180)).toBe(0);
  });
});

describe('inbound call offering only SRTP', () => {
  it('issue: SRTP offers accepted as plain RTP: an RTP/SAVP offer gets 488 with a Warning, before ringing', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    const to = agentAddress();
    let rang = false;
    agent.account.on('incoming', () => (rang = true));
    const srtp = sdpOffer(30000)
      .replace('RTP/AVP', 'RTP/SAVP')
      .replace('a=sendrecv', 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\na=sendrecv');
    peer.send(inviteFromPeer(to, { callId: 'srtp-only', branch: 'z9hG4bKsrtp', body: srtp }), to);
    const reject = await peer.waitFor((m) => m.status !== undefined && m.status >= 180); // 180 = it rang: the bug
    expect(reject.status).toBe(488);
    expect(reject.header('Warning')).toBe('304 127.0.0.1 "The caller offered only encrypted media (RTP/SAVP), which this softphone does not support"');
    expect(peer.count((m) => m.status === 200 || m.status === 180)).toBe(0);
    expect(rang).toBe(false);
    expect(agent.media.size).toBe(0);
  });
});

describe('outbound call with a raw UAS', () => {
  async function connectedCall(answerSdp = sdpOffer(31000)): Promise<{ call: import('../../src-main/core/sip').SipCall; ok: string; invite: RawMessage }> {
    if (!agent) throw new Error('no agent');
    const a = agent;
    const call = await a.account.dial('2000');
    const invite = await peer.waitFor(isReq('INVITE'));
    const ok = responseTo(invite, 200, 'OK', { toTag: 'uas1', contact: `<sip:2000@127.0.0.1:${peer.port}>`, body: answerSdp });
    peer.send(ok, invite.from);
    return { call, ok, invite };
  }

  it('retransmits an unanswered INVITE (Timer A) and re-ACKs a retransmitted 486', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }), FAST);
    await agent.account.start();
    const call = await agent.account.dial('2000');
    const third = await peer.waitFor(isReq('INVITE'), 3);
    const copies = peer.received.filter(isReq('INVITE'));
    expect(new Set(copies.map((c) => c.text)).size).toBe(1);
    const busy = responseTo(third, 486, 'Busy Here', { toTag: 'busy1' });
    peer.send(busy, third.from);
    expect(await ended(call)).toEqual({ by: 'remote', status: 486, reason: 'Busy' });
    const ack = await peer.waitFor(isReq('ACK'));
    expect(ack.header('Via')).toBe(third.header('Via'));
    peer.send(busy, third.from); // the 486 again, as if our ACK was lost
    const ack2 = await peer.waitFor(isReq('ACK'), 2);
    expect(ack2.text).toBe(ack.text);
  });

  it('an answer with no common codec ends the call with the codec reason (ACK + BYE sent)', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    peer.onMessage = ((prev) => (m: RawMessage) => {
      if (m.method === 'BYE') peer.send(responseTo(m, 200, 'OK'), m.from);
      prev?.(m);
    })(peer.onMessage);
    const { call } = await connectedCall(sdpOffer(31000, { pts: '18', rtpmaps: ['a=rtpmap:18 G729/8000'] }));
    expect(await ended(call)).toEqual({ by: 'error', status: 488, reason: 'No common audio codec (offered: G729)' });
    await peer.waitFor(isReq('ACK'));
    await peer.waitFor(isReq('BYE'));
    expect(agent.media.get(call.id)?.released).toBe(true);
  });

  it('hold/resume by re-INVITE, remote hold detection, INFO DTMF and blind transfer by REFER', async () => {
    autoRegister(peer);
    agent = makeAccount(profileFor({ proxy: peer.uri }));
    await agent.account.start();
    let version = 2;
    peer.onMessage = ((prev) => (m: RawMessage) => {
      if (m.method === 'INVITE' && /tag=/.test(m.header('To') ?? '')) {
        // re-INVITE: answer the direction mirrored
        const dir = /a=(sendonly|sendrecv|inactive|recvonly)/.exec(m.body)?.[1];
        const mirrored = dir === 'sendonly' ? 'recvonly' : dir === 'recvonly' ? 'sendonly' : dir;
        peer.send(responseTo(m, 200, 'OK', { contact: `<sip:2000@127.0.0.1:${peer.port}>`, body: sdpOffer(31000, { direction: mirrored, version: version++ }) }), m.from);
      } else if (m.method === 'INFO') peer.send(responseTo(m, 200, 'OK'), m.from);
      else if (m.method === 'REFER') peer.send(responseTo(m, 202, 'Accepted'), m.from);
      else if (m.method === 'BYE') peer.send(responseTo(m, 200, 'OK'), m.from);
      prev?.(m);
    })(peer.onMessage);
    const { call, ok, invite } = await connectedCall();
    await nextCallEvent(call, 'accepted');
    const media = agent.media.get(call.id)!;

    await call.setHold(true);
    const holdInvite = await peer.waitFor((m) => m.method === 'INVITE' && /tag=/.test(m.header('To') ?? ''));
    expect(holdInvite.body).toContain('a=sendonly');
    expect(media.applied.at(-1)?.direction).toBe('sendonly');
    await call.setHold(false);
    const resume = await peer.waitFor((m) => m.method === 'INVITE' && /tag=/.test(m.header('To') ?? ''), 2);
    expect(resume.body).toContain('a=sendrecv');
    expect(media.applied.at(-1)?.direction).toBe('sendrecv');

    // The far end holds us: an in-dialog re-INVITE with sendonly, sent to our Contact.
    const to = agentAddress();
    const ourContact = /<([^>]+)>/.exec(invite.header('Contact') ?? '')?.[1];
    const okMsg = parseRaw(ok, { address: '127.0.0.1', port: peer.port });
    const remoteHold = nextCallEvent(call, 'remoteHold');
    const sdp = sdpOffer(31000, { direction: 'sendonly', version: 50 });
    peer.send(
      [
        `INVITE ${ourContact} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bKrh1;rport`,
        `From: ${okMsg.header('To')}`,
        `To: ${okMsg.header('From')}`,
        `Call-ID: ${okMsg.header('Call-ID')}`,
        'CSeq: 10 INVITE',
        `Contact: <sip:2000@127.0.0.1:${peer.port}>`,
        'Max-Forwards: 70',
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(sdp)}`,
        '',
        sdp,
      ].join('\r\n'),
      to,
    );
    expect(await remoteHold).toEqual([true]);
    const answer = await peer.waitFor((m) => m.status === 200 && m.header('CSeq') === '10 INVITE');
    expect(answer.body).toContain('a=recvonly');

    await call.sendInfoDtmf('5');
    const info = await peer.waitFor(isReq('INFO'));
    expect(info.header('Content-Type')).toBe('application/dtmf-relay');
    expect(info.body).toContain('Signal=5');

    await call.transfer('3000');
    const refer = await peer.waitFor(isReq('REFER'));
    expect(refer.header('Refer-To')).toContain('sip:3000@testbed.local');

    const end = ended(call);
    await call.hangup();
    expect(await end).toMatchObject({ by: 'local' });
  });
});
