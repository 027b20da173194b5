// Spawns a test peer as its own process group so stop() ends it and its children, keeps its
// output for diagnostics (bounded), and lets callers await a line instead of sleeping.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TOOL_PACKAGES } from './tools';

const MAX_LOG_CHARS = 2_000_000;

export class PeerStartError extends Error {
  override name = 'PeerStartError';
}

export interface PeerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process printed so far (stdout and stderr interleaved, truncated at the front past 2 MB). */
  logs(): string;
  /** Resolves with the first line matching `pattern` (also lines printed before the call). Rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (signal name if killed). */
  readonly exited: Promise<number | string>;
  readonly hasExited: boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<PeerProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence: a crashed test run must not leave SIP peers listening on the machine.
  process.on('exit', () => {
    for (const p of live) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

export function spawnPeer(name: string, command: string, args: string[], options: SpawnOptions = {}): PeerProcess {
  installExitHook();
  const resolved = resolveCommand(command);
  const child = spawn(resolved, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // Attach at once: a spawn failure (ENOENT) is emitted on the next tick.
  child.on('error', () => {
    /* recorded in the logs below; the 'close' event ends the peer */
  });
  if (child.pid === undefined) {
    throw new PeerStartError(`${name}: could not start ${command} (${resolved}): not installed or not executable${missingHint(command)}`);
  }
  const pid = child.pid;
  let text = '';
  let partial = '';
  const lineWaiters = new Set<(line: string) => void>();
  let exited = false;
  const onData = (chunk: Buffer): void => {
    const s = chunk.toString('utf8');
    text += s;
    if (text.length > MAX_LOG_CHARS) text = text.slice(text.length - MAX_LOG_CHARS);
    partial += s;
    const lines = partial.split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) for (const w of [...lineWaiters]) w(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exitedPromise = new Promise<number | string>((resolve) => {
    child.on('error', (err) => {
      text += `\n[spawn error] ${err.message}\n`;
    });
    child.once('close', (code, signal) => {
      exited = true;
      live.delete(peer);
      resolve(code ?? signal ?? -1);
    });
  });

  const peer: PeerProcess = {
    name,
    child,
    pid,
    logs: () => text + partial,
    get hasExited() {
      return exited;
    },
    exited: exitedPromise,
    waitForLine(pattern, timeoutMs = 15_000) {
      const already = (text + partial).split(/\r?\n/).find((l) => pattern.test(l));
      if (already !== undefined) return Promise.resolve(already);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new PeerStartError(`${name}: no line matching ${pattern} within ${timeoutMs} ms. Output:\n${tail(text)}`));
        }, timeoutMs);
        const waiter = (line: string): void => {
          if (pattern.test(line)) {
            cleanup();
            resolve(line);
          }
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          lineWaiters.delete(waiter);
        };
        lineWaiters.add(waiter);
        void exitedPromise.then((code) => {
          if (!lineWaiters.has(waiter)) return;
          cleanup();
          reject(new PeerStartError(`${name}: exited (${code}) before printing ${pattern}. Output:\n${tail(text)}`));
        });
      });
    },
    async stop(graceMs = 3000) {
      if (exited) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, graceMs);
      await exitedPromise;
      clearTimeout(timer);
      // Children of the group (kamailio workers) may outlive the leader by a moment.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* group empty */
      }
    },
  };
  live.add(peer);
  return peer;
}

/** Finds a bare command on PATH, then in the sbin dirs (kamailio and tcpdump live in /usr/sbin, often not on a user's PATH). */
export function resolveCommand(command: string): string {
  if (command.includes('/')) return command;
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return command;
}

function missingHint(command: string): string {
  const pkg = TOOL_PACKAGES[command];
  return pkg ? ` — install it with: apt-get install -y ${pkg}` : '';
}

export function tail(text: string, chars = 4000): string {
  return text.length > chars ? `…${text.slice(text.length - chars)}` : text;
}

/** Runs a command to completion (bounded), returning its output. Throws with the output on a non-zero exit. */
export async function run(command: string, args: string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<string> {
  const p = spawnPeer(command, command, args, options.cwd ? { cwd: options.cwd } : {});
  const timer = setTimeout(() => void p.stop(500), options.timeoutMs ?? 60_000);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${tail(p.logs())}`);
  return p.logs();
}
