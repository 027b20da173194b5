// Electron main process: app lifecycle, the one window, tray, notifications, hotkeys,
// tel:/sip:/callto: links, start at login, auto-update, and where the core runs.
//
// WHERE THE CORE RUNS: a utilityProcess (core-host.ts), not this main process.
// Measured (bench/core-event-loop.ts: the real gateway relaying N calls both ways, renderer
// and far ends in another process, event-loop delay vs an idle baseline in the same run, on a
// shared 2-core machine): 20 calls cost 12-14 % of one core and leave the median lag
// unchanged, but the worst stalls grow (max 76 ms vs 30 ms idle; p99 42 ms vs 22 ms when the
// machine is busy). In Electron's main process every such stall delays IPC to the window,
// tray and menu clicks, hotkeys and notification actions - the things an agent uses to answer
// a call. A utilityProcess keeps them out of that loop, and it isolates failures: a crash or
// runaway in the SIP/media stack ends only that process, which the shell restarts (the agent
// is told; the window reloads and signs in again) instead of taking the app down. The cost is
// one structured-clone hop main <-> utility for signaling messages (a few per call, well
// under a millisecond) and secrets proxied to safeStorage here. The CPU numbers also say the
// main process would cope with the 1-2 calls an agent has; `--core-in-main` runs it there
// (one process to debug) and the IPC adapter works the same with either host.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, globalShortcut, ipcMain, Menu, Notification, safeStorage, shell, Tray, utilityProcess, type UtilityProcess } from 'electron';
import electronUpdater from 'electron-updater';
import { findDialLinkInArgs, parseDialLink, type DialTarget } from '../../shared/dial-target';
import type { CommandType } from '../../shared/protocol';
import type { CallSnapshot } from '../../shared/types';
import { LogHub, stderrSink } from '../core/log/logger';
import { createRotatingFileSink } from '../core/log/file-sink';
import type { CoreHostInit, HostToMain, MainToHost, MessagePortLike } from './core-host-protocol';
import type { ShellCore } from './core-port';
import { registerHotkeys, resolveHotkeys } from './hotkeys';
import { createIpcAdapter, type IpcAdapter, type IpcMainLike, type ShellCommandResult } from './ipc-adapter';
import { applyStartAtLogin, HIDDEN_ARG } from './login-item';
import { showIncomingCallNotification } from './notifications';
import { startRemoteCore, type RemoteCore } from './remote-core';
import { createSafeStorageSecretStore } from './secret-store';
import { isTrustedIpcSender } from './security';
import { changedSettings, shellSettingsFrom, type ShellSettings } from './shell-settings';
import { createTrayController } from './tray';
import { buildTrayModel, type TrayAction, type TrayIconName } from './tray-model';
import { createUpdateController, type UpdateController } from './updater';
import { bringToFront, createMainWindow, installSessionPolicies, registerAppScheme, serveRenderer } from './window';

const LINK_SCHEMES = ['tel', 'sip', 'callto'] as const;
const CORE_RESTARTS_ALLOWED = 3;

interface Flags {
  profilePath?: string;
  coreInMain: boolean;
  hidden: boolean;
  link?: DialTarget;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { coreInMain: false, hidden: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--profile') flags.profilePath = argv[++i];
    else if (a.startsWith('--profile=')) flags.profilePath = a.slice('--profile='.length);
    else if (a === '--core-in-main') flags.coreInMain = true;
    else if (a === HIDDEN_ARG) flags.hidden = true;
  }
  const link = findDialLinkInArgs(argv.slice(1));
  if (link) flags.link = link;
  return flags;
}

const APP_USER_MODEL_ID = 'com.agentsoftphone.desktop'; // = appId in electron-builder.yml
const flags = parseFlags(process.argv);
// Windows shows toasts (incoming call) only for an app id that matches the installer's shortcut.
if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
// A separate profile directory per agent on shared machines (and per test run): set before
// the single-instance lock, which is per userData directory.
if (process.env.SOFTPHONE_USER_DATA) app.setPath('userData', process.env.SOFTPHONE_USER_DATA);
const logHub = new LogHub();
const log = logHub.logger('shell');

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // The running instance gets our argv in 'second-instance' (a tel: link, --profile ...).
  app.quit();
} else {
  void main().catch((err: unknown) => {
    log.error('startup failed', err);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Agent Softphone could not start: ${message}\n`);
    dialog.showErrorBox('Agent Softphone could not start', `${message}\n\nThe log files are in ${app.getPath('userData')}/logs. Send them to your IT team.`);
    app.exit(1);
  });
}

async function main(): Promise<void> {
  const userData = app.getPath('userData');
  const logDir = join(userData, 'logs');
  logHub.addSink(createRotatingFileSink({ dir: logDir }).sink);
  if (process.env.SOFTPHONE_LOG_STDERR === '1') logHub.addSink(stderrSink);

  registerLinkSchemes();

  let window: BrowserWindow | undefined;
  let core: ShellCore | undefined;
  let remote: RemoteCore | undefined;
  let host: UtilityProcess | undefined;
  let adapter: IpcAdapter | undefined;
  let quitting = false;
  let restarts = 0;
  const pendingLinks: DialTarget[] = flags.link ? [flags.link] : [];
  const ringingNotifications = new Map<string, () => void>();
  const cleanups: Array<() => void> = [];
  let coreCleanups: Array<() => void> = [];
  let settings: ShellSettings | undefined;
  let hotkeys: { dispose(): void } | undefined;

  app.on('second-instance', (_event, argv) => {
    const link = findDialLinkInArgs(argv.slice(1));
    if (link) dialLink(link);
    else showWindow();
  });
  app.on('open-url', (event, url) => {
    // macOS delivers protocol links here (also before 'ready').
    event.preventDefault();
    const link = parseDialLink(url);
    if (link) dialLink(link);
    else log.warn(`ignored a link that is not a dialable tel:/sip:/callto: address`);
  });

  await app.whenReady();
  // No menu bar on Windows/Linux; macOS needs the app and Edit menus or Cmd+V into the dial box stops working.
  Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null);
  installSessionPolicies(log.child('security'));
  serveRenderer(join(app.getAppPath(), 'dist', 'renderer'), log.child('protocol'));

  const secretStore = createSafeStorageSecretStore({ safeStorage, file: join(userData, 'secrets.json'), platform: process.platform });
  const init: CoreHostInit = {
    dataDir: userData,
    logDir,
    ...(flags.profilePath ? { profilePath: flags.profilePath } : {}),
    app: { shell: 'electron', version: app.getVersion(), versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node } },
  };

  const startCore = async (): Promise<ShellCore> => {
    if (flags.coreInMain) {
      const { createCore } = await import('../core/index');
      return createCore({ ...init, logHub, secretStore });
    }
    host = utilityProcess.fork(join(__dirname, 'core-host.cjs'), [], { serviceName: 'Agent Softphone call engine', stdio: 'inherit' });
    const child = host;
    const port: MessagePortLike<HostToMain, MainToHost> = {
      postMessage: (m) => child.postMessage(m),
      onMessage: (listener) => {
        const l = (m: unknown): void => listener(m as HostToMain);
        child.on('message', l);
        return () => child.off('message', l);
      },
    };
    child.once('exit', (code) => onCoreExit(code));
    remote = await startRemoteCore(port, init, secretStore);
    return remote;
  };

  const onCoreExit = (code: number): void => {
    remote?.markGone(`exit code ${code}`);
    if (quitting) return;
    log.error(`call engine exited with code ${code}`);
    if (restarts >= CORE_RESTARTS_ALLOWED) {
      new Notification({ title: 'Agent Softphone stopped working', body: 'The call engine keeps stopping. Save diagnostics from the tray menu and contact IT, then restart the app.' }).show();
      return;
    }
    restarts++;
    new Notification({ title: 'Agent Softphone restarted its call engine', body: 'Calls in progress were lost. You are being signed in again.' }).show();
    startCore().then(
      (next) => {
        wireCore(next);
        adapter?.setCore(next);
        window?.webContents.reload();
      },
      (err: unknown) => log.error('call engine restart failed', err),
    );
  };

  // Shell notices before the IPC adapter exists (hotkeys applied at start) wait for it.
  const earlyNotices: Array<['info' | 'warning' | 'error', string]> = [];
  const notice = (level: 'info' | 'warning' | 'error', message: string): void => {
    if (adapter) adapter.notice(level, message);
    else earlyNotices.push([level, message]);
  };

  const showWindow = (): void => {
    if (window && !window.isDestroyed()) bringToFront(window);
  };

  // Tray and notification buttons act through the renderer's core session (see IpcAdapter.command).
  const sendShellCommand = (type: CommandType, payload: unknown): Promise<ShellCommandResult> => {
    if (!adapter) return Promise.resolve({ ok: false, error: 'the app is still starting' });
    return adapter.command(type, payload).then((result) => {
      if (!result.ok) log.warn(`${type} from the tray/notification failed: ${result.error ?? 'unknown error'}`);
      return result;
    });
  };

  const saveDiagnostics = async (): Promise<void> => {
    const result = await sendShellCommand('diagnostics.save', {});
    const data = result.data as { path?: unknown } | undefined;
    if (result.ok && typeof data?.path === 'string') shell.showItemInFolder(data.path);
    else new Notification({ title: 'Diagnostics were not saved', body: result.error ?? 'Unknown error. Try again from the Settings screen.' }).show();
  };

  const dialLink = (link: DialTarget): void => {
    showWindow();
    if (!core) {
      pendingLinks.push(link);
      return;
    }
    log.info(`dialing from a ${link.scheme}: link`);
    core.dial(link.target).catch((err: unknown) => log.warn('dial from link failed', err));
  };

  const onTrayAction = (action: TrayAction): void => {
    switch (action.kind) {
      case 'show':
        return showWindow();
      case 'answer':
        void sendShellCommand('call.answer', { callId: action.callId });
        return;
      case 'decline':
        void sendShellCommand('call.decline', { callId: action.callId, reason: 'decline' });
        return;
      case 'hangup':
        void sendShellCommand('call.hangup', { callId: action.callId });
        return;
      case 'mute':
        void sendShellCommand('call.mute', { callId: action.callId, mute: action.mute });
        return;
      case 'agent':
        void sendShellCommand('agent.setState', { state: action.state, ...(action.reason ? { reason: action.reason } : {}) });
        return;
      case 'save-diagnostics':
        void saveDiagnostics();
        return;
      case 'restart-to-update':
        updates.requestRestart();
        return;
      case 'quit':
        app.quit();
        return;
    }
  };

  const trayIcon = (name: TrayIconName): string => assetPath('tray', `${name}.png`);
  const tray = createTrayController({
    tray: new Tray(trayIcon('offline')),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    iconPath: trayIcon,
    onAction: onTrayAction,
  });
  cleanups.push(() => tray.dispose());

  const updates: UpdateController = createUpdateController({
    updater: electronUpdater.autoUpdater,
    isPackaged: app.isPackaged,
    isIdle: () => core?.isIdle() ?? true,
    logger: log.child('update'),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  });
  cleanups.push(() => updates.dispose());
  cleanups.push(
    updates.onChange((state, version) => {
      if (state === 'downloaded') {
        new Notification({ title: `Agent Softphone ${version ?? ''} is ready to install`, body: 'Choose "Restart to update" in the tray menu. It waits until your calls have ended.' }).show();
      }
      if (core) renderTray();
    }),
  );

  const renderTray = (): void => {
    if (!core) return;
    tray.render(buildTrayModel(core.snapshot(), { ...(updates.gate.version ? { readyVersion: updates.gate.version } : {}), waitingForIdle: updates.gate.state === 'waiting-for-idle' }));
  };

  const applySettings = (next: ShellSettings): void => {
    const changed = changedSettings(settings, next);
    settings = next;
    if (changed.includes('hotkeys')) {
      hotkeys?.dispose();
      const { bindings, errors } = resolveHotkeys(next.hotkeys);
      for (const e of errors) {
        log.warn(`hotkey not used: ${e.message}`);
        notice('warning', `Hotkey not used: ${e.message}. Fix it in Settings.`);
      }
      const registered = registerHotkeys(globalShortcut, bindings, {
        answer: () => void core?.answerRinging().catch((err: unknown) => log.warn('answer hotkey failed', err)),
        hangup: () => void core?.hangupActive().catch((err: unknown) => log.warn('hang up hotkey failed', err)),
        mute: () => void core?.toggleMute().catch((err: unknown) => log.warn('mute hotkey failed', err)),
      });
      for (const f of registered.failed) {
        const message = `The hotkey ${f.accelerator} (${f.action === 'hangup' ? 'hang up' : f.action}) is used by another application; choose another one in Settings.`;
        log.warn(message);
        notice('warning', message);
      }
      hotkeys = registered;
    }
    if (changed.includes('startAtLogin') && app.isPackaged) {
      try {
        applyStartAtLogin(next.startAtLogin, {
          platform: process.platform,
          setLoginItemSettings: (s) => app.setLoginItemSettings(s),
          configDir: process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'),
          execPath: process.env.APPIMAGE ?? process.execPath,
        });
      } catch (err) {
        log.warn('could not change start at login', err);
      }
    }
    if (changed.includes('updates')) updates.apply(next.updates);
  };

  const onIncomingCall = (call: CallSnapshot): void => {
    ringingNotifications.get(call.id)?.();
    ringingNotifications.set(
      call.id,
      showIncomingCallNotification(
        (spec) => new Notification({ ...spec, actions: spec.actions.map((text) => ({ type: 'button' as const, text })) }), call, process.platform, {
        answer: (callId) => void sendShellCommand('call.answer', { callId }),
        decline: (callId) => void sendShellCommand('call.decline', { callId, reason: 'decline' }),
        show: showWindow,
      }),
    );
    if (settings?.bringToFrontOnRing ?? true) showWindow();
  };

  const wireCore = (next: ShellCore): void => {
    for (const c of coreCleanups.splice(0)) c();
    core = next;
    coreCleanups.push(
      next.on('snapshot', (s) => {
        for (const [callId, close] of ringingNotifications) {
          if (!s.calls.some((c) => c.id === callId && c.state === 'ringing')) {
            close();
            ringingNotifications.delete(callId);
          }
        }
        applySettings(shellSettingsFrom(s));
        updates.coreChanged();
        renderTray();
      }),
    );
    coreCleanups.push(next.on('incomingCall', onIncomingCall));
    applySettings(shellSettingsFrom(next.snapshot()));
    renderTray();
  };

  wireCore(await startCore());

  window = createMainWindow({
    preloadPath: join(__dirname, 'preload.cjs'),
    iconPath: assetPath('icons', '512x512.png'),
    show: !flags.hidden,
    logger: log.child('window'),
    onRendererGone: () => adapter?.rendererGone(),
  });
  const win = window;
  win.on('close', (event) => {
    // Closing the window keeps the app in the tray so calls still ring.
    if (!quitting) {
      event.preventDefault();
      win.hide();
    }
  });

  adapter = createIpcAdapter({
    ipcMain: ipcMain as unknown as IpcMainLike,
    core: core!,
    isTrustedSender: (event) => isTrustedIpcSender(event, win.isDestroyed() ? undefined : win.webContents.id),
    deliver: (channel, event) => {
      if (win.isDestroyed() || win.webContents.isDestroyed()) return false;
      win.webContents.send(channel, event);
      return true;
    },
    logger: log.child('ipc'),
  });

  for (const [level, message] of earlyNotices.splice(0)) adapter.notice(level, message);
  for (const link of pendingLinks.splice(0)) dialLink(link);

  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // Stay alive in the tray (also on Windows/Linux): an agent must not miss calls.
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    const closing = core;
    core = undefined;
    globalShortcut.unregisterAll();
    hotkeys?.dispose();
    for (const close of ringingNotifications.values()) close();
    adapter?.dispose();
    for (const c of coreCleanups.splice(0)) c();
    for (const c of cleanups.splice(0)) c();
    // Unregister from SIP and close sockets before exiting, bounded so quit never hangs.
    // Quit again (core is now undefined, so this handler lets it through) rather than app.exit():
    // the normal path emits 'quit', where electron-updater installs a downloaded update.
    const done = (): void => {
      host?.kill();
      app.quit();
    };
    const timer = setTimeout(done, 5000);
    closing.dispose().finally(() => {
      clearTimeout(timer);
      done();
    });
  });
}

function registerLinkSchemes(): void {
  for (const scheme of LINK_SCHEMES) {
    // In development the OS must launch electron with our app path; packaged apps register themselves.
    const ok = process.defaultApp && process.argv[1]
      ? app.setAsDefaultProtocolClient(scheme, process.execPath, [process.argv[1]])
      : app.setAsDefaultProtocolClient(scheme);
    if (!ok) log.info(`not registered as the ${scheme}: handler (the OS or IT policy decides)`);
  }
}

function assetPath(...parts: string[]): string {
  // Packaged: extraResources copies assets/ next to app.asar; in development it is in the repo.
  if (app.isPackaged) {
    const packaged = join(process.resourcesPath, 'assets', ...parts);
    if (existsSync(packaged)) return packaged;
  }
  return join(app.getAppPath(), 'assets', ...parts);
}
