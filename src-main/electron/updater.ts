// Auto-update wiring: electron-updater with the generic provider IT points at in the profile,
// checked at start and on an interval, downloaded in the background, installed only through
// the RestartGate (never during a call) or when the agent quits.
import type { Logger } from '../core/log/logger';
import { RestartGate, resolveUpdatePolicy, type RestartGateState, type UpdatePolicy, type UpdateSettings } from './update-policy';

/** The parts of electron-updater's AppUpdater we use (a fake in tests). */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  /** electron-updater's own log output (checks, staging decision, downloads). */
  logger: { info(m?: unknown): void; warn(m?: unknown): void; error(m?: unknown): void; debug?(m: string): void } | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-available' | 'update-not-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface UpdateControllerDeps {
  updater: AppUpdaterLike;
  isPackaged: boolean;
  isIdle(): boolean;
  logger: Logger;
  setInterval(fn: () => void, ms: number): { unref?(): void } | number;
  clearInterval(handle: unknown): void;
}

export interface UpdateController {
  /** (Re)applies the profile's update settings; safe to call on every settings change. */
  apply(settings: UpdateSettings | undefined): UpdatePolicy;
  checkNow(): void;
  requestRestart(): void;
  /** Call on every core snapshot (lets a waiting restart proceed when the call ends). */
  coreChanged(): void;
  readonly gate: RestartGate;
  onChange(listener: (state: RestartGateState, version: string | undefined) => void): () => void;
  dispose(): void;
}

export function createUpdateController(deps: UpdateControllerDeps): UpdateController {
  const { updater, logger } = deps;
  let timer: unknown;
  let policy: UpdatePolicy = { enabled: false, reason: 'not configured yet' };
  let feedKey = '';
  const gate = new RestartGate({
    isIdle: deps.isIdle,
    install: () => updater.quitAndInstall(false, true),
    log: (m) => logger.info(m),
  });

  // Its lines (incl. "Staging percentage: ..., user id: ...") go to our rotated, redacted logs.
  updater.logger = {
    info: (m) => logger.info(String(m)),
    warn: (m) => logger.warn(String(m)),
    error: (m) => logger.error(String(m)),
    debug: (m) => logger.debug(m),
  };
  updater.autoDownload = true;
  // Quitting is the agent's choice, not a restart during a call; the installer runs then.
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  updater.on('update-available', (info) => logger.info(`update ${info.version} available; downloading`));
  updater.on('update-not-available', (info) => logger.info(`no update (server has ${info.version})`));
  updater.on('update-downloaded', (info) => gate.downloaded(info.version));
  updater.on('error', (err) => logger.warn(`update check failed: ${err.message}`));

  const check = (): void => {
    if (!policy.enabled) return;
    updater.checkForUpdates().catch((err: unknown) => logger.warn(`update check failed: ${err instanceof Error ? err.message : String(err)}`));
  };

  const stopTimer = (): void => {
    if (timer !== undefined) deps.clearInterval(timer);
    timer = undefined;
  };

  return {
    apply(settings) {
      const next = resolveUpdatePolicy(settings, { isPackaged: deps.isPackaged });
      const key = JSON.stringify(next);
      if (key === feedKey) return policy;
      feedKey = key;
      policy = next;
      stopTimer();
      if (!next.enabled) {
        logger.info(`automatic updates off: ${next.reason}`);
        return policy;
      }
      updater.setFeedURL(next.feed);
      if (next.feed.channel) updater.channel = next.feed.channel;
      logger.info(`automatic updates from ${next.feed.url} every ${next.intervalMs / 60_000} min`);
      if (next.checkAtStart) check();
      const handle = deps.setInterval(check, next.intervalMs);
      if (typeof handle === 'object') handle.unref?.();
      timer = handle;
      return policy;
    },
    checkNow: check,
    requestRestart: () => gate.requestRestart(),
    coreChanged: () => gate.coreChanged(),
    gate,
    onChange: (listener) => gate.onChange((state) => listener(state, gate.version)),
    dispose: stopTimer,
  };
}
