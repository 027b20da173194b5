// One browser-shell instance per data dir: the running one writes where it listens, so a
// second start (e.g. the OS opening a tel: link) hands its link over and exits instead of
// fighting over the SIP registration and the RTP ports.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export interface InstanceInfo {
  pid: number;
  port: number;
  token: string;
}

export const LOCK_FILE = 'browser-shell.lock';

export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The instance recorded in the lock file, if its process still runs. */
export function readRunningInstance(dataDir: string): InstanceInfo | undefined {
  const path = lockPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<InstanceInfo>;
    if (typeof info.pid !== 'number' || typeof info.port !== 'number' || typeof info.token !== 'string') return undefined;
    if (info.pid === process.pid || !alive(info.pid)) return undefined;
    return { pid: info.pid, port: info.port, token: info.token };
  } catch {
    return undefined;
  }
}

export function writeLock(dataDir: string, info: InstanceInfo): () => void {
  const path = lockPath(dataDir);
  writeFileSync(path, JSON.stringify(info), { mode: 0o600 });
  return () => {
    try {
      const current = JSON.parse(readFileSync(path, 'utf8')) as Partial<InstanceInfo>;
      if (current.pid === info.pid) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
}

/** Asks the running instance to dial; resolves false if it did not answer (a stale lock). */
export function forwardDial(instance: InstanceInfo, target: string, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ target });
    const req = request(
      {
        host: '127.0.0.1',
        port: instance.port,
        path: '/api/dial',
        method: 'POST',
        headers: {
          Host: `127.0.0.1:${instance.port}`,
          Authorization: `Bearer ${instance.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 202);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end(body);
  });
}
