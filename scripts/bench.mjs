#!/usr/bin/env node
// `npm run bench`: the performance baseline (docs/BENCH.md says what each number means).
//   1. bench/ui-call.ts      click Call in the real UI -> INVITE on the wire (vs a click baseline),
//                            200 OK -> first relayed RTP each way (agent mic -> SIP, far end -> renderer)
//   2. bench/gateway-relay.ts per-packet latency added by the gateway at 1 and 20 calls vs a plain
//                            UDP relay, gateway CPU % and RSS
// Builds first if dist is missing. Everything is bounded (whole run ~1.5 min, hard cap below 5
// min) and every process started here is killed at the end, also on failure or Ctrl-C.
// stdout carries exactly one JSON object and then one summary line starting with "bench:";
// progress goes to stderr. Benchmark, not test: nothing is asserted; exit code 1 only when a
// stage produced no numbers at all.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const t0 = Date.now();
const HARD_CAP_MS = 285_000;
const VITE_NODE = path.join(root, 'node_modules', 'vite-node', 'vite-node.mjs');
const pidFile = path.join(os.tmpdir(), `softphone-bench-${process.pid}-${Date.now()}.pids`);
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', FORCE_COLOR: '0', BENCH_PIDFILE: pidFile };
const say = (m) => process.stderr.write(`[bench] ${m}\n`);
const left = () => HARD_CAP_MS - (Date.now() - t0);

/** Process groups we started (each child is detached = its own group). */
const groups = new Set();

function killEverything() {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  groups.clear();
  // The app started by ui-call.ts is its own process group: its pid is in the pid file, so it
  // dies even if ui-call.ts itself was killed before its own cleanup ran.
  try {
    for (const line of fs.readFileSync(pidFile, 'utf8').split('\n')) {
      const pid = Number(line.trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    fs.rmSync(pidFile, { force: true });
  } catch {
    /* no pid file */
  }
}
process.on('exit', killEverything);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    say(`${sig}: stopping everything`);
    killEverything();
    process.exit(130);
  });
}

/** Runs a command in its own process group, output to stderr, stdout also collected; bounded. */
function run(name, cmd, args, timeoutMs, extraEnv = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    groups.add(child.pid);
    let stdout = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      process.stderr.write(c);
    });
    child.stderr.on('data', (c) => process.stderr.write(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      say(`${name} exceeded ${Math.round(timeoutMs / 1000)} s: stopping it`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000).unref();
    }, Math.max(1000, timeoutMs));
    child.on('error', (err) => say(`${name}: could not start ${cmd}: ${err.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever the leader left behind in its group goes too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* group empty */
      }
      groups.delete(child.pid);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut, stdout, seconds: Math.round((Date.now() - started) / 100) / 10 });
    });
  });
}

function loadavg() {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** Newest mtime under the given paths (recursive), to flag a dist older than its sources. */
function newest(paths) {
  let max = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p)) if (e !== 'node_modules') visit(path.join(p, e));
    } else max = Math.max(max, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return max;
}

function parseUi(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_UI_JSON '));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice('BENCH_UI_JSON '.length));
  } catch {
    return undefined;
  }
}

function parseRelay(stdout) {
  // gateway-relay.ts prints an indented JSON object, then a summary line "gateway-relay: ...".
  const start = stdout.indexOf('{\n  "bench": "gateway-relay"');
  if (start < 0) return undefined;
  const end = stdout.indexOf('\n}\n', start);
  if (end < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(start, end + 2));
  } catch {
    return undefined;
  }
}

const r1 = (v) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 10) / 10 : null);
const r2 = (v) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

function relayView(relay) {
  if (!relay?.results) return undefined;
  const by = (mode, calls) => relay.results.find((r) => r.mode === mode && r.calls === calls);
  const out = {};
  for (const calls of [1, 20]) {
    const g = by('gateway', calls);
    const b = by('baseline', calls);
    if (!g || !b) continue;
    // RSS of both children includes vite-node (which runs the TypeScript): compare with the baseline's.
    // Worst of the two directions (fromSip = SIP far end -> renderer, toSip = renderer -> far end).
    const worst = (r, p) => Math.max(r.latencyMs.fromSip[p], r.latencyMs.toSip[p]);
    out[`calls${calls}`] = {
      gatewayMs: { p50: worst(g, 'p50'), p99: worst(g, 'p99') },
      baselineMs: { p50: worst(b, 'p50'), p99: worst(b, 'p99') },
      addedOverBaselineMs: { p50: r2(worst(g, 'p50') - worst(b, 'p50')), p99: r2(worst(g, 'p99') - worst(b, 'p99')) },
      gatewayCpuPercent: g.cpuPercent,
      baselineCpuPercent: b.cpuPercent,
      gatewayRssMb: g.rssMb,
      baselineRssMb: b.rssMb,
      delivered: `${g.packets.fromSip + g.packets.toSip}/${g.packets.sent}`,
    };
  }
  return out;
}

async function main() {
  const errors = [];
  const meta = {
    startedAt: new Date(t0).toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: os.cpus().length,
    loadavgAtStart: loadavg(),
  };

  // 0. Build if dist is missing (never rebuild a present dist: others may be using it).
  const shellEntry = path.join(root, 'dist', 'browser-shell', 'main.mjs');
  const rendererIndex = path.join(root, 'dist', 'renderer', 'index.html');
  if (!fs.existsSync(shellEntry) || !fs.existsSync(rendererIndex)) {
    say('dist missing: npm run build');
    const b = await run('build', process.execPath, ['scripts/build.mjs', '--quiet'], Math.min(180_000, left() - 120_000));
    meta.built = { code: b.code, seconds: b.seconds };
    if (b.code !== 0) errors.push(`build failed (exit ${b.code})`);
  } else {
    const distTime = Math.min(fs.statSync(shellEntry).mtimeMs, fs.statSync(rendererIndex).mtimeMs);
    const srcTime = newest(['shared', 'src-main/core', 'src-main/browser-shell', 'src-renderer']);
    meta.distOlderThanSources = srcTime > distTime;
    if (meta.distOlderThanSources) say('note: dist is older than the sources (numbers are for the built code; run `npm run build` to refresh)');
  }

  // 1. The real UI: click -> INVITE, 200 OK -> first RTP each way.
  let ui;
  if (fs.existsSync(shellEntry)) {
    const budget = Math.min(170_000, left() - 100_000);
    say(`ui-call: up to ${Math.round(budget / 1000)} s`);
    // ui-call stops starting new calls 15 s before its own deadline, which is 20 s before ours.
    const u = await run('ui-call', process.execPath, [VITE_NODE, 'bench/ui-call.ts'], budget, { BENCH_UI_DEADLINE_MS: String(budget - 20_000) });
    ui = parseUi(u.stdout);
    if (!ui || ui.error) errors.push(`ui-call: ${ui?.error ?? `no result (exit ${u.code}${u.timedOut ? ', timed out' : ''})`}`);
    if (ui) ui.seconds = u.seconds;
  } else errors.push('ui-call skipped: the browser shell is not built');
  killEverything();

  // 2. Gateway per-packet latency, CPU, RSS at 1 and 20 calls (the existing bench).
  const relayBudget = Math.min(120_000, left() - 5_000);
  say(`gateway-relay: up to ${Math.round(relayBudget / 1000)} s`);
  // 8 s per scenario (its default is 4): 400 samples per direction for one call, so p99 is not the 2nd-worst packet.
  const g = await run('gateway-relay', process.execPath, [VITE_NODE, 'bench/gateway-relay.ts'], relayBudget, { BENCH_SECONDS: process.env.BENCH_SECONDS ?? '8' });
  const relay = parseRelay(g.stdout);
  if (!relay) errors.push(`gateway-relay: no result (exit ${g.code}${g.timedOut ? ', timed out' : ''})`);
  else relay.seconds = g.seconds;

  meta.loadavgAtEnd = loadavg();
  meta.totalSeconds = Math.round((Date.now() - t0) / 100) / 10;
  const relaySummary = relayView(relay);
  const result = { bench: 'softphone-baseline', meta, uiCall: ui ?? null, gatewayRelay: relay ?? null, relaySummary: relaySummary ?? null, errors };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  const f = (v) => (v === null || v === undefined ? 'n/a' : String(v));
  const med = (s) => r1(s?.median);
  const c1 = relaySummary?.calls1;
  const c20 = relaySummary?.calls20;
  process.stdout.write(
    `bench: click->INVITE p50 ${f(med(ui?.clickToInviteMs))} ms p90 ${f(r1(ui?.clickToInviteMs?.p90))} ms (baseline click->DOM p50 ${f(med(ui?.baselineClickToDomEventMs))} ms, app click event->INVITE p50 ${f(med(ui?.callButtonDomEventToInviteMs))} ms); ` +
      `200OK->RTP to SIP ${f(med(ui?.okToFirstRtpAtSipMs?.all))} ms, to renderer ${f(med(ui?.okToFirstRtpAtRendererMs?.all))} ms (getStats poll; est. arrival ${f(med(ui?.okToFirstRtpAtRendererEstimatedMs?.all))} ms, at track ${f(med(ui?.okToFarEndAudioAtRendererTrackMs?.all))} ms; core renderer leg ready ${f(med(ui?.coreFromAppLogMs?.okToRendererTransceiverReady))} ms); ` +
      `relay p50/p99 1 call ${f(c1?.gatewayMs.p50)}/${f(c1?.gatewayMs.p99)} ms (baseline ${f(c1?.baselineMs.p50)}/${f(c1?.baselineMs.p99)}), 20 calls ${f(c20?.gatewayMs.p50)}/${f(c20?.gatewayMs.p99)} ms (baseline ${f(c20?.baselineMs.p50)}/${f(c20?.baselineMs.p99)}); ` +
      `CPU 1/20 calls ${f(c1?.gatewayCpuPercent)}%/${f(c20?.gatewayCpuPercent)}% (baseline ${f(c1?.baselineCpuPercent)}%/${f(c20?.baselineCpuPercent)}%); ` +
      `RSS 1/20 calls ${f(c1?.gatewayRssMb)}/${f(c20?.gatewayRssMb)} MB (baseline ${f(c1?.baselineRssMb)}/${f(c20?.baselineRssMb)}); ` +
      `real app 1 call CPU ${f(med(ui?.app?.cpuPercentInOneCall))}% RSS ${f(ui?.app?.rssMbAfterCalls)} MB` +
      `${errors.length ? `; ERRORS: ${errors.length}` : ''}\n`,
  );
  return ui && !ui.error && relay ? 0 : 1;
}

main()
  .then((code) => {
    killEverything();
    process.exit(code);
  })
  .catch((err) => {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killEverything();
    process.exit(1);
  });
