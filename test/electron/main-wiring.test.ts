// Runs src-main/electron/main.ts against a fake `electron` module: the whole shell wiring
// (window security, app:// protocol, IPC, core in a "utility process", tray, notifications,
// hotkeys, links, quit) without the Electron binary, which cannot be installed here.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, commandSchemas } from '../../shared/protocol';
import type { HostToMain, MainToHost } from '../../src-main/electron/core-host-protocol';
import { serveCoreHost } from '../../src-main/electron/core-host-server';
import { call, FakeCore } from './fake-core';

const h = vi.hoisted(() => ({
  userData: '',
  windows: [] as Array<Record<string, any>>,
  trays: [] as Array<Record<string, any>>,
  notifications: [] as Array<Record<string, any>>,
  forks: [] as string[],
  cores: [] as unknown[],
  shortcuts: new Map<string, () => void>(),
  appListeners: new Map<string, Array<(...a: any[]) => void>>(),
  privileged: [] as unknown[],
  protocolHandlers: new Map<string, (req: { url: string }) => Promise<Response>>(),
  permissionRequest: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, d: Record<string, unknown>) => void),
  ipcMain: undefined as any,
  shownItems: [] as string[],
  exited: [] as number[],
  installs: 0,
  children: [] as EventEmitter[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  const ipcMain = new EE();
  h.ipcMain = ipcMain;
  let nextId = 1;
  class WebContents extends EE {
    id = nextId++;
    sent: Array<[string, unknown]> = [];
    openHandler: ((d: { url: string }) => unknown) | undefined;
    mainFrame = { url: 'app://softphone/index.html', parent: null };
    send(channel: string, data: unknown) {
      this.sent.push([channel, data]);
    }
    setWindowOpenHandler(fn: (d: { url: string }) => unknown) {
      this.openHandler = fn;
    }
    isDestroyed() {
      return false;
    }
    reload() {}
    getURL() {
      return 'app://softphone/index.html';
    }
  }
  class BrowserWindow extends EE {
    webContents = new WebContents();
    shown = 0;
    loaded: string[] = [];
    constructor(readonly options: Record<string, any>) {
      super();
      h.windows.push(this as unknown as Record<string, any>);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {
      this.shown++;
    }
    hide() {}
    focus() {}
    moveTop() {}
    setAlwaysOnTop() {}
  }
  class Tray extends EE {
    images: string[] = [];
    tooltip = '';
    menu: unknown;
    constructor(image: string) {
      super();
      this.images.push(image);
      h.trays.push(this as unknown as Record<string, any>);
    }
    setImage(i: string) {
      this.images.push(i);
    }
    setToolTip(t: string) {
      this.tooltip = t;
    }
    setContextMenu(m: unknown) {
      this.menu = m;
    }
    destroy() {}
  }
  class Notification extends EE {
    shown = false;
    closed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      h.notifications.push(this as unknown as Record<string, any>);
    }
    show() {
      this.shown = true;
    }
    close() {
      this.closed = true;
    }
  }
  const app = Object.assign(new EE(), {
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    getPath: () => h.userData,
    getAppPath: () => process.cwd(),
    getVersion: () => '0.1.0',
    getName: () => 'Agent Softphone',
    whenReady: () => Promise.resolve(),
    setAsDefaultProtocolClient: () => true,
    setLoginItemSettings: () => {},
    quit: () => {
      let prevented = false;
      app.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) app.emit('will-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) h.exited.push(0);
    },
    exit: (code: number) => void h.exited.push(code),
  });
  const origOn = app.on.bind(app);
  app.on = ((event: string, l: (...a: any[]) => void) => {
    h.appListeners.set(event, [...(h.appListeners.get(event) ?? []), l]);
    return origOn(event, l);
  }) as typeof app.on;
  const utilityProcess = {
    fork(modulePath: string) {
      h.forks.push(modulePath);
      const child = new EE() as EventEmitter & { postMessage(m: MainToHost): void; kill(): void };
      const toHost = new Set<(m: MainToHost) => void>();
      child.postMessage = (m) => queueMicrotask(() => toHost.forEach((l) => l(structuredClone(m))));
      child.kill = () => {};
      h.children.push(child);
      const core = new FakeCore();
      h.cores.push(core);
      serveCoreHost(
        {
          postMessage: (m: HostToMain) => queueMicrotask(() => child.emit('message', structuredClone(m))),
          onMessage: (l) => (toHost.add(l), () => toHost.delete(l)),
        },
        async () => core,
      );
      return child;
    },
  };
  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    ipcMain,
    utilityProcess,
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
    dialog: { showErrorBox: () => {} },
    globalShortcut: {
      register: (a: string, cb: () => void) => (h.shortcuts.set(a, cb), true),
      unregister: (a: string) => void h.shortcuts.delete(a),
      unregisterAll: () => h.shortcuts.clear(),
    },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    shell: { showItemInFolder: (p: string) => void h.shownItems.push(p), openExternal: async () => {} },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => void h.privileged.push(s),
      handle: (scheme: string, fn: (req: { url: string }) => Promise<Response>) => void h.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof h.permissionRequest) => void (h.permissionRequest = fn),
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
      },
    },
  };
});

vi.mock('electron-updater', () => {
  const updater = Object.assign(new EventEmitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    allowDowngrade: true,
    channel: null,
    logger: null,
    setFeedURL: () => {},
    checkForUpdates: async () => null,
    quitAndInstall: () => void h.installs++,
  });
  return { default: { autoUpdater: updater } };
});

// Everything here is event-driven; the generous bound only matters on a machine under load.
const waitFor = <T>(check: () => T): Promise<T> => vi.waitFor(check, { timeout: 10_000, interval: 5 });
const core = (): FakeCore => h.cores.at(-1) as FakeCore;
const win = () => h.windows[0]!;
const fromWindow = () => ({ sender: { id: win().webContents.id }, senderFrame: { url: 'app://softphone/index.html', parent: null } });

beforeAll(async () => {
  h.userData = mkdtempSync(join(tmpdir(), 'electron-main-'));
  process.argv = ['electron', '.', 'sip:2000@pbx.example.com'];
  await import('../../src-main/electron/main');
  await waitFor(() => expect(h.ipcMain.listenerCount(`${IPC_COMMAND_PREFIX}hello`)).toBe(1));
});

afterAll(() => {
  rmSync(h.userData, { recursive: true, force: true });
});

describe('Electron main process (fake electron module)', () => {
  it('hosts the core in a utility process and dials the link it was started with', () => {
    expect(h.forks).toHaveLength(1);
    expect(h.forks[0]).toMatch(/core-host\.cjs$/);
    expect(core().methods).toContain('dial:sip:2000@pbx.example.com');
  });

  it('creates one locked-down window on app://', () => {
    expect(h.windows).toHaveLength(1);
    const prefs = win().options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(prefs.preload).toMatch(/preload\.cjs$/);
    expect(win().loaded).toEqual(['app://softphone/index.html']);
    expect(JSON.stringify(h.privileged)).toContain('"scheme":"app"');
    expect(win().webContents.openHandler({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const nav = { prevented: false, preventDefault() { this.prevented = true; } };
    win().webContents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.prevented).toBe(true);
  });

  it('serves the renderer with a CSP and refuses paths outside it', async () => {
    const handler = h.protocolHandlers.get('app')!;
    expect((await handler({ url: 'app://softphone/../../../etc/passwd' })).status).toBe(404);
    expect((await handler({ url: 'app://evil/index.html' })).status).toBe(404);
  });

  it('grants only microphone permission', () => {
    const answers: boolean[] = [];
    h.permissionRequest!(win().webContents, 'media', (ok) => answers.push(ok), { requestingUrl: 'app://softphone/index.html', mediaTypes: ['audio'], isMainFrame: true });
    h.permissionRequest!(win().webContents, 'media', (ok) => answers.push(ok), { requestingUrl: 'app://softphone/index.html', mediaTypes: ['video'], isMainFrame: true });
    h.permissionRequest!(win().webContents, 'geolocation', (ok) => answers.push(ok), { requestingUrl: 'app://softphone/index.html' });
    expect(answers).toEqual([true, false, false]);
  });

  it('relays the protocol over IPC between the window and the core process', async () => {
    for (const type of Object.keys(commandSchemas)) expect(h.ipcMain.listenerCount(`${IPC_COMMAND_PREFIX}${type}`)).toBe(1);
    h.ipcMain.emit(`${IPC_COMMAND_PREFIX}hello`, fromWindow(), { id: 1, payload: { protocol: 1 } });
    await waitFor(() => expect(win().webContents.sent.some(([c, e]: [string, { type: string }]) => c === IPC_EVENT_CHANNEL && e.type === 'snapshot')).toBe(true));
    h.ipcMain.emit(`${IPC_COMMAND_PREFIX}call.dial`, { sender: { id: 999 }, senderFrame: { url: 'app://softphone/index.html', parent: null } }, { id: 2, payload: { target: '1' } });
    h.ipcMain.emit(`${IPC_COMMAND_PREFIX}call.dial`, fromWindow(), { id: 3, payload: { target: '3000' } });
    await waitFor(() => expect(core().handled.some((x) => (x.raw as { id: number }).id === 3)).toBe(true));
    expect(core().handled.some((x) => (x.raw as { id: number }).id === 2)).toBe(false);
  });

  it('shows registration/agent state in the tray and acts on its menu through the core session', async () => {
    const tray = h.trays[0]!;
    expect(tray.images.at(-1)).toMatch(/assets\/tray\/ready\.png$/);
    expect(tray.tooltip).toBe('Agent Softphone — Registered · Ready');
    const lunch = (tray.menu as Array<{ label?: string; submenu?: Array<{ label: string; click(): void }> }>).find((i) => i.submenu)!.submenu!.find((i) => i.label === 'Lunch')!;
    lunch.click();
    await waitFor(() => expect(core().handled.some((x) => (x.raw as { type: string }).type === 'agent.setState')).toBe(true));
    const sent = core().handled.find((x) => (x.raw as { type: string }).type === 'agent.setState')!.raw as { id: number; payload: unknown };
    expect(sent.id).toBeLessThan(0);
    expect(sent.payload).toEqual({ state: 'not-ready', reason: 'Lunch' });
  });

  it('on an incoming call: notification, window to the front, hotkeys answer', async () => {
    const shownBefore = win().shown;
    core().ring(call({ id: 'in-7' }));
    await waitFor(() => expect(h.notifications.some((n) => n.options.body === 'Alice (2000)')).toBe(true));
    expect(win().shown).toBeGreaterThan(shownBefore);
    await waitFor(() => expect(h.trays[0]!.images.at(-1)).toMatch(/ringing\.png$/));
    h.shortcuts.get('CommandOrControl+Shift+A')!();
    h.shortcuts.get('CommandOrControl+Shift+M')!();
    await waitFor(() => expect(core().methods).toEqual(expect.arrayContaining(['answerRinging', 'toggleMute'])));
    core().publish({ ...core().current, calls: [call({ id: 'in-7', state: 'connected' })] });
    await waitFor(() => expect(h.notifications.find((n) => n.options.body === 'Alice (2000)')!.closed).toBe(true));
  });

  it('dials a tel: link from a second instance in the running one', async () => {
    for (const l of h.appListeners.get('second-instance') ?? []) l({}, ['/opt/agent-softphone', '--hidden', 'tel:+1-555-0100'], '/');
    await waitFor(() => expect(core().methods).toContain('dial:+15550100'));
  });

  it('offers "Restart to update" once downloaded and installs only when no call is up', async () => {
    const updater = ((await import('electron-updater')) as unknown as { default: { autoUpdater: EventEmitter } }).default.autoUpdater;
    core().publish({ ...core().current, calls: [call({ id: 'c-up', state: 'connected' })] });
    updater.emit('update-downloaded', { version: '9.9.9' });
    expect(h.notifications.some((n) => String(n.options.title).includes('9.9.9'))).toBe(true);
    const item = () => (h.trays[0]!.menu as Array<{ label?: string; enabled?: boolean; click?: () => void }>).find((i) => i.label?.includes('9.9.9'))!;
    await waitFor(() => expect(item().label).toBe('Update 9.9.9 installs when the call ends'));
    item().click!();
    expect(h.installs).toBe(0);
    core().publish({ ...core().current, calls: [call({ id: 'c-up', state: 'ended' })] });
    await waitFor(() => expect(h.installs).toBe(1));
  });

  it('restarts a crashed call engine, tells the agent, and reconnects the window', async () => {
    const reloads = vi.fn();
    win().webContents.reload = reloads;
    h.children[0]!.emit('exit', 134);
    await waitFor(() => expect(h.forks).toHaveLength(2));
    expect(h.notifications.some((n) => n.options.title === 'Agent Softphone restarted its call engine')).toBe(true);
    await waitFor(() => expect(reloads).toHaveBeenCalled());
    // The reloaded page says hello on a session of the new core.
    h.ipcMain.emit(`${IPC_COMMAND_PREFIX}hello`, fromWindow(), { id: 1, payload: { protocol: 1 } });
    await waitFor(() => expect(core().handled.some((x) => (x.raw as { type: string }).type === 'hello')).toBe(true));
    for (const l of h.appListeners.get('second-instance') ?? []) l({}, ['/opt/agent-softphone', 'callto:4000'], '/');
    await waitFor(() => expect(core().methods).toContain('dial:4000'));
  });

  it('disposes the core when quitting', async () => {
    const { app } = (await import('electron')) as unknown as { app: { quit(): void } };
    app.quit();
    // The first quit is held until the core has unregistered; then the app quits for real.
    expect(h.exited).toEqual([]);
    await waitFor(() => expect(h.exited).toEqual([0]));
    expect(core().methods.at(-1)).toBe('dispose');
    expect(h.shortcuts.size).toBe(0);
  });
});
