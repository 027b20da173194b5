// baresip as a scripted far end: plays a WAV (aufile), records what it hears (sndfile),
// auto-answers, and takes commands (dial, hangup) over ctrl_tcp. Runs on 127.0.0.1 only via
// net_interface + an LD_PRELOAD shim (baresip skips loopback interfaces otherwise).
// Known limits: it cannot resolve host names (dial it by number through the proxy or by IP),
// and its sndfile recording stops at the first hold re-INVITE (check audio after a hold with
// a pcap of the RTP instead, see pcap.ts).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeTone } from './audio';
import { findFreePorts, LOOPBACK } from './ports';
import { spawnPeer, type PeerProcess } from './process';
import { loopbackShim } from './shim';
import { keepTemp, makeTempDir, removeDir } from './tmp';

export interface BaresipRegistration {
  /** Outbound proxy / registrar, e.g. kamailio.udpUri ("sip:127.0.0.1:5070;transport=udp"). */
  registrar: string;
  password: string;
  /** AOR domain; default testbed.local (never resolved: requests go to the outbound proxy). */
  domain?: string;
  authUser?: string;
}

export interface BaresipOptions {
  /** The far end's number (user part of its URI). Default 2000. */
  user?: string;
  /** SIP port (UDP+TCP); default: a free one. */
  sipPort?: number;
  /** WAV (8 kHz mono 16-bit is safest) it plays as its microphone. Default: a 440 Hz tone, 120 s. */
  playWav?: string;
  /** Copy of the recording of what it heard, written by recordingOf()/stop(). Optional. */
  recordWav?: string;
  /** Answer incoming calls at once (default true). */
  autoAnswer?: boolean;
  /** Register to a registrar instead of working as a direct (non-registered) UA. */
  register?: BaresipRegistration;
  /** Codecs in preference order (default PCMU, PCMA). */
  codecs?: string[];
  startTimeoutMs?: number;
}

export interface BaresipEvent {
  type: string;
  class?: string;
  peeruri?: string;
  param?: string;
  [key: string]: unknown;
}

export interface BaresipRecordings {
  /** What baresip heard (decoded from the network), one file per call, oldest first. */
  heard: string[];
  /** What baresip sent (its WAV after encoding pipeline), one file per call. */
  sent: string[];
}

export interface BaresipPeer {
  user: string;
  host: string;
  sipPort: number;
  /** Direct URI of this UA: sip:<user>@127.0.0.1:<port> (use as a Kamailio static route target). */
  uri: string;
  dir: string;
  playWav: string;
  logs(): string;
  /** Sends a ctrl_tcp command ("dial", "hangup", "accept", ...); resolves with its text answer. */
  command(command: string, params?: string): Promise<string>;
  /** Dials a SIP URI (by IP, baresip does not resolve names). */
  dial(uri: string): Promise<string>;
  hangup(): Promise<string>;
  /** Awaits a ctrl_tcp event (e.g. CALL_ESTABLISHED, CALL_CLOSED); also returns ones that already happened since `since`. */
  waitForEvent(type: string, timeoutMs?: number, predicate?: (e: BaresipEvent) => boolean): Promise<BaresipEvent>;
  events(): BaresipEvent[];
  recordings(): BaresipRecordings;
  /** The newest "heard" recording (copied to options.recordWav if given). Throws if none. */
  lastHeard(): string;
  process: PeerProcess;
  stop(): Promise<void>;
}

function baresipModulesDir(): string {
  for (const dir of ['/usr/lib/baresip/modules', '/usr/lib/x86_64-linux-gnu/baresip/modules', '/usr/local/lib/baresip/modules']) {
    if (fs.existsSync(path.join(dir, 'g711.so'))) return dir;
  }
  throw new Error('baresip modules not found: install them with `apt-get install -y baresip-core`');
}

/** Parses netstrings ("<len>:<payload>,") from a byte stream. */
class NetstringReader {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): string[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.buf.indexOf(0x3a);
      if (colon < 0) break;
      const len = Number(this.buf.subarray(0, colon).toString('ascii'));
      if (!Number.isFinite(len)) {
        this.buf = Buffer.alloc(0);
        break;
      }
      if (this.buf.length < colon + 1 + len + 1) break;
      out.push(this.buf.subarray(colon + 1, colon + 1 + len).toString('utf8'));
      this.buf = this.buf.subarray(colon + 1 + len + 1);
    }
    return out;
  }
}

export async function startBaresip(options: BaresipOptions = {}): Promise<BaresipPeer> {
  const user = options.user ?? '2000';
  const dir = makeTempDir(`baresip-${user}`);
  const recDir = path.join(dir, 'recordings');
  fs.mkdirSync(recDir);
  const [sipPort, ctrlPort] = options.sipPort !== undefined ? [options.sipPort, (await findFreePorts(1, { udp: false }))[0]!] : await findFreePorts(2);
  const playWav = options.playWav ?? (await makeTone(440, 120, path.join(dir, 'tone-440.wav'), 8000));
  const codecs = options.codecs ?? ['PCMU', 'PCMA'];
  const answermode = options.autoAnswer === false ? 'manual' : 'auto';
  const reg = options.register;
  const account = reg
    ? `<sip:${user}@${reg.domain ?? 'testbed.local'}>;auth_user=${reg.authUser ?? user};auth_pass=${reg.password};outbound="${reg.registrar}";regint=600;answermode=${answermode};audio_codecs=${codecs.join(',')}`
    : `<sip:${user}@${LOOPBACK}:${sipPort}>;regint=0;answermode=${answermode};audio_codecs=${codecs.join(',')}`;
  fs.writeFileSync(path.join(dir, 'accounts'), `${account}\n`);
  fs.writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen ${LOOPBACK}:${sipPort}`,
      `net_interface ${LOOPBACK}`,
      `audio_source aufile,${playWav}`,
      `audio_alert aufile,${playWav}`,
      'audio_player aufile,/dev/null',
      `module_path ${baresipModulesDir()}`,
      'module g711.so',
      'module aufile.so',
      'module sndfile.so',
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen ${LOOPBACK}:${ctrlPort}`,
      `snd_path ${recDir}`,
      'rtp_stats no',
      '',
    ].join('\n'),
  );
  const shim = await loopbackShim();
  const proc = spawnPeer('baresip', 'baresip', ['-f', dir], { cwd: dir, env: { ...process.env, LD_PRELOAD: shim } });
  const stopProcess = async (): Promise<void> => {
    socket?.destroy();
    await proc.stop();
  };
  let socket: net.Socket | undefined;
  try {
    await proc.waitForLine(/baresip is ready/, options.startTimeoutMs ?? 15_000);
    if (reg) {
      // "<aor>: {0/UDP/v4} 200 OK (...)" on success, "reg: <aor>: 403 Forbidden" on failure.
      const line = await proc.waitForLine(/\{\d+\/\w+\/\w+\} \d{3} |reg: \S+: \d{3} /, options.startTimeoutMs ?? 15_000);
      if (!/\} 2\d\d /.test(line)) throw new Error(`baresip ${user}: registration to ${reg.registrar} failed: ${line.replace(/\x1b\[[0-9;]*m/g, '')}`);
    }
    socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: LOOPBACK, port: ctrlPort }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    await stopProcess();
    if (!keepTemp) removeDir(dir);
    throw err;
  }
  const ctrl = socket;
  ctrl.on('error', () => {
    /* process ended */
  });
  const events: BaresipEvent[] = [];
  const eventWaiters = new Set<(e: BaresipEvent) => void>();
  const pending = new Map<string, { resolve: (s: string) => void; reject: (e: Error) => void }>();
  let token = 0;
  const reader = new NetstringReader();
  ctrl.on('data', (chunk: Buffer) => {
    for (const text of reader.push(chunk)) {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.event) {
        const e = msg as BaresipEvent;
        events.push(e);
        for (const w of [...eventWaiters]) w(e);
      } else if (msg.response) {
        const t = String(msg.token ?? '');
        const p = pending.get(t);
        if (!p) continue;
        pending.delete(t);
        if (msg.ok === false) p.reject(new Error(`baresip command failed: ${String(msg.data ?? '')}`));
        else p.resolve(String(msg.data ?? ''));
      }
    }
  });

  const command = (cmd: string, params?: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const t = String(++token);
      const body = JSON.stringify({ command: cmd, ...(params !== undefined ? { params } : {}), token: t });
      const timer = setTimeout(() => {
        pending.delete(t);
        reject(new Error(`baresip: no answer to "${cmd}" within 5 s`));
      }, 5000);
      pending.set(t, {
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      ctrl.write(`${Buffer.byteLength(body)}:${body},`);
    });

  const recordings = (): BaresipRecordings => {
    const files = fs.readdirSync(recDir).sort();
    return {
      heard: files.filter((f) => f.endsWith('-dec.wav')).map((f) => path.join(recDir, f)),
      sent: files.filter((f) => f.endsWith('-enc.wav')).map((f) => path.join(recDir, f)),
    };
  };
  const lastHeard = (): string => {
    const heard = recordings().heard;
    const last = heard[heard.length - 1];
    if (!last) throw new Error(`baresip ${user}: no recording of received audio in ${recDir} (no call was established?)`);
    if (options.recordWav) fs.copyFileSync(last, options.recordWav);
    return last;
  };

  return {
    user,
    host: LOOPBACK,
    sipPort,
    uri: `sip:${user}@${LOOPBACK}:${sipPort}`,
    dir,
    playWav,
    logs: () => proc.logs(),
    command,
    dial: (uri) => command('dial', uri),
    hangup: () => command('hangup'),
    events: () => [...events],
    waitForEvent(type, timeoutMs = 15_000, predicate = () => true) {
      const seen = events.find((e) => e.type === type && predicate(e));
      if (seen) return Promise.resolve(seen);
      return new Promise<BaresipEvent>((resolve, reject) => {
        const timer = setTimeout(() => {
          eventWaiters.delete(waiter);
          reject(new Error(`baresip ${user}: no ${type} event within ${timeoutMs} ms; events so far: ${events.map((e) => e.type).join(', ') || 'none'}`));
        }, timeoutMs);
        const waiter = (e: BaresipEvent): void => {
          if (e.type !== type || !predicate(e)) return;
          clearTimeout(timer);
          eventWaiters.delete(waiter);
          resolve(e);
        };
        eventWaiters.add(waiter);
      });
    },
    recordings,
    lastHeard,
    process: proc,
    async stop() {
      await stopProcess();
      if (options.recordWav) {
        try {
          lastHeard();
        } catch {
          /* no call happened */
        }
      }
      if (!keepTemp) removeDir(dir);
    },
  };
}
