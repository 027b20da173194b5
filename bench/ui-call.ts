// Bench: the agent clicks Call in the real UI (browser shell + Chromium driven by Playwright's
// library API) and we time, on one clock (this process's performance.now()):
//   1. click() -> the INVITE arriving at the outbound proxy, with a same-run baseline: click()
//      on a harmless element (the Number box) -> its 'click' event reported back from the page;
//   2. 200 OK sent -> first RTP from the app at the far end (agent mic -> SIP), and
//      200 OK sent -> first far-end RTP counted by the renderer's RTCPeerConnection (getStats).
// The outbound proxy AND the far end are one raw UDP socket here (REGISTER -> 200, INVITE ->
// 180 then 200 with SDP, BYE -> 200); the far end's RTP is a second socket that streams a
// 440 Hz PCMU tone from the moment the 200 OK leaves. Everything is on 127.0.0.1.
//
//   npx vite-node bench/ui-call.ts      (scripts/bench.mjs runs it; env below)
// BENCH_UI_CALLS (10), BENCH_UI_RING_MS (1000: odd-numbered calls are answered after this much
// ringing, even-numbered ones at once), BENCH_UI_DEADLINE_MS (150000), BENCH_PIDFILE (the app's
// pid is written there so scripts/bench.mjs can kill it even if this process is killed).
// Prints progress on stderr and one line `BENCH_UI_JSON {...}` on stdout.
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { makeTone, mulawToneFrame } from '../e2e/peers/audio';
import { startApp, testProfile, type RunningApp } from '../e2e/support/app';
import { AGENT_CHROMIUM_ARGS, FAKE_MIC_HZ, FAKE_MIC_WAV, FAR_END_HZ, fakeMicExists } from '../e2e/support/fake-mic';
import { tapPeerConnections } from '../e2e/support/page-audio';
import { parseRaw, responseTo, type RawMessage } from '../test/sip/raw-peer';

const CALLS = Math.max(1, Math.min(30, Number(process.env.BENCH_UI_CALLS ?? 10)));
const RING_MS = Math.max(0, Math.min(5000, Number(process.env.BENCH_UI_RING_MS ?? 1000)));
const DEADLINE = performance.now() + Number(process.env.BENCH_UI_DEADLINE_MS ?? 150_000);
const PID_FILE = process.env.BENCH_PIDFILE;
const POLL_MS = 5;
const NUMBER = '2000';
const HOST = '127.0.0.1';

const log = (m: string): void => void process.stderr.write(`[ui-bench] ${m}\n`);
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

class BenchTimeout extends Error {
  override name = 'BenchTimeout';
}

/** Resolves when `pred()` holds; checked whenever `kick` is called and every 10 ms; bounded. */
function until<T>(what: string, pred: () => T | undefined, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = (): void => {
      const v = pred();
      if (v !== undefined) return resolve(v);
      if (performance.now() - t0 > timeoutMs) return reject(new BenchTimeout(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

function stats(values: number[]): { n: number; median: number; p90: number; min: number; max: number } | null {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const q = (p: number): number => {
    // Linear interpolation between closest ranks (small samples: nearest rank is too coarse).
    const pos = (v.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
  };
  return { n: v.length, median: round(q(0.5)), p90: round(q(0.9)), min: round(v[0]!), max: round(v[v.length - 1]!) };
}

// ------------------------------------------------------------------ proxy + far end (SIP)
interface Arrival {
  m: RawMessage;
  t: number;
}

class ProxyFarEnd {
  readonly arrivals: Arrival[] = [];
  #seenInvites = new Set<string>();
  #invites = new Map<string, RawMessage>();
  onInvite: ((a: Arrival) => void) | undefined;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (buf, rinfo) => {
      // Timestamp first: this is the "INVITE on the wire" moment.
      const t = performance.now();
      const m = parseRaw(buf.toString('utf8'), { address: rinfo.address, port: rinfo.port });
      const a = { m, t };
      this.arrivals.push(a);
      this.#handle(a);
    });
  }

  static async start(): Promise<ProxyFarEnd> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, HOST, () => resolve()));
    return new ProxyFarEnd(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string, to: { address: string; port: number }): void {
    if (to.address !== HOST) throw new Error(`refusing to send to ${to.address}: the bench only talks to ${HOST}`);
    this.socket.send(Buffer.from(text), to.port, to.address);
  }

  #handle({ m, t }: Arrival): void {
    switch (m.method) {
      case 'REGISTER': {
        const contact = m.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
        this.send(responseTo(m, 200, 'OK', { toTag: 'benchreg', contact: `${contact};expires=600` }), m.from);
        return;
      }
      case 'INVITE': {
        const key = `${m.header('Call-ID')} ${m.header('CSeq')}`;
        if (this.#seenInvites.has(key)) return; // retransmission: the first copy is being handled
        this.#seenInvites.add(key);
        this.#invites.set(m.header('Call-ID') ?? '', m);
        this.onInvite?.({ m, t });
        return;
      }
      case 'CANCEL': {
        // Only when a call failed before the answer: end the INVITE transaction properly.
        this.send(responseTo(m, 200, 'OK'), m.from);
        const inv = this.#invites.get(m.header('Call-ID') ?? '');
        if (inv) this.send(responseTo(inv, 487, 'Request Terminated', { toTag: 'benchcancel' }), inv.from);
        return;
      }
      case 'BYE':
      case 'OPTIONS':
      case 'UPDATE':
      case 'INFO':
        this.send(responseTo(m, 200, 'OK'), m.from);
        return;
      case 'ACK':
      case undefined: // a response (we send no requests)
        return;
      default:
        this.send(responseTo(m, 405, 'Method Not Allowed'), m.from);
    }
  }

  close(): void {
    this.socket.close();
  }
}

function parseOffer(sdp: string): { port: number; address: string; telephoneEventPt: number | undefined; hasPcmu: boolean } {
  const port = Number(/^m=audio (\d+) /m.exec(sdp)?.[1]);
  const address = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1] ?? HOST;
  const fmts = /^m=audio \d+ \S+ ([\d ]+)/m.exec(sdp)?.[1]?.trim().split(/\s+/) ?? [];
  const te = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(sdp)?.[1];
  return { port, address, telephoneEventPt: te ? Number(te) : undefined, hasPcmu: fmts.includes('0') };
}

function answerSdp(rtpPort: number, tePt: number | undefined): string {
  return [
    'v=0',
    `o=bench ${Date.now()} 1 IN IP4 ${HOST}`,
    's=bench far end',
    `c=IN IP4 ${HOST}`,
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP 0${tePt !== undefined ? ` ${tePt}` : ''}`,
    'a=rtpmap:0 PCMU/8000',
    ...(tePt !== undefined ? [`a=rtpmap:${tePt} telephone-event/8000`, `a=fmtp:${tePt} 0-15`] : []),
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** An even RTP port with its RTCP neighbour, both bound (so the app's RTCP lands on our socket). */
async function rtpPair(): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket }> {
  const bind = (port: number): Promise<dgram.Socket | undefined> =>
    new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(undefined);
      });
      s.bind({ port, address: HOST, exclusive: true }, () => resolve(s));
    });
  for (let i = 0; i < 50; i++) {
    const first = await bind(0);
    if (!first) continue;
    const p = first.address().port;
    if (p % 2 === 0) {
      const second = await bind(p + 1);
      if (second) return { rtp: first, rtcp: second };
    }
    first.close();
  }
  throw new Error('no free even RTP/RTCP port pair on 127.0.0.1 after 50 tries');
}

// ------------------------------------------------------------------ page helpers
interface PageEvent {
  name: string;
  t: number; // Node performance.now() when the page's report arrived
  detail: Record<string, unknown>;
}

async function preparePage(page: Page, events: PageEvent[]): Promise<void> {
  await tapPeerConnections(page);
  await page.exposeFunction('__benchEvent', (name: string, detail: Record<string, unknown>) => {
    events.push({ name, t: performance.now(), detail });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __benchEvent(name: string, d: Record<string, unknown>): void };
    // Capture phase on window: runs before React's own handlers, so this is "the DOM got the click".
    window.addEventListener(
      'click',
      (e) => {
        const el = e.target as HTMLElement | null;
        w.__benchEvent('click', { target: el?.id || el?.textContent?.trim() || el?.tagName || '?', pageNow: performance.now() });
      },
      true,
    );
  });
}

/**
 * Starts (without awaiting) a loop in the page that polls getStats() on every live peer
 * connection every POLL_MS and reports the first inbound-rtp audio packetsReceived above its
 * value at arming time. Resolves once the starting values are taken.
 */
async function armRendererWatch(page: Page, pollMs: number, maxMs: number): Promise<void> {
  await page.evaluate(
    async ({ pollMs, maxMs }) => {
      type Inbound = { id: string; type: string; kind?: string; packetsReceived?: number; timestamp: number; lastPacketReceivedTimestamp?: number };
      const w = window as unknown as {
        __softphoneTestPcs?: RTCPeerConnection[];
        __benchEvent(name: string, d: Record<string, unknown>): void;
        __benchWatchGen?: number;
        __benchReceivedSinceArm?: () => Promise<number>;
      };
      const gen = (w.__benchWatchGen = (w.__benchWatchGen ?? 0) + 1);
      const read = async (): Promise<Map<string, Inbound>> => {
        const out = new Map<string, Inbound>();
        const pcs = (w.__softphoneTestPcs ?? []).filter((pc) => pc.connectionState !== 'closed');
        for (let i = 0; i < pcs.length; i++) {
          const report = await pcs[i]!.getStats();
          report.forEach((s: Inbound) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio') out.set(`${i}:${s.id}`, s);
          });
        }
        return out;
      };
      const base = new Map<string, number>();
      for (const [k, s] of await read()) base.set(k, s.packetsReceived ?? 0);
      w.__benchReceivedSinceArm = async () => {
        let n = 0;
        for (const [k, s] of await read()) n += Math.max(0, (s.packetsReceived ?? 0) - (base.get(k) ?? 0));
        return n;
      };
      // Sources already heard before arming (a previous call's SSRC) do not count.
      const liveReceivers = (): RTCRtpReceiver[] =>
        (w.__softphoneTestPcs ?? []).filter((pc) => pc.connectionState !== 'closed').flatMap((pc) => pc.getReceivers());
      const seenSsrc = new Map<number, number>();
      for (const r of liveReceivers()) for (const src of r.getSynchronizationSources()) seenSsrc.set(src.source, src.timestamp);
      const start = performance.now();
      let polls = 0;
      let statsDone = false;
      let ssrcDone = false;
      void (async () => {
        while (w.__benchWatchGen === gen && performance.now() - start < maxMs && !(statsDone && ssrcDone)) {
          polls++;
          // Synchronous and uncached: a far-end SSRC whose audio reached the agent's track (after the jitter buffer).
          if (!ssrcDone) {
            for (const r of liveReceivers()) {
              for (const src of r.getSynchronizationSources()) {
                const before = seenSsrc.get(src.source);
                if (before === undefined || src.timestamp > before) {
                  ssrcDone = true;
                  w.__benchEvent('renderer-ssrc', { polls, pageNow: performance.now(), ssrc: src.source, sourceTimestamp: src.timestamp });
                  break;
                }
              }
              if (ssrcDone) break;
            }
          }
          if (!statsDone) {
            const g0 = performance.now();
            const now = await read();
            const getStatsMs = performance.now() - g0;
            for (const [k, s] of now) {
              const fresh = (s.packetsReceived ?? 0) - (base.get(k) ?? 0);
              if (fresh > 0) {
                statsDone = true;
                w.__benchEvent('renderer-rtp', {
                  packets: fresh,
                  polls,
                  getStatsMs,
                  pageNow: performance.now(),
                  wallNow: Date.now(),
                  statsTimestamp: s.timestamp,
                  lastPacketReceivedTimestamp: s.lastPacketReceivedTimestamp ?? null,
                });
                break;
              }
            }
          }
          await new Promise((r) => setTimeout(r, pollMs));
        }
        if (w.__benchWatchGen === gen && !statsDone) w.__benchEvent('renderer-timeout', { polls });
        if (w.__benchWatchGen === gen && !ssrcDone) w.__benchEvent('renderer-ssrc-timeout', { polls });
      })();
    },
    { pollMs, maxMs },
  );
}

// ------------------------------------------------------------------ one call
interface CallSample {
  i: number;
  ringMs: number;
  baselineClickMs: number | null;
  clickToInviteMs: number | null;
  clickToCallButtonEventMs: number | null;
  clickEventToInviteMs: number | null;
  clickReturnedMs: number;
  okToRtpAtSipMs: number | null;
  okToRtpAtRendererMs: number | null;
  okToRtpAtRendererEstimatedMs: number | null;
  okToAudioAtRendererTrackMs: number | null;
  rendererDetect: Record<string, unknown> | null;
  firstAppRtp: { payloadType: number; bytes: number } | null;
  /** The app's (core's) CPU over 1 s of steady two-way audio after both first packets; /proc ticks are 10 ms. */
  appCpuPercentInCall: number | null;
  rtpFromAppInThatSecond: number | null;
  /** Far-end packets sent minus packets the renderer counted: those not relayed (at call start; loopback loses none). */
  farEndPacketsNotRelayed: number | null;
  /** From the app's own log lines (ms resolution, wall clock): 200 OK sent -> core applied the SIP answer / renderer transceiver ready. */
  okToCoreSipLegMs: number | null;
  okToCoreRendererReadyMs: number | null;
  t200Wall: number | null;
  error?: string;
}

function procCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 (1-based) of the whole line -> 11 and 12 after the ')' split.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function procRssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function oneCall(i: number, ringMs: number, page: Page, proxy: ProxyFarEnd, events: PageEvent[], appPid: number): Promise<CallSample> {
  const sample: CallSample = {
    i,
    ringMs,
    baselineClickMs: null,
    clickToInviteMs: null,
    clickToCallButtonEventMs: null,
    clickEventToInviteMs: null,
    clickReturnedMs: NaN,
    okToRtpAtSipMs: null,
    okToRtpAtRendererMs: null,
    okToRtpAtRendererEstimatedMs: null,
    okToAudioAtRendererTrackMs: null,
    rendererDetect: null,
    firstAppRtp: null,
    appCpuPercentInCall: null,
    rtpFromAppInThatSecond: null,
    farEndPacketsNotRelayed: null,
    okToCoreSipLegMs: null,
    okToCoreRendererReadyMs: null,
    t200Wall: null,
  };
  const { rtp, rtcp } = await rtpPair();
  let sender: NodeJS.Timeout | undefined;
  let sentToApp = 0;
  let firstRtp: { t: number; pt: number; bytes: number } | undefined;
  let rtpCount = 0;
  rtp.on('message', (msg) => {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const pt = msg[1]! & 0x7f;
    if (pt >= 72 && pt <= 76) return; // RTCP on the RTP port (rtcp-mux) is not audio
    rtpCount++;
    firstRtp ??= { t: performance.now(), pt, bytes: msg.length };
  });
  let invite: Arrival | undefined;
  proxy.onInvite = (a) => {
    invite ??= a;
  };
  try {
    const box = page.getByRole('textbox', { name: 'Number' });
    await box.fill(NUMBER);

    // Baseline: a click on the (harmless) Number box until the page reports the DOM click event.
    const nBefore = events.length;
    const b0 = performance.now();
    await box.click();
    const bEvent = await until('baseline click event', () => events.slice(nBefore).find((e) => e.name === 'click'), 5000);
    sample.baselineClickMs = round(bEvent.t - b0, 2);

    // The measured click.
    const n2 = events.length;
    const c0 = performance.now();
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    sample.clickReturnedMs = round(performance.now() - c0, 2);
    const inv = await until('the INVITE at the proxy', () => invite, 10_000);
    sample.clickToInviteMs = round(inv.t - c0, 2);
    const cEvent = events.slice(n2).find((e) => e.name === 'click');
    if (cEvent) {
      sample.clickToCallButtonEventMs = round(cEvent.t - c0, 2);
      sample.clickEventToInviteMs = round(inv.t - cEvent.t, 2);
    }

    const offer = parseOffer(inv.m.body);
    if (!offer.hasPcmu || !Number.isFinite(offer.port)) throw new Error(`INVITE offers no PCMU / no audio port:\n${inv.m.body}`);
    if (offer.address !== HOST) throw new Error(`INVITE offers media on ${offer.address}; the bench only sends to ${HOST}`);
    const toTag = `bench${i}`;
    proxy.send(responseTo(inv.m, 180, 'Ringing', { toTag, contact: `<sip:${NUMBER}@${HOST}:${proxy.port}>` }), inv.m.from);

    // Arm the renderer watch (its getStats baseline) during ringing, then answer.
    const nWatch = events.length;
    const armStart = performance.now();
    await armRendererWatch(page, POLL_MS, 8000);
    const armedAfter = performance.now() - inv.t;
    if (armedAfter < ringMs) await new Promise((r) => setTimeout(r, ringMs - armedAfter));
    void armStart;

    const ok = responseTo(inv.m, 200, 'OK', { toTag, contact: `<sip:${NUMBER}@${HOST}:${proxy.port}>`, body: answerSdp(rtp.address().port, offer.telephoneEventPt) });
    let seq = 1000 + i * 1000;
    let sample0 = 0;
    const sendRtp = (): void => {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = seq === 1000 + i * 1000 ? 0x80 : 0x00; // marker on the first packet, PT 0
      header.writeUInt16BE(seq++ & 0xffff, 2);
      header.writeUInt32BE(sample0 >>> 0, 4);
      header.writeUInt32BE(0xbe0c0000 + i, 8);
      rtp.send(Buffer.concat([header, mulawToneFrame(FAR_END_HZ, sample0)]), offer.port, HOST);
      sentToApp++;
      sample0 += 160;
    };
    const t200 = performance.now();
    // Wall clock of the same instant, to compare with Chromium's stats timestamps (epoch ms).
    const t200Wall = performance.timeOrigin + t200;
    sample.t200Wall = t200Wall;
    proxy.send(ok, inv.m.from);
    sendRtp(); // "starts sending RTP at once"
    sender = setInterval(sendRtp, 20);

    const [toSip, toRenderer, toTrack] = await Promise.allSettled([
      until('first RTP from the app at the far end', () => firstRtp, 8000),
      until('the renderer to count inbound RTP', () => events.slice(nWatch).find((e) => e.name === 'renderer-rtp' || e.name === 'renderer-timeout'), 9000),
      until('far-end audio at the renderer track', () => events.slice(nWatch).find((e) => e.name === 'renderer-ssrc' || e.name === 'renderer-ssrc-timeout'), 9000),
    ]);
    // One second of steady two-way audio: the app's CPU for one relayed call, and the RTP rate it sends.
    const cpu0 = procCpuMs(appPid);
    const w0 = performance.now();
    const n0 = rtpCount;
    await new Promise((r) => setTimeout(r, 1000));
    const cpu1 = procCpuMs(appPid);
    if (cpu0 !== undefined && cpu1 !== undefined) sample.appCpuPercentInCall = round(((cpu1 - cpu0) / (performance.now() - w0)) * 100);
    sample.rtpFromAppInThatSecond = rtpCount - n0;
    // Stop the far end, let the last packets land (bounded), then compare sent with counted.
    clearInterval(sender);
    sender = undefined;
    await new Promise((r) => setTimeout(r, 150));
    const received = await page.evaluate(() => (window as unknown as { __benchReceivedSinceArm?: () => Promise<number> }).__benchReceivedSinceArm?.() ?? Promise.resolve(-1));
    if (received >= 0) sample.farEndPacketsNotRelayed = sentToApp - received;
    if (toSip.status === 'fulfilled') {
      sample.okToRtpAtSipMs = round(toSip.value.t - t200, 2);
      sample.firstAppRtp = { payloadType: toSip.value.pt, bytes: toSip.value.bytes };
    }
    if (toRenderer.status === 'fulfilled' && toRenderer.value.name === 'renderer-rtp') {
      sample.okToRtpAtRendererMs = round(toRenderer.value.t - t200, 2);
      const d = toRenderer.value.detail;
      sample.rendererDetect = d;
      // getStats is cached by libwebrtc (~50 ms), so detection lags; the report's own
      // lastPacketReceivedTimestamp minus (packets-1) x 20 ms estimates when the first one arrived.
      if (typeof d.lastPacketReceivedTimestamp === 'number' && typeof d.packets === 'number') {
        sample.okToRtpAtRendererEstimatedMs = round(d.lastPacketReceivedTimestamp - (d.packets - 1) * 20 - t200Wall, 2);
      }
    }
    if (toTrack.status === 'fulfilled' && toTrack.value.name === 'renderer-ssrc') sample.okToAudioAtRendererTrackMs = round(toTrack.value.t - t200, 2);
    const problems = [toSip, toRenderer, toTrack].filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    if (toRenderer.status === 'fulfilled' && toRenderer.value.name === 'renderer-timeout') problems.push('renderer counted no inbound RTP within 8 s');
    if (problems.length) sample.error = problems.join('; ');
  } catch (err) {
    sample.error = err instanceof Error ? err.message : String(err);
  } finally {
    // Hang up from the UI (bounded), then stop the far end's media.
    const byes = proxy.arrivals.filter((a) => a.m.method === 'BYE' || a.m.method === 'CANCEL').length;
    const hang = page.getByRole('button', { name: 'Hang up' });
    try {
      if ((await hang.count()) > 0) await hang.first().click({ timeout: 5000 });
      await until('BYE/CANCEL from the app', () => (proxy.arrivals.filter((a) => a.m.method === 'BYE' || a.m.method === 'CANCEL').length > byes ? true : undefined), 5000);
      await page.getByRole('button', { name: 'Hang up' }).waitFor({ state: 'detached', timeout: 5000 });
    } catch (err) {
      sample.error = `${sample.error ? `${sample.error}; ` : ''}hang-up: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (sender) clearInterval(sender);
    rtp.close();
    rtcp.close();
    proxy.onInvite = undefined;
  }
  return sample;
}

/**
 * Where the 200 OK -> media time goes inside the core, from the app's INFO log lines (format owned
 * by the gateway; if it changes these stay null): "[gateway.call] ... SIP leg ..." is the answer
 * applied to the RTP leg, "renderer transceiver mid N ready" the renderer's leg for the call.
 */
function attributeFromAppLog(logText: string, samples: CallSample[]): void {
  const lines = logText.split('\n').map((l) => {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(l);
    return { t: m ? Date.parse(m[1]!) : NaN, l };
  });
  samples.forEach((s, idx) => {
    if (s.t200Wall === null) return;
    // Log timestamps are whole ms: allow 1 ms before the 200 OK; stop at the next call's 200 OK.
    const from = s.t200Wall - 1;
    const to = samples[idx + 1]?.t200Wall ?? Infinity;
    const inWindow = lines.filter((x) => x.t >= from && x.t < to);
    const leg = inWindow.find((x) => /\[gateway\.call\].*SIP leg /.test(x.l));
    const ready = inWindow.find((x) => /renderer transceiver mid \S+ ready/.test(x.l));
    if (leg) s.okToCoreSipLegMs = round(leg.t - s.t200Wall);
    if (ready) s.okToCoreRendererReadyMs = round(ready.t - s.t200Wall);
  });
}

// ------------------------------------------------------------------ main
async function main(): Promise<Record<string, unknown>> {
  if (!fakeMicExists()) {
    fs.mkdirSync(path.dirname(FAKE_MIC_WAV), { recursive: true });
    const tmp = `${FAKE_MIC_WAV}.${process.pid}.tmp.wav`;
    await makeTone(FAKE_MIC_HZ, 600, tmp, 48000);
    fs.renameSync(tmp, FAKE_MIC_WAV);
  }
  const proxy = await ProxyFarEnd.start();
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  const events: PageEvent[] = [];
  const samples: CallSample[] = [];
  const cleanup = async (): Promise<void> => {
    // BENCH_UI_APP_LOG=<file>: keep the app's output (where the time went inside the core).
    if (app && process.env.BENCH_UI_APP_LOG) fs.writeFileSync(process.env.BENCH_UI_APP_LOG, app.logs());
    await browser?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    proxy.close();
  };
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    void cleanup().finally(() => process.exit(143));
  });
  try {
    const tAppStart = performance.now();
    app = await startApp(testProfile({ user: '1001', outboundProxy: `sip:${HOST}:${proxy.port};transport=udp` }), { timeoutMs: 30_000 });
    if (PID_FILE) fs.appendFileSync(PID_FILE, `${app.process.pid}\n`);
    const appStartMs = performance.now() - tAppStart;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [...AGENT_CHROMIUM_ARGS],
    });
    const context = await browser.newContext({ permissions: ['microphone'] });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await preparePage(page, events);
    const tGoto = performance.now();
    await page.goto(app.url);
    await page.getByRole('status').filter({ hasText: /^\s*Registered\b/ }).waitFor({ timeout: 20_000 });
    const registeredMs = performance.now() - tGoto;
    // The long-lived renderer connection comes up after mic permission: wait until it is connected (bounded).
    await page
      .waitForFunction(() => ((window as unknown as { __softphoneTestPcs?: RTCPeerConnection[] }).__softphoneTestPcs ?? []).some((pc) => pc.connectionState === 'connected'), undefined, { timeout: 15_000 })
      .catch(() => log('renderer connection not "connected" before the first call (measuring anyway)'));

    const rssBefore = procRssMb(app.process.pid);
    for (let i = 0; i < CALLS; i++) {
      if (stopping) break;
      if (performance.now() > DEADLINE - 15_000) {
        log(`deadline: stopping after ${i} calls`);
        break;
      }
      const ringMs = i % 2 === 0 ? RING_MS : 0;
      const s = await oneCall(i, ringMs, page, proxy, events, app.process.pid);
      samples.push(s);
      log(
        `call ${i + 1}/${CALLS} ring ${ringMs} ms: click->INVITE ${s.clickToInviteMs} ms (baseline ${s.baselineClickMs}), 200OK->RTP sip ${s.okToRtpAtSipMs} renderer ${s.okToRtpAtRendererMs} (est ${s.okToRtpAtRendererEstimatedMs}, track ${s.okToAudioAtRendererTrackMs})${s.error ? ` ERROR ${s.error}` : ''}`,
      );
    }
    const rssAfter = procRssMb(app.process.pid);
    attributeFromAppLog(app.logs(), samples);
    const ok = samples.filter((s) => !s.error);
    const pick = (f: (s: CallSample) => number | null, from = samples): number[] => from.map(f).filter((x): x is number => x !== null);
    const rung = samples.filter((s) => s.ringMs > 0);
    const instant = samples.filter((s) => s.ringMs === 0);
    const rendererDetections = samples.map((s) => s.rendererDetect).filter((d): d is Record<string, unknown> => d !== null);
    return {
      bench: 'ui-call',
      calls: samples.length,
      callsWithoutError: ok.length,
      ringMs: RING_MS,
      clickToInviteMs: stats(pick((s) => s.clickToInviteMs)),
      baselineClickToDomEventMs: stats(pick((s) => s.baselineClickMs)),
      // Same-run comparison that survives a noisy machine: both include Playwright's click() overhead.
      clickToInviteMinusBaselineMs: stats(pick((s) => (s.clickToInviteMs !== null && s.baselineClickMs !== null ? s.clickToInviteMs - s.baselineClickMs : null))),
      clickToInviteOverBaselineRatio: (() => {
        const a = stats(pick((s) => s.clickToInviteMs));
        const b = stats(pick((s) => s.baselineClickMs));
        return a && b && b.median > 0 ? round(a.median / b.median, 2) : null;
      })(),
      clickToCallButtonDomEventMs: stats(pick((s) => s.clickToCallButtonEventMs)),
      callButtonDomEventToInviteMs: stats(pick((s) => s.clickEventToInviteMs)),
      clickCallReturnedMs: stats(pick((s) => s.clickReturnedMs)),
      okToFirstRtpAtSipMs: { all: stats(pick((s) => s.okToRtpAtSipMs)), afterRinging: stats(pick((s) => s.okToRtpAtSipMs, rung)), instantAnswer: stats(pick((s) => s.okToRtpAtSipMs, instant)) },
      okToFirstRtpAtRendererEstimatedMs: {
        all: stats(pick((s) => s.okToRtpAtRendererEstimatedMs)),
        afterRinging: stats(pick((s) => s.okToRtpAtRendererEstimatedMs, rung)),
        instantAnswer: stats(pick((s) => s.okToRtpAtRendererEstimatedMs, instant)),
        method: 'from the detecting getStats report: lastPacketReceivedTimestamp - (packetsReceived - 1) x 20 ms (the far end paces at 20 ms), minus the 200 OK send time on the wall clock (performance.timeOrigin + performance.now() here; Chromium stats timestamps are epoch ms)',
      },
      okToFarEndAudioAtRendererTrackMs: {
        all: stats(pick((s) => s.okToAudioAtRendererTrackMs)),
        afterRinging: stats(pick((s) => s.okToAudioAtRendererTrackMs, rung)),
        instantAnswer: stats(pick((s) => s.okToAudioAtRendererTrackMs, instant)),
        method: `page polls RTCRtpReceiver.getSynchronizationSources() (synchronous, uncached) every ${POLL_MS} ms for a new far-end SSRC: audio delivered to the agent's track, i.e. after Chromium's jitter buffer`,
      },
      coreFromAppLogMs: {
        okToSipLegApplied: stats(pick((s) => s.okToCoreSipLegMs)),
        okToRendererTransceiverReady: stats(pick((s) => s.okToCoreRendererReadyMs)),
        method: "the app's own INFO log timestamps (wall clock, 1 ms resolution) minus the 200 OK send time: '[gateway.call] ... SIP leg ...' (answer applied to the RTP leg) and 'renderer transceiver mid N ready' (the call's renderer leg negotiated)",
      },
      okToFirstRtpAtRendererMs: {
        all: stats(pick((s) => s.okToRtpAtRendererMs)),
        afterRinging: stats(pick((s) => s.okToRtpAtRendererMs, rung)),
        instantAnswer: stats(pick((s) => s.okToRtpAtRendererMs, instant)),
        method: `page polls RTCPeerConnection.getStats() every ${POLL_MS} ms (plus the getStats call itself) for inbound-rtp audio packetsReceived above its value before the 200 OK; the page reports via an exposed function and the time is taken here on arrival`,
        packetsAtDetection: stats(rendererDetections.map((d) => Number(d.packets))),
        getStatsCallMs: stats(rendererDetections.map((d) => Number(d.getStatsMs))),
      },
      app: {
        startToUiReadyMs: round(appStartMs),
        gotoToRegisteredMs: round(registeredMs),
        pid: 'the browser-shell Node process (core: SIP + gateway + signaling); Chromium not included',
        cpuPercentInOneCall: stats(pick((s) => s.appCpuPercentInCall)),
        rtpFromAppPerSecondInCall: stats(pick((s) => s.rtpFromAppInThatSecond)),
        farEndPacketsNotRelayedPerCall: stats(pick((s) => s.farEndPacketsNotRelayed)),
        rssMbBeforeCalls: rssBefore !== undefined ? round(rssBefore) : null,
        rssMbAfterCalls: rssAfter !== undefined ? round(rssAfter) : null,
      },
      samples,
    };
  } finally {
    await cleanup();
  }
}

main()
  .then((result) => {
    process.stdout.write(`BENCH_UI_JSON ${JSON.stringify(result)}\n`);
    process.exit(0);
  })
  .catch((err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.stdout.write(`BENCH_UI_JSON ${JSON.stringify({ bench: 'ui-call', error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  });
