// Who may open the local signaling WebSocket. The socket controls calls, so any web page the
// agent visits must not reach it: the token proves the client got the URL we printed, Origin
// proves the page is our own UI, and Host proves the request was not re-pointed at 127.0.0.1
// by a hostile DNS name (DNS rebinding).
import { timingSafeEqual } from 'node:crypto';

export interface GuardOptions {
  /** Port the shell listens on (Origin and Host must name it). */
  port: number;
  token: string;
  /** Path of the WebSocket endpoint. Default /ws. */
  path?: string;
}

export interface UpgradeRequestLike {
  url?: string | undefined;
  headers: { host?: string | undefined; origin?: string | undefined };
}

export type GuardVerdict = { ok: true } | { ok: false; status: 400 | 403 | 404; reason: string };

export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when the Host header names exactly our loopback listener. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}`;
}

export function checkUpgrade(req: UpgradeRequestLike, options: GuardOptions): GuardVerdict {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    // e.g. `GET //[ HTTP/1.1`: a throw here would escape the server's 'upgrade' handler.
    return { ok: false, status: 400, reason: `malformed request URL ${JSON.stringify(req.url)}` };
  }
  if (url.pathname !== (options.path ?? '/ws')) return { ok: false, status: 404, reason: `no WebSocket endpoint at ${url.pathname}` };
  if (!hostAllowed(req.headers.host, options.port)) return { ok: false, status: 403, reason: `Host ${JSON.stringify(req.headers.host)} is not 127.0.0.1:${options.port}` };
  if (req.headers.origin !== `http://127.0.0.1:${options.port}`) return { ok: false, status: 403, reason: `Origin ${JSON.stringify(req.headers.origin)} is not this app` };
  if (!tokensEqual(url.searchParams.get('token') ?? '', options.token)) return { ok: false, status: 403, reason: 'wrong or missing access token' };
  return { ok: true };
}
