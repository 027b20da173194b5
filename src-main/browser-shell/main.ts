// The app without Electron: the core runs in this Node process, the UI in a Chromium app
// window that loads the built renderer from 127.0.0.1 and talks to the core over a
// token-guarded WebSocket. Prints exactly one line on stdout: `UI ready: <url>`.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSnapshot } from '../../shared/types';
import { createCore, type Core } from '../core/index';
import { createRotatingFileSink } from '../core/log/file-sink';
import { LogHub, stderrSink, type Logger } from '../core/log/logger';
import { hostAllowed, tokensEqual } from '../core/signaling/guard';
import { attachSignalingServer } from '../core/signaling/ws-server';
import { ShellArgsError, parseShellArgs, type ShellArgs } from './args';
import { launchChromium } from './chromium';
import { forwardDial, readRunningInstance, writeLock } from './instance-lock';
import { securityHeaders, serveStatic } from './static-files';

/** A fixed default port keeps the page origin stable, so Chromium remembers the microphone permission. */
const DEFAULT_PORT = 47474;
const DIAL_WAIT_MS = 60_000;

function dataDirFromEnv(): string {
  return process.env.SOFTPHONE_DATA_DIR || join(homedir(), '.config', 'agent-softphone');
}

function provisioningPathsFromEnv(): string[] | undefined {
  const v = process.env.SOFTPHONE_PROVISIONING_PATHS;
  if (v === undefined) return undefined;
  return v.split(delimiter).filter(Boolean);
}

function rendererRoot(): string {
  if (process.env.SOFTPHONE_RENDERER_DIR) return resolve(process.env.SOFTPHONE_RENDERER_DIR);
  // dist/browser-shell/main.mjs -> dist/renderer
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolvePort(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

async function listenWithFallback(server: Server, wanted: number | undefined): Promise<number> {
  if (wanted !== undefined) return listen(server, wanted);
  try {
    return await listen(server, DEFAULT_PORT);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return listen(server, 0);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** POST /api/dial from a second instance (see instance-lock.ts): bearer token, no browser origin. */
async function handleApiDial(req: IncomingMessage, res: ServerResponse, core: Core, token: string, headers: Record<string, string>, log: Logger): Promise<void> {
  const auth = req.headers.authorization ?? '';
  const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (req.method !== 'POST' || req.headers.origin !== undefined || !tokensEqual(given, token)) {
    res.writeHead(403, headers).end();
    return;
  }
  try {
    const { target } = JSON.parse(await readBody(req, 4096)) as { target?: unknown };
    if (typeof target !== 'string') throw new Error('target missing');
    res.writeHead(202, headers).end();
    await core.dial(target);
  } catch (err) {
    log.warn('a forwarded dial request failed', err);
    if (!res.headersSent) res.writeHead(400, headers).end();
  }
}

/** Dials the link from the command line once the account is registered (a link often launches the app). */
function dialWhenRegistered(core: Core, target: string, log: Logger): void {
  let done = false;
  const attempt = (s: AppSnapshot): void => {
    if (done || s.registration.state !== 'registered') return;
    done = true;
    unsubscribe();
    clearTimeout(timer);
    core.dial(target).catch((err: unknown) => log.warn(`dialling ${target} from the command line failed`, err));
  };
  const unsubscribe = core.on('snapshot', attempt);
  const timer = setTimeout(() => {
    if (done) return;
    done = true;
    unsubscribe();
    log.warn(`not registered after ${DIAL_WAIT_MS / 1000} s: ${target} was not dialled`);
  }, DIAL_WAIT_MS);
  timer.unref();
  attempt(core.snapshot());
}

/** Signals closer together than this are one request to quit, delivered by several processes. */
const DUPLICATE_SIGNAL_MS = 1000;

async function main(args: ShellArgs): Promise<void> {
  const dataDir = dataDirFromEnv();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logHub = new LogHub();
  const logDir = join(dataDir, 'logs');
  logHub.addSink(createRotatingFileSink({ dir: logDir }).sink);
  // Served without a window (tests, servers): whoever started us reads stderr, so log there too.
  const logToStderr = process.env.SOFTPHONE_LOG_STDERR ?? (args.open ? '0' : '1');
  if (logToStderr === '1') logHub.addSink(stderrSink);
  const log = logHub.logger('shell');
  for (const u of args.unknown) process.stderr.write(`Ignoring unknown argument ${u}\n`);

  const running = readRunningInstance(dataDir);
  if (running && args.dial && (await forwardDial(running, args.dial.target))) {
    process.stderr.write(`Agent Softphone is already running (pid ${running.pid}); it is dialling ${args.dial.target}.\n`);
    return;
  }

  process.on('uncaughtException', (err) => log.error('unexpected error (the app keeps running)', err));
  process.on('unhandledRejection', (err) => log.error('unhandled promise rejection (the app keeps running)', err));

  const core = await createCore({
    dataDir,
    logHub,
    logDir,
    ...(args.profilePath ? { profilePath: resolve(args.profilePath) } : {}),
    ...(provisioningPathsFromEnv() !== undefined ? { provisioningPaths: provisioningPathsFromEnv()! } : {}),
    app: { shell: 'browser', versions: { node: process.versions.node } },
  });

  const token = randomBytes(32).toString('base64url');
  const root = rendererRoot();
  let port = 0;
  let headers: Record<string, string> = {};
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      res.writeHead(403, headers).end();
      return;
    }
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/api/dial') {
      void handleApiDial(req, res, core, token, headers, log);
      return;
    }
    serveStatic(root, req, res, headers);
  });
  port = await listenWithFallback(server, args.port);
  headers = securityHeaders(port);
  const signaling = attachSignalingServer({ server, port, token, core, log: logHub.logger('signaling') });
  const removeLock = writeLock(dataDir, { pid: process.pid, port, token });
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  log.info(`UI at http://127.0.0.1:${port}/ (renderer from ${root})`);
  process.stdout.write(`UI ready: ${url}\n`);

  let stopping = false;
  let chromium: ChildProcess | undefined;
  const shutdown = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info(`shutting down (${why})`);
    try {
      await core.dispose();
      await signaling.dispose();
    } catch (err) {
      log.error('shutdown was not clean', err);
    }
    removeLock();
    // The app window belongs to the app: it closes with it.
    if (chromium && chromium.exitCode === null) chromium.kill('SIGTERM');
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  // One Ctrl+C can arrive several times (the terminal's process group, npm and start.mjs each
  // deliver it): only a signal well after the first means "quit now, skip the clean shutdown"
  // (which sends BYE for live calls and un-REGISTERs).
  let firstSignalAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (Date.now() - firstSignalAt > DUPLICATE_SIGNAL_MS) process.exit(1);
        return;
      }
      firstSignalAt = Date.now();
      void shutdown(signal);
    });
  }

  if (args.dial) dialWhenRegistered(core, args.dial.target, log);

  if (args.open) {
    chromium = launchChromium(url, dataDir);
    if (!chromium) {
      process.stderr.write(`Chromium was not found at /usr/bin/chromium. Open this address in Chromium or Chrome instead:\n  ${url}\n`);
    } else {
      chromium.on('error', (err) => {
        log.error('Chromium could not start', err);
        process.stderr.write(`Chromium could not start (${err.message}). Open this address in Chromium or Chrome instead:\n  ${url}\n`);
      });
      chromium.on('exit', (code, signal) => {
        if (stopping) return;
        // Closing the app window quits the app, like closing any desktop app. A crash or a
        // failed start does not: calls keep running and the agent can reopen the address.
        if (code === 0) {
          void shutdown('Chromium window closed');
          return;
        }
        log.warn(`Chromium exited (${code ?? signal}); the app keeps running`);
        process.stderr.write(`Chromium exited unexpectedly (${code ?? signal}). The app keeps running; open this address in Chromium or Chrome:\n  ${url}\n`);
      });
    }
  }
}

let parsed: ShellArgs;
try {
  parsed = parseShellArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof ShellArgsError ? err.message : String(err)}\nUsage: agent-softphone [--profile <file>] [--no-open] [--port <n>] [tel:|sip:|callto: link]\n`);
  process.exit(2);
}
main(parsed).catch((err: unknown) => {
  process.stderr.write(`Agent Softphone could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
