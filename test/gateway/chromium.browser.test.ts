// MediaEngine in real Chromium against the gateway: fake microphone (1 kHz WAV) -> gateway ->
// UDP far end, and a 440 Hz PCMU tone from the far end -> gateway -> Chromium. Also measures
// renderer connection setup and "answer to first relayed packet" per direction.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaGateway } from '../../src-main/core/gateway';
import type { CallMedia } from '../../src-main/core/gateway/types';
import { nullLogger } from '../../src-main/core/log/logger';
import { FarEnd } from './far-end';
import { estimateFrequency, ulawSineFrame, ulawToLinear } from './g711';
import { pumpUntil, randomPortRange, waitFor } from './helpers';

const CHROMIUM = '/usr/bin/chromium';

declare global {
  interface Window {
    engine: {
      start(): Promise<void>;
      handleDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
      getStats(): Promise<RTCStatsReport | undefined>;
      readonly micReady: boolean;
      dispose(): void;
    };
    errors: string[];
  }
}

describe.skipIf(!existsSync(CHROMIUM))('MediaEngine in Chromium against the gateway', () => {
  let dir: string;
  let server: http.Server;
  let browser: Browser;
  let page: Page;
  let gw: ReturnType<typeof createMediaGateway>;
  const farEnds: FarEnd[] = [];
  const measurements: Record<string, number> = {};
  let firstOfferAt: number | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-browser-'));
    const wav = join(dir, 'mic-1k.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', wav, 'synth', '30', 'sine', '1000', 'vol', '0.5']);
    const bundle = await build({
      entryPoints: [resolve(__dirname, '../../src-renderer/media/engine.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'media',
      write: false,
      target: 'chrome120',
    });
    const js = bundle.outputFiles[0]!.text;
    const html = '<!doctype html><html><body><script src="/engine.js"></script></body></html>';
    server = http.createServer((req, res) => {
      if (req.url === '/engine.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;

    gw = createMediaGateway({ localAddress: '127.0.0.1', ...randomPortRange(20) }, nullLogger);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wav}`,
        '--allow-loopback-in-peer-connection',
        '--disable-background-networking',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    page = await browser.newPage();
    await page.exposeFunction('sendDescription', (d: { type: 'offer' | 'answer'; sdp: string }) => {
      if (d.type === 'offer') firstOfferAt ??= performance.now();
      void gw.handleRendererDescription(d).catch(() => undefined);
    });
    gw.on('description', (d) => void page.evaluate((desc) => window.engine.handleDescription(desc), d).catch(() => undefined));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.evaluate(() => {
      window.errors = [];
      const g = window as unknown as { media: { MediaEngine: new (o: unknown) => Window['engine'] }; sendDescription: (d: unknown) => void };
      window.engine = new g.media.MediaEngine({
        sendDescription: (d: unknown) => g.sendDescription(d),
        onError: (m: string) => window.errors.push(m),
      });
    });
  });

  afterAll(async () => {
    for (const f of farEnds) f.close();
    await page?.evaluate(() => window.engine.dispose()).catch(() => undefined);
    await browser?.close();
    await gw?.dispose();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`gateway-browser ${JSON.stringify(measurements)}`);
  });

  it('connects once at start, then relays audio both ways per call with no new handshake', async () => {
    const connected = waitFor<void>((r) => gw.on('rtcState', (s) => s === 'connected' && r()));
    const t0 = performance.now();
    await page.evaluate(() => window.engine.start());
    await connected;
    // start() = microphone (getUserMedia) + offer; offer -> connected = ICE + DTLS on loopback
    measurements.startToConnectedMs = Math.round(performance.now() - t0);
    measurements.offerToConnectedMs = Math.round(performance.now() - firstOfferAt!);
    expect(await page.evaluate(() => window.errors)).toEqual([]);

    for (const round of [1, 2]) {
      const far = await new FarEnd().open();
      farEnds.push(far);
      const call: CallMedia = await gw.createCallMedia(`b${round}`);
      const ready = waitFor<string>((r) => call.on('rendererReady', r));
      const first: Record<string, number> = {};
      call.on('firstPacket', (d) => (first[d] = performance.now()));
      const negotiatedAt = performance.now();
      call.applyNegotiation({
        remoteAddress: '127.0.0.1',
        remoteRtpPort: far.rtpPort,
        remoteRtcpPort: far.rtcpPort,
        codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
        telephoneEvent: { name: 'telephone-event', payloadType: 101, clockRate: 8000 },
        direction: 'sendrecv',
      });
      const mid = await ready;
      measurements[`call${round}RendererReadyMs`] = Math.round(performance.now() - negotiatedAt);
      // "answer": the call layer turns relaying on
      const answeredAt = performance.now();
      call.setRelaying(true);
      let sample = 0;
      await pumpUntil(
        () => {
          far.send(call.rtpPort, ulawSineFrame(440, sample));
          sample += 160;
        },
        () => first.fromSip !== undefined && first.toSip !== undefined && far.received.length >= 50,
        500,
      );
      measurements[`call${round}AnswerToFirstFromSipMs`] = Math.round(first.fromSip! - answeredAt);
      measurements[`call${round}AnswerToFirstToSipMs`] = Math.round(first.toSip! - answeredAt);

      // agent -> far end: PCMU of the fake microphone's 1 kHz tone
      expect(far.received.every((r) => r.payloadType === 0)).toBe(true);
      const pcm = far.received.slice(-25).flatMap((r) => [...r.payload].map(ulawToLinear));
      const freq = estimateFrequency(pcm);
      measurements[`call${round}ToSipHz`] = Math.round(freq);
      expect(Math.abs(freq - 1000)).toBeLessThan(60);

      // far end -> agent: Chromium decoded audio on this call's transceiver
      const inbound = await page.evaluate(async (m) => {
        const stats = await window.engine.getStats();
        let found: { packetsReceived?: number; totalAudioEnergy?: number; mid?: string } | undefined;
        stats?.forEach((s: { type: string; mid?: string; kind?: string }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.mid === m) found = s as typeof found;
        });
        return found;
      }, mid);
      expect(inbound?.packetsReceived ?? 0).toBeGreaterThan(10);
      expect(inbound?.totalAudioEnergy ?? 0).toBeGreaterThan(0);
      expect(call.stats().toSip.packets).toBeGreaterThan(10);
      call.dispose();
    }
    expect(gw.portsInUse).toBe(0);
  });
});
