// What the agent hears, measured inside the page: every RTCPeerConnection the renderer makes is
// remembered (init script), and its remote audio tracks are recorded through WebAudio so the
// test can check the frequency in Node. Independent of how the renderer plays audio.
import type { Page } from '@playwright/test';
import type { Pcm } from '../peers/audio';

declare global {
  interface Window {
    __softphoneTestPcs?: RTCPeerConnection[];
  }
}

/** Call before page.goto(): wraps RTCPeerConnection so tests can find the renderer's connections. */
export async function tapPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    const list: RTCPeerConnection[] = [];
    window.__softphoneTestPcs = list;
    const Tapped = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new Original(...args);
      list.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Tapped.prototype = Original.prototype;
    Object.defineProperty(Tapped, 'generateCertificate', { value: Original.generateCertificate.bind(Original) });
    window.RTCPeerConnection = Tapped;
  });
}

export interface TrackRecording {
  trackId: string;
  pcm: Pcm;
}

/** Records `seconds` of every live remote audio track of the page's peer connections. */
export async function recordRemoteAudio(page: Page, seconds = 1.5): Promise<TrackRecording[]> {
  const result = await page.evaluate(async (secs: number) => {
    const pcs = window.__softphoneTestPcs ?? [];
    const tracks = pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers().map((r) => r.track))
      .filter((t) => t.kind === 'audio' && t.readyState === 'live');
    if (tracks.length === 0) return { rate: 0, recordings: [] as { id: string; samples: number[] }[], pcs: pcs.length };
    const ctx = new AudioContext();
    await ctx.resume();
    const recordings = await Promise.all(
      tracks.map(
        (track) =>
          new Promise<{ id: string; samples: number[] }>((resolve) => {
            const stream = new MediaStream([track]);
            // Chromium only feeds remote WebRTC audio into WebAudio while a media element plays it.
            const el = new Audio();
            el.muted = true;
            el.srcObject = stream;
            void el.play().catch(() => undefined);
            const src = ctx.createMediaStreamSource(stream);
            const proc = ctx.createScriptProcessor(4096, 1, 1);
            const need = Math.round(ctx.sampleRate * secs);
            const buf = new Float32Array(need);
            let n = 0;
            proc.onaudioprocess = (e) => {
              const d = e.inputBuffer.getChannelData(0);
              const k = Math.min(d.length, need - n);
              buf.set(d.subarray(0, k), n);
              n += k;
              if (n >= need) {
                proc.onaudioprocess = null;
                proc.disconnect();
                src.disconnect();
                el.srcObject = null;
                resolve({ id: track.id, samples: Array.from(buf) });
              }
            };
            src.connect(proc);
            proc.connect(ctx.destination);
          }),
      ),
    );
    const rate = ctx.sampleRate;
    await ctx.close();
    return { rate, recordings, pcs: pcs.length };
  }, seconds);
  return result.recordings.map((r) => ({ trackId: r.id, pcm: { rate: result.rate, samples: Float32Array.from(r.samples) } }));
}

export interface InboundAudioStats {
  bytesReceived: number;
  packetsReceived: number;
  audioLevel: number;
}

/** Sum of inbound-rtp audio stats over the page's peer connections (WebRTC getStats). */
export async function inboundAudioStats(page: Page): Promise<InboundAudioStats> {
  return page.evaluate(async () => {
    const out = { bytesReceived: 0, packetsReceived: 0, audioLevel: 0 };
    for (const pc of window.__softphoneTestPcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; kind?: string; bytesReceived?: number; packetsReceived?: number; audioLevel?: number }) => {
        if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
        out.bytesReceived += s.bytesReceived ?? 0;
        out.packetsReceived += s.packetsReceived ?? 0;
        out.audioLevel = Math.max(out.audioLevel, s.audioLevel ?? 0);
      });
    }
    return out;
  });
}
