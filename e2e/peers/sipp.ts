// SIPp as a scripted far end: busy (486), early media (183 then 200), answering UAS, a UAC that
// calls the app, and malformed messages. Runs one call (-m 1) and resolves with its exit code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeG711Tone } from './audio';
import { findFreePort, findFreePorts, LOOPBACK } from './ports';
import { spawnPeer, tail, type PeerProcess } from './process';
import { keepTemp, makeTempDir, removeDir } from './tmp';

const scenariosDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

export const SIPP_SCENARIOS = {
  /** UAS: 100 then 486 Busy Here. */
  'uas-486': 'uas-486.xml',
  /** UAS: 100, 180, 200 OK with SDP; plays the tone; waits for BYE. */
  'uas-answer': 'uas-answer.xml',
  /** UAS: 100, 183 with SDP + tone (early media) for `durationMs`, then 200; waits for BYE. */
  'uas-183-200': 'uas-early.xml',
  /** UAS: answers, then expects a REFER naming keys.refer_target, answers 202 and expects BYE. */
  'uas-refer': 'uas-refer.xml',
  /** UAC: calls `service` at `remote`, plays the tone, hangs up after `durationMs`. */
  uac: 'uac.xml',
  /** UAC: calls `service`, plays the tone, waits for the callee's BYE. */
  'uac-remote-bye': 'uac-remote-bye.xml',
  /** Malformed INVITEs + garbage, then an OPTIONS that must still be answered. */
  malformed: 'malformed.xml',
  /** Registrar/outbound proxy for the app (give the app its port): 200 to REGISTER, then malformed SIP and an OPTIONS that must be answered. */
  'registrar-malformed': 'registrar-malformed.xml',
} as const;
export type SippBuiltin = keyof typeof SIPP_SCENARIOS;

export interface SippOptions {
  /** host:port the scenario sends to (UAC) / the app's proxy; default none (UAS waits). */
  remote?: string;
  /** Local SIP port; default: a free one. */
  localPort?: number;
  /** User part called / served ([service]); default 'sipp'. */
  service?: string;
  /** Caller user part for UAC scenarios ([caller]); default 'sipp'. */
  caller?: string;
  callerName?: string;
  transport?: 'udp' | 'tcp';
  /** The -d duration (ms): UAC talk time, UAS early-media time. Default 3000. */
  durationMs?: number;
  /** Tone the scenario streams (Hz); default 440. Ignored when toneFile is given. */
  toneHz?: number;
  /** Raw 8 kHz u-law file for rtp_stream. */
  toneFile?: string;
  /** Extra -key name value pairs. */
  keys?: Record<string, string>;
  extraArgs?: string[];
  /** Global timeout: sipp fails (non-zero) if the call has not finished by then. Default 60 s. */
  timeoutMs?: number;
}

export interface SippResult {
  /** 0: the call went as scripted; 1: it failed; others: sipp errors. */
  code: number | string;
  /** sipp's output plus its error and message logs. */
  output: string;
}

export interface SippPeer {
  host: string;
  localPort: number;
  /** sip:<service>@127.0.0.1:<port> */
  uri: string;
  dir: string;
  process: PeerProcess;
  /** Resolves when sipp exits (one call done, timed out or stopped). */
  done: Promise<SippResult>;
  /** SIP messages sipp sent and received so far (-trace_msg). */
  messages(): string;
  stop(): Promise<void>;
}

function readIf(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Resolves once a UDP socket is bound to 127.0.0.1:port (polls /proc/net/udp, bounded). */
export async function waitForUdpBound(port: number, timeoutMs = 10_000, isAlive: () => boolean = () => true): Promise<void> {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const table = readIf('/proc/net/udp');
    if (table.split('\n').some((l) => l.trim().split(/\s+/)[1] === hex)) return;
    if (!isAlive()) throw new Error(`process exited before binding UDP ${port}`);
    await new Promise<void>((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing bound UDP 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Starts sipp with a built-in scenario name or a path to a scenario XML. */
export async function startSipp(scenario: SippBuiltin | string, options: SippOptions = {}): Promise<SippPeer> {
  const file = scenario in SIPP_SCENARIOS ? path.join(scenariosDir, SIPP_SCENARIOS[scenario as SippBuiltin]) : scenario;
  if (!fs.existsSync(file)) throw new Error(`sipp scenario ${scenario} not found (${file})`);
  const dir = makeTempDir('sipp');
  const localPort = options.localPort ?? (await findFreePort());
  const [mediaPort] = await findFreePorts(1, { tcp: false, rtpPair: true });
  const toneFile = options.toneFile ?? (await makeG711Tone(options.toneHz ?? 440, 60, path.join(dir, 'tone.ulaw')));
  const service = options.service ?? 'sipp';
  const transport = options.transport ?? 'udp';
  // sipp does not expand keywords inside <exec> attributes, so the tone path is written into a
  // per-run copy of the scenario.
  const scenarioCopy = path.join(dir, path.basename(file));
  fs.writeFileSync(scenarioCopy, fs.readFileSync(file, 'utf8').replaceAll('[tone_file]', toneFile.replace(/&/g, '&amp;').replace(/"/g, '&quot;')));
  const args = [
    '-sf', scenarioCopy,
    '-i', LOOPBACK,
    '-p', String(localPort),
    '-mi', LOOPBACK,
    '-mp', String(mediaPort),
    '-t', transport === 'tcp' ? 't1' : 'u1',
    '-s', service,
    '-m', '1',
    '-l', '1',
    '-d', String(options.durationMs ?? 3000),
    '-nostdin',
    '-timeout', `${Math.ceil((options.timeoutMs ?? 60_000) / 1000)}s`,
    '-timeout_error',
    '-max_recv_loops', '1000',
    '-trace_err', '-error_file', path.join(dir, 'errors.log'),
    '-trace_msg', '-message_file', path.join(dir, 'messages.log'),
    '-key', 'tone_file', toneFile,
    '-key', 'caller', options.caller ?? 'sipp',
    '-key', 'caller_name', options.callerName ?? 'SIPp',
    ...Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
    ...(options.extraArgs ?? []),
  ];
  if (options.remote) args.push(options.remote);
  const proc = spawnPeer('sipp', 'sipp', args, { cwd: dir });
  const done = proc.exited.then((code) => ({
    code,
    output: `${tail(proc.logs())}\n--- errors ---\n${tail(readIf(path.join(dir, 'errors.log')))}\n--- messages ---\n${tail(readIf(path.join(dir, 'messages.log')), 8000)}`,
  }));
  try {
    await waitForUdpBound(localPort, 10_000, () => !proc.hasExited);
  } catch (err) {
    await proc.stop();
    const r = await done;
    throw new Error(`sipp did not start: ${String(err)}\n${r.output}`);
  }
  return {
    host: LOOPBACK,
    localPort,
    uri: `sip:${service}@${LOOPBACK}:${localPort}`,
    dir,
    process: proc,
    done,
    messages: () => readIf(path.join(dir, 'messages.log')),
    async stop() {
      await proc.stop(1000);
      if (!keepTemp) removeDir(dir);
    },
  };
}

/** Runs a scenario to completion and resolves with the result (does not throw on failure). */
export async function runSipp(scenario: SippBuiltin | string, options: SippOptions = {}): Promise<SippResult> {
  const peer = await startSipp(scenario, options);
  try {
    return await peer.done;
  } finally {
    await peer.stop();
  }
}
