// The core's SIP stack and media gateway together, against real peers, without a browser:
// register to Kamailio, call baresip by number and take a call from it, with a werift "renderer"
// in Node sending a 1 kHz PCMU tone and receiving baresip's 440 Hz. Audio checked by frequency
// at both ends.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogHub, type LogRecord } from '../../src-main/core/log/logger';
import { createMediaGateway } from '../../src-main/core/gateway';
import type { CallMedia } from '../../src-main/core/gateway/types';
import { createSipAccount } from '../../src-main/core/sip';
import type { SipCall } from '../../src-main/core/sip/types';
import type { Profile } from '../../shared/types';
import { analyzeSamples, analyzeWav, expectTone } from '../../e2e/peers/audio';
import { startBaresip, type BaresipPeer } from '../../e2e/peers/baresip';
import { startKamailio, type KamailioPeer } from '../../e2e/peers/kamailio';
import { findFreePorts } from '../../e2e/peers/ports';
import { missingToolsReason } from '../../e2e/peers/tools';
import { NodeRenderer } from '../support/node-renderer';

const missing = missingToolsReason(['kamailio', 'baresip', 'sox', 'gcc']);

describe.skipIf(Boolean(missing)).each(['udp', 'tcp'] as const)(`core SIP (%s) + gateway against Kamailio and baresip ${missing}`, (transport) => {
  let kamailio: KamailioPeer;
  let baresip: BaresipPeer;
  let renderer: NodeRenderer;
  let gateway: ReturnType<typeof createMediaGateway>;
  let account: ReturnType<typeof createSipAccount> | undefined;
  const logs: LogRecord[] = [];
  const medias = new Map<string, CallMedia>();
  const hub = new LogHub('debug');
  hub.addSink((r) => logs.push(r));

  function profile(password = 'secret1001'): Profile {
    const base = 20000 + 2 * Math.floor(Math.random() * 4500);
    return {
      displayName: 'Agent 1001',
      sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password, outboundProxy: transport === 'tcp' ? kamailio.tcpUri : kamailio.udpUri, localAddress: '127.0.0.1' },
      media: { rtpPortMin: base, rtpPortMax: base + 99 },
    };
  }

  function makeAccount(p: Profile) {
    const created = createSipAccount(
      {
        profile: p,
        createMedia: async (callId) => {
          const media = await gateway.createCallMedia(callId);
          medias.set(callId, media);
          return media;
        },
        releaseMedia: (callId) => {
          medias.get(callId)?.dispose();
          medias.delete(callId);
        },
      },
      hub.logger('sip'),
    );
    account = created;
    return created;
  }

  const logTail = (): string => logs.slice(-60).map((r) => `${r.level} [${r.subsystem}] ${r.message}`).join('\n');

  beforeEach(async () => {
    const [baresipPort] = await findFreePorts(1);
    kamailio = await startKamailio({ users: [{ user: '1001', password: 'secret1001' }], routes: { '2000': `sip:2000@127.0.0.1:${baresipPort}` } });
    baresip = await startBaresip({ user: '2000', sipPort: baresipPort! });
    const p = profile();
    gateway = createMediaGateway({ localAddress: '127.0.0.1', rtpPortMin: p.media!.rtpPortMin!, rtpPortMax: p.media!.rtpPortMax! }, hub.logger('gateway'));
    renderer = new NodeRenderer();
    // Signaling between "renderer" and gateway, as the protocol's rtc.description would carry it.
    gateway.on('description', (d) => {
      void renderer.handle(d).then((answer) => (answer ? gateway.handleRendererDescription(answer) : undefined));
    });
    await gateway.handleRendererDescription(await renderer.createInitialOffer());
    await renderer.connected();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      console.error(`--- core log ---\n${logTail()}\n--- kamailio ---\n${kamailio?.logs().slice(-3000)}\n--- baresip ---\n${baresip?.logs().slice(-3000)}`);
    }
    await account?.dispose().catch(() => undefined);
    account = undefined;
    await renderer?.close();
    await gateway?.dispose();
    await baresip?.stop();
    await kamailio?.stop();
    logs.length = 0;
  });

  function onceEvent<T extends 'accepted' | 'ended'>(call: SipCall, event: T, timeoutMs = 15_000): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`call ${call.id}: no ${event} within ${timeoutMs} ms\n${logTail()}`)), timeoutMs);
      const off = call.on(event, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  it('registers, and a wrong password fails with the SIP status in the reason', async () => {
    const ok = makeAccount(profile());
    await ok.start();
    expect(ok.registration.state).toBe('registered');
    await kamailio.waitForLog(new RegExp(`REQ REGISTER \\S+ from 127\\.0\\.0\\.1:\\d+/${transport}`), 2000);
    await ok.dispose();
    const bad = makeAccount(profile('wrong-password'));
    await bad.start();
    expect(bad.registration.state).toBe('failed');
    expect(bad.registration.reason).toMatch(/401|403/);
  });

  it('outbound call to baresip: 1 kHz reaches the far end, 440 Hz reaches the renderer', async () => {
    const acc = makeAccount(profile());
    await acc.start();
    expect(acc.registration.state).toBe('registered');
    const call = await acc.dial('2000');
    const accepted = onceEvent(call, 'accepted');
    await accepted;
    medias.get(call.id)?.setRelaying(true);
    renderer.startTone(1000);
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await renderer.waitForPackets(100);
    expectTone(analyzeSamples(renderer.receivedAudio(), { skipSeconds: 0.2 }), 440, 'renderer received audio');
    const ended = onceEvent(call, 'ended');
    await call.hangup();
    await ended;
    await baresip.waitForEvent('CALL_CLOSED');
    expectTone(analyzeWav(baresip.lastHeard(), { skipSeconds: 0.3 }), 1000, 'baresip recording');
  });

  it('inbound call from baresip: answered, two-way audio, far end hangs up', async () => {
    const acc = makeAccount(profile());
    const incoming = new Promise<SipCall>((resolve) => acc.on('incoming', resolve));
    await acc.start();
    expect(acc.registration.state).toBe('registered');
    await baresip.dial(`sip:1001@127.0.0.1:${kamailio.port}`);
    const call = await incoming;
    expect(call.remote.number).toBe('2000');
    await call.answer();
    medias.get(call.id)?.setRelaying(true);
    renderer.startTone(1000);
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await renderer.waitForPackets(100);
    expectTone(analyzeSamples(renderer.receivedAudio(), { skipSeconds: 0.2 }), 440, 'renderer received audio');
    const ended = onceEvent(call, 'ended');
    await renderer.waitForPackets(25); // the far end keeps talking while the agent's tone flows
    await baresip.hangup();
    await ended;
    expectTone(analyzeWav(baresip.lastHeard(), { skipSeconds: 0.3 }), 1000, 'baresip recording');
  });
});
