// The far ends the e2e tests rely on do what they claim: baresip auto-answers, records what it
// hears and plays its WAV; sipp scripts run to completion; audio is checked by frequency.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { analyzeSamples, analyzeWav, dominantFrequency, expectTone, makeTone } from '../../../e2e/peers/audio';
import { startBaresip, type BaresipPeer } from '../../../e2e/peers/baresip';
import { startKamailio, type KamailioPeer } from '../../../e2e/peers/kamailio';
import { capture, readRtp, rtpToPcm, type Capture } from '../../../e2e/peers/pcap';
import { findFreePort } from '../../../e2e/peers/ports';
import { runSipp, startSipp, type SippPeer } from '../../../e2e/peers/sipp';
import { makeTempDir, removeDir } from '../../../e2e/peers/tmp';
import { missingToolsReason } from '../../../e2e/peers/tools';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(Boolean(missingToolsReason(['sox'])))(`audio helpers ${missingToolsReason(['sox'])}`, () => {
  const dir = makeTempDir('audio-test');
  afterAll(() => removeDir(dir));

  it('measures the frequency and level of sox tones at 8 and 48 kHz', async () => {
    const a = await makeTone(1000, 1, path.join(dir, '1k.wav'), 48000);
    const b = await makeTone(440, 1, path.join(dir, '440.wav'), 8000);
    expect(dominantFrequency(a)).toBeCloseTo(1000, -1);
    expect(Math.abs(dominantFrequency(b) - 440)).toBeLessThan(5);
    expect(analyzeWav(b).rms).toBeGreaterThan(0.3);
  });

  it('reports silence as 0 Hz', () => {
    expect(analyzeSamples({ rate: 8000, samples: new Float32Array(8000) })).toMatchObject({ dominantHz: 0, rms: 0 });
  });
});

const missing = missingToolsReason(['kamailio', 'baresip', 'sipp', 'sox', 'tcpdump', 'gcc']);

describe.skipIf(Boolean(missing))(`far ends ${missing}`, () => {
  it('baresip answers a call, records 1 kHz it hears and sends its 440 Hz WAV', async () => {
    const baresip = await startBaresip({ user: '2000' });
    cleanups.push(() => baresip.stop());
    const cap: Capture = await capture('lo', `udp and host 127.0.0.1`);
    cleanups.push(() => cap.dispose());
    const sipp = await startSipp('uac', { remote: `127.0.0.1:${baresip.sipPort}`, service: '2000', toneHz: 1000, durationMs: 2500 });
    cleanups.push(() => sipp.stop());
    await baresip.waitForEvent('CALL_ESTABLISHED');
    const result = await sipp.done;
    expect(result.code, result.output).toBe(0);
    await baresip.waitForEvent('CALL_CLOSED');
    const heard = analyzeWav(baresip.lastHeard(), { skipSeconds: 0.3 });
    expectTone(heard, 1000, 'baresip recording of what it heard');
    await cap.stop();
    // baresip -> sipp media: the RTP whose source is not sipp's media port (sipp sends from its own).
    const fromBaresip = readRtp(cap.path).filter((p) => p.payloadType === 0 && p.dstPort !== baresip.sipPort);
    const sippMediaPorts = new Set(readRtp(cap.path).map((p) => p.srcPort));
    expect(sippMediaPorts.size).toBeGreaterThan(1);
    const streams = new Map<number, typeof fromBaresip>();
    for (const p of fromBaresip) streams.set(p.srcPort, [...(streams.get(p.srcPort) ?? []), p]);
    const tones = [...streams.values()].map((s) => Math.round(analyzeSamples(rtpToPcm(s), { skipSeconds: 0.2 }).dominantHz));
    expect(tones.some((hz) => Math.abs(hz - 440) < 20), `tones seen on the wire: ${tones.join(', ')}`).toBe(true);
    expect(tones.some((hz) => Math.abs(hz - 1000) < 20), `tones seen on the wire: ${tones.join(', ')}`).toBe(true);
  });

  it('sipp busy UAS behind kamailio: a call to its number gets 486', async () => {
    const busyPort = await findFreePort();
    const kamailio: KamailioPeer = await startKamailio({ users: [], routes: { '3000': `sip:3000@127.0.0.1:${busyPort}` } });
    cleanups.push(() => kamailio.stop());
    const busy: SippPeer = await startSipp('uas-486', { localPort: busyPort, service: '3000' });
    cleanups.push(() => busy.stop());
    const caller = await runSipp('uac', { remote: `127.0.0.1:${kamailio.port}`, service: '3000', durationMs: 500, timeoutMs: 20_000 });
    expect(caller.code).not.toBe(0);
    expect(caller.output).toMatch(/SIP\/2\.0 486 Busy Here/);
    const uas = await busy.done;
    expect(uas.code, uas.output).toBe(0);
  });

  it('baresip registered to kamailio is reachable by number; a wrong password is reported', async () => {
    const kamailio = await startKamailio({ users: [{ user: '2100', password: 'pw2100' }] });
    cleanups.push(() => kamailio.stop());
    const baresip = await startBaresip({ user: '2100', register: { registrar: kamailio.udpUri, password: 'pw2100' } });
    cleanups.push(() => baresip.stop());
    const caller = await runSipp('uac', { remote: `127.0.0.1:${kamailio.port}`, service: '2100', durationMs: 500, timeoutMs: 20_000 });
    expect(caller.code, caller.output).toBe(0);
    await baresip.waitForEvent('CALL_CLOSED');
    await expect(startBaresip({ user: '2100', register: { registrar: kamailio.udpUri, password: 'wrong' } })).rejects.toThrow(/registration .* failed: .*403/);
  });

  it('baresip records nothing useful until a call: lastHeard() explains', async () => {
    const baresip: BaresipPeer = await startBaresip({ user: '2001' });
    cleanups.push(() => baresip.stop());
    expect(() => baresip.lastHeard()).toThrow(/no recording/);
    expect(fs.existsSync(baresip.playWav)).toBe(true);
  });
});
