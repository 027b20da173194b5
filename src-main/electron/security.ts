// Electron security checklist decisions as pure functions (tested in plain Node); window.ts
// wires them to the real session/webContents.
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { IpcEventLike } from './ipc-adapter';

/** The renderer is served from this privileged custom scheme, never file:// or http://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'softphone';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * No inline script, no eval, no remote code. connect-src stays 'self': the renderer talks to
 * the core over IPC and WebRTC (127.0.0.1), which CSP does not govern. media-src allows blob:
 * and data: for ring tones; style-src 'unsafe-inline' is not needed (React sets styles via CSSOM).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    // Custom schemes report origin "null" in WHATWG URL; compare scheme + host ourselves.
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

export function isAppUrl(url: string | undefined): boolean {
  return originOf(url) === APP_ORIGIN;
}

export interface PermissionRequestDetails {
  requestingUrl?: string;
  /** For 'media': what the page asks for. */
  mediaTypes?: ReadonlyArray<'video' | 'audio'>;
  isMainFrame?: boolean;
}

/**
 * A softphone needs the microphone and to pick the speaker; nothing else (no camera, no
 * geolocation, no notifications from the page: the main process shows those).
 */
export function decidePermissionRequest(permission: string, details: PermissionRequestDetails): boolean {
  if (!isAppUrl(details.requestingUrl)) return false;
  if (details.isMainFrame === false) return false;
  if (permission === 'media') {
    const types = details.mediaTypes ?? [];
    return types.length > 0 && types.every((t) => t === 'audio');
  }
  return permission === 'speaker-selection';
}

/** Synchronous permission checks (enumerateDevices labels, setSinkId). */
export function decidePermissionCheck(permission: string, requestingOrigin: string | undefined, details: { mediaType?: string }): boolean {
  if (!isAppUrl(requestingOrigin)) return false;
  if (permission === 'media') return details.mediaType === undefined || details.mediaType === 'audio' || details.mediaType === 'unknown';
  return permission === 'speaker-selection';
}

/** Navigation away from the app page is never allowed (links to the web, injected redirects). */
export function isAllowedNavigation(url: string): boolean {
  return url === APP_ENTRY_URL || url.startsWith(`${APP_ENTRY_URL}#`) || url.startsWith(`${APP_ENTRY_URL}?`);
}

/** IPC sender check: our window, its top frame, on our origin. */
export function isTrustedIpcSender(event: IpcEventLike, windowWebContentsId: number | undefined): boolean {
  if (windowWebContentsId === undefined || event.sender.id !== windowWebContentsId) return false;
  const frame = event.senderFrame;
  if (!frame) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

/**
 * Maps an app:// URL to a file under the renderer build folder; undefined for anything outside
 * it (path traversal, other hosts), which the protocol handler answers with 404.
 */
export function resolveAppFile(url: string, rootDir: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const file = normalize(join(rootDir, path));
  const rel = relative(rootDir, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return undefined;
  return file;
}

export { mimeTypeOf } from '../core/util/mime';
