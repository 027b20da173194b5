// When and from where the app updates, as IT set it in the profile's `updates` section, and the
// rule that an update never restarts the app during a call. Pure: updater.ts wires it to
// electron-updater.
//
// Staged rollout: IT sets `stagingPercentage` in latest*.yml on the update server.
// electron-updater applies it for every provider, the generic one included
// (AppUpdater.isStagingMatch: the last 4 bytes of the per-install UUID in userData/.updaterId,
// as a fraction of 0xffffffff, must be below the percentage). isWithinStagedRollout mirrors
// that formula so the shell can log/show which side of the rollout this install is on; a test
// runs the real electron-updater against a local server to prove the library honours it.

export interface UpdateSettings {
  enabled?: boolean;
  url?: string;
  checkIntervalMinutes?: number;
  channel?: string;
}

export const DEFAULT_CHECK_INTERVAL_MINUTES = 240;
export const MIN_CHECK_INTERVAL_MINUTES = 5;

export type UpdatePolicy =
  | { enabled: false; reason: string }
  | { enabled: true; feed: { provider: 'generic'; url: string; channel?: string }; intervalMs: number; checkAtStart: true };

export function resolveUpdatePolicy(settings: UpdateSettings | undefined, env: { isPackaged: boolean }): UpdatePolicy {
  if (settings?.enabled === false) return { enabled: false, reason: 'updates are disabled by IT (updates.enabled = false)' };
  if (!env.isPackaged) return { enabled: false, reason: 'this is a development build (not packaged)' };
  const url = settings?.url;
  if (!url) return { enabled: false, reason: 'no update server is configured (updates.url in the profile)' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { enabled: false, reason: `updates.url "${url}" is not a URL` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { enabled: false, reason: `updates.url must be http(s), not ${parsed.protocol}` };
  const minutes = Math.max(MIN_CHECK_INTERVAL_MINUTES, Math.round(settings?.checkIntervalMinutes ?? DEFAULT_CHECK_INTERVAL_MINUTES));
  const feed: { provider: 'generic'; url: string; channel?: string } = { provider: 'generic', url };
  if (settings?.channel) feed.channel = settings.channel;
  return { enabled: true, feed, intervalMs: minutes * 60_000, checkAtStart: true };
}

/** Same decision as electron-updater's isStagingMatch for a UUID staging id. */
export function isWithinStagedRollout(stagingPercentage: number | string | undefined | null, stagingUserId: string): boolean {
  if (stagingPercentage === undefined || stagingPercentage === null) return true;
  const pct = parseInt(String(stagingPercentage), 10);
  if (Number.isNaN(pct)) return true;
  const hex = stagingUserId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return true;
  const value = parseInt(hex.slice(24, 32), 16) / 0xffffffff;
  return value < pct / 100;
}

export type RestartGateState = 'no-update' | 'downloaded' | 'waiting-for-idle' | 'installing';

export interface RestartGateDeps {
  isIdle(): boolean;
  /** autoUpdater.quitAndInstall */
  install(): void;
  log(message: string): void;
}

/**
 * "Restart to update" state machine. An update is installed only on the agent's request (or on
 * quit); if a call is ringing or active then, the restart waits until the core is idle.
 */
export class RestartGate {
  #state: RestartGateState = 'no-update';
  #version: string | undefined;
  readonly #deps: RestartGateDeps;
  readonly #listeners = new Set<(state: RestartGateState) => void>();

  constructor(deps: RestartGateDeps) {
    this.#deps = deps;
  }

  get state(): RestartGateState {
    return this.#state;
  }

  get version(): string | undefined {
    return this.#version;
  }

  onChange(listener: (state: RestartGateState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(state: RestartGateState): void {
    this.#state = state;
    for (const l of this.#listeners) l(state);
  }

  downloaded(version: string): void {
    if (this.#state === 'installing') {
      this.#deps.log(`ignored update-downloaded ${version} while installing`);
      return;
    }
    this.#version = version;
    if (this.#state === 'no-update') this.#set('downloaded');
  }

  requestRestart(): void {
    switch (this.#state) {
      case 'downloaded':
        if (this.#deps.isIdle()) this.#install();
        else {
          this.#deps.log(`restart for update ${this.#version} requested during a call: waiting until idle`);
          this.#set('waiting-for-idle');
        }
        return;
      default:
        this.#deps.log(`ignored restart request in state ${this.#state}`);
    }
  }

  /** Call on every core snapshot. */
  coreChanged(): void {
    if (this.#state === 'waiting-for-idle' && this.#deps.isIdle()) this.#install();
  }

  #install(): void {
    this.#set('installing');
    this.#deps.log(`installing update ${this.#version}`);
    this.#deps.install();
  }
}
