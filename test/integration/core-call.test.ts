// The whole core (createCore) driven over the protocol the renderers use, with a werift
// "renderer" in Node: provisioning profile -> "registered"; dial the far end's number ->
// "connected" with audio both ways (checked by frequency); far end hangs up -> "ended".
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreEvent, EventMap } from '../../shared/protocol';
import type { AppSnapshot } from '../../shared/types';
import { createCore, MemorySecretStore, type Core, type CoreSession } from '../../src-main/core';
import { LogHub, type LogRecord } from '../../src-main/core/log/logger';
import { analyzeSamples, analyzeWav, expectTone } from '../../e2e/peers/audio';
import { startBaresip, type BaresipPeer } from '../../e2e/peers/baresip';
import { startKamailio, type KamailioPeer } from '../../e2e/peers/kamailio';
import { findFreePorts } from '../../e2e/peers/ports';
import { makeTempDir, removeDir } from '../../e2e/peers/tmp';
import { missingToolsReason } from '../../e2e/peers/tools';
import { NodeRenderer } from '../support/node-renderer';

const missing = missingToolsReason(['kamailio', 'baresip', 'sox', 'gcc']);

describe.skipIf(Boolean(missing))(`createCore over the protocol against Kamailio and baresip ${missing}`, () => {
  let kamailio: KamailioPeer;
  let baresip: BaresipPeer;
  let renderer: NodeRenderer;
  let core: Core;
  let session: CoreSession;
  let dataDir: string;
  let snapshot: AppSnapshot | undefined;
  const logs: LogRecord[] = [];
  const snapshotWaiters = new Set<() => void>();
  const results = new Map<number, EventMap['result']>();
  let nextId = 1;

  const logTail = (): string => logs.slice(-80).map((r) => `${r.level} [${r.subsystem}] ${r.message}`).join('\n');

  function send(type: string, payload: unknown): number {
    const id = nextId++;
    session.handle({ type, id, payload });
    return id;
  }

  /** Resolves once a snapshot satisfies `predicate` (already or later). */
  function until(what: string, predicate: (s: AppSnapshot) => boolean, timeoutMs = 15_000): Promise<AppSnapshot> {
    if (snapshot && predicate(snapshot)) return Promise.resolve(snapshot);
    return new Promise<AppSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => {
        snapshotWaiters.delete(check);
        reject(new Error(`core never reached: ${what}. Last snapshot: ${JSON.stringify(snapshot?.registration)} calls=${JSON.stringify(snapshot?.calls.map((c) => [c.remote.number, c.state, c.endReason]))}\n${logTail()}`));
      }, timeoutMs);
      const check = (): void => {
        if (!snapshot || !predicate(snapshot)) return;
        clearTimeout(timer);
        snapshotWaiters.delete(check);
        resolve(snapshot);
      };
      snapshotWaiters.add(check);
    });
  }

  beforeEach(async () => {
    const [baresipPort] = await findFreePorts(1);
    kamailio = await startKamailio({ users: [{ user: '1001', password: 'secret1001' }], routes: { '2000': `sip:2000@127.0.0.1:${baresipPort}` } });
    baresip = await startBaresip({ user: '2000', sipPort: baresipPort! });
    dataDir = makeTempDir('core-it');
    const base = 20000 + 2 * Math.floor(Math.random() * 4500);
    const profilePath = path.join(dataDir, 'profile.json');
    fs.writeFileSync(
      profilePath,
      JSON.stringify({
        displayName: 'Agent 1001',
        sip: { uri: 'sip:1001@testbed.local', authUser: '1001', password: 'secret1001', outboundProxy: kamailio.udpUri, localAddress: '127.0.0.1' },
        media: { rtpPortMin: base, rtpPortMax: base + 99 },
      }),
    );
    const hub = new LogHub('debug');
    hub.addSink((r) => logs.push(r));
    core = await createCore({ dataDir, profilePath, logHub: hub, secretStore: new MemorySecretStore(), provisioningPaths: [], endedCallLingerMs: 60_000 });
    renderer = new NodeRenderer();
    session = core.attach({
      send(event: CoreEvent) {
        if (event.type === 'snapshot') {
          snapshot = event.payload;
          for (const w of [...snapshotWaiters]) w();
        } else if (event.type === 'rtc.description') {
          void renderer.handle(event.payload).then((answer) => {
            if (answer) send('rtc.description', answer);
          });
        } else if (event.type === 'result') {
          results.set(event.payload.id, event.payload);
        }
      },
    });
    send('hello', { protocol: 1 });
    send('rtc.description', await renderer.createInitialOffer());
    await renderer.connected();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(`--- core log ---\n${logTail()}\n--- kamailio ---\n${kamailio?.logs().slice(-3000)}`);
    session?.detach();
    await core?.dispose();
    await renderer?.close();
    await baresip?.stop();
    await kamailio?.stop();
    removeDir(dataDir);
    logs.length = 0;
    snapshot = undefined;
  });

  it('registers from the profile, calls 2000, two-way audio, far end hangs up', async () => {
    await until('registered', (s) => s.registration.state === 'registered');
    send('call.dial', { target: '2000' });
    const connected = await until('call to 2000 connected', (s) => s.calls.some((c) => c.remote.number === '2000' && c.state === 'connected'));
    expect(connected.calls[0]?.direction).toBe('outbound');
    renderer.startTone(1000);
    await baresip.waitForEvent('CALL_ESTABLISHED');
    await renderer.waitForPackets(100);
    expectTone(analyzeSamples(renderer.receivedAudio(), { skipSeconds: 0.2 }), 440, 'renderer received audio');
    await baresip.hangup();
    const ended = await until('call ended', (s) => s.calls.some((c) => c.remote.number === '2000' && c.state === 'ended') || s.history.some((h) => h.remote.number === '2000'));
    expect(ended.calls.find((c) => c.remote.number === '2000')?.endReason ?? ended.history[0]?.endReason).toMatch(/hung up|remote/i);
    expectTone(analyzeWav(baresip.lastHeard(), { skipSeconds: 0.3 }), 1000, 'baresip recording of the agent');
  });
});
