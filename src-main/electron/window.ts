// The one BrowserWindow and the app:// protocol it loads from, locked down per Electron's
// security checklist (decisions in security.ts).
import { readFile } from 'node:fs/promises';
import { BrowserWindow, protocol, session, shell, type WebContents } from 'electron';
import type { Logger } from '../core/log/logger';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  decidePermissionCheck,
  decidePermissionRequest,
  isAllowedNavigation,
  mimeTypeOf,
  resolveAppFile,
} from './security';

/** Must run before app 'ready': app:// is a standard, secure origin (getUserMedia needs one). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true, codeCache: true } }]);
}

/** Serves the renderer build with the CSP header; denies everything outside it. */
export function serveRenderer(rendererDir: string, logger: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (!file) {
      logger.warn(`blocked app:// request outside the renderer: ${request.url}`);
      return new Response('Not found', { status: 404 });
    }
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), {
        headers: {
          'content-type': mimeTypeOf(file),
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cross-origin-opener-policy': 'same-origin',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

export function installSessionPolicies(logger: Logger): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const allowed = decidePermissionRequest(permission, {
      requestingUrl: details.requestingUrl ?? webContents?.getURL(),
      mediaTypes: 'mediaTypes' in details ? (details.mediaTypes as Array<'audio' | 'video'> | undefined) : undefined,
      isMainFrame: details.isMainFrame,
    });
    if (!allowed) logger.warn(`denied permission ${permission} for ${details.requestingUrl ?? 'unknown'}`);
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, requestingOrigin, { mediaType: (details as { mediaType?: string }).mediaType }),
  );
  // No page may spawn webviews or load remote content into this session.
  ses.setDevicePermissionHandler(() => false);
}

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
  show: boolean;
  logger: Logger;
  /** Renderer navigated, reloaded or crashed: the IPC adapter queues until its next hello. */
  onRendererGone(): void;
}

function lockDown(contents: WebContents, logger: Logger, onRendererGone: () => void): void {
  contents.on('will-navigate', (event, url) => {
    if (isAllowedNavigation(url)) return;
    event.preventDefault();
    logger.warn(`blocked navigation to ${url}`);
    // A plain https link in a help text: show it in the browser, never in this window.
    if (/^https:\/\//i.test(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn(`blocked window.open(${url})`);
    return { action: 'deny' };
  });
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) onRendererGone();
  });
  contents.on('render-process-gone', (_e, details) => {
    logger.error(`renderer process gone (${details.reason}); reloading`);
    onRendererGone();
    if (details.reason !== 'clean-exit') contents.reload();
  });
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 420,
    height: 720,
    minWidth: 360,
    minHeight: 560,
    show: false,
    title: 'Agent Softphone',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // The ring tone and call audio must keep running while the window is hidden in the tray.
      backgroundThrottling: false,
    },
  });
  lockDown(win.webContents, options.logger, options.onRendererGone);
  if (options.show) win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

/** Brings the window to the front, even past focus-stealing prevention (incoming call, link). */
export function bringToFront(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  // Windows refuses SetForegroundWindow from a background app; a brief always-on-top does it.
  win.setAlwaysOnTop(true);
  win.focus();
  win.moveTop();
  win.setAlwaysOnTop(false);
}
