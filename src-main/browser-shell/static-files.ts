// Serves the built renderer (dist/renderer) to the Chromium app window, with a strict CSP:
// the page may load only its own files and talk only to this shell's WebSocket.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { mimeTypeOf } from '../core/util/mime';


export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "media-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every response carries (the token is in the page URL: no referrer may leak it). */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/** Resolves a URL path inside `root`, or undefined if it escapes it. Paths without an extension get the SPA's index.html. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?', 1)[0] ?? '/');
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const base = resolve(root);
  const full = resolve(base, rel);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  if (full === base || !extname(full)) return join(base, 'index.html');
  return full;
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const path = resolveStaticPath(root, new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  let size = -1;
  try {
    if (path) {
      const st = statSync(path);
      if (st.isFile()) size = st.size;
    }
  } catch {
    size = -1;
  }
  if (!path || size < 0) {
    const missingUi = path?.endsWith('index.html');
    res
      .writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
      .end(missingUi ? `The user interface is not built (${path} is missing). Run "npm run build" and reload.\n` : 'Not found\n');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': mimeTypeOf(path), 'Content-Length': String(size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path).pipe(res);
}
