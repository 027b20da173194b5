import { describe, expect, it } from 'vitest';
import { IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, PROTOCOL_VERSION, commandSchemas, type CoreEvent } from '../../shared/protocol';
import { nullLogger } from '../../src-main/core/log/logger';
import { createIpcAdapter, type IpcEventLike, type IpcListener, type IpcMainLike } from '../../src-main/electron/ipc-adapter';
import { createSoftphoneBridge, type IpcRendererLike } from '../../src-main/electron/preload-bridge';
import { APP_ENTRY_URL, isTrustedIpcSender } from '../../src-main/electron/security';
import { FakeCore, snapshot } from './fake-core';

const WINDOW_ID = 7;

class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, IpcListener>();
  on(channel: string, listener: IpcListener): void {
    this.listeners.set(channel, listener);
  }
  removeListener(channel: string, listener: IpcListener): void {
    if (this.listeners.get(channel) === listener) this.listeners.delete(channel);
  }
  emit(channel: string, event: IpcEventLike, message: unknown): void {
    this.listeners.get(channel)?.(event, message);
  }
}

const fromApp: IpcEventLike = { sender: { id: WINDOW_ID }, senderFrame: { url: APP_ENTRY_URL, parent: null } };

function setup() {
  const ipcMain = new FakeIpcMain();
  const core = new FakeCore();
  const delivered: CoreEvent[] = [];
  let alive = true;
  const adapter = createIpcAdapter({
    ipcMain,
    core,
    isTrustedSender: (e) => isTrustedIpcSender(e, WINDOW_ID),
    deliver: (channel, event) => {
      expect(channel).toBe(IPC_EVENT_CHANNEL);
      if (!alive) return false;
      delivered.push(event);
      return true;
    },
    logger: nullLogger,
  });
  const send = (type: string, message: unknown, event: IpcEventLike = fromApp) => ipcMain.emit(`${IPC_COMMAND_PREFIX}${type}`, event, message);
  return { ipcMain, core, delivered, adapter, send, kill: () => (alive = false), revive: () => (alive = true) };
}

describe('IPC adapter', () => {
  it('listens on one channel per protocol command and removes them on dispose', () => {
    const { ipcMain, adapter } = setup();
    expect([...ipcMain.listeners.keys()].sort()).toEqual(Object.keys(commandSchemas).map((t) => `${IPC_COMMAND_PREFIX}${t}`).sort());
    adapter.dispose();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('queues core events until the renderer says hello, then flushes them in order before the hello answer', () => {
    const { core, delivered, send, adapter } = setup();
    core.emitTo(1, { type: 'notice', payload: { level: 'warning', message: 'first' } });
    core.emitTo(1, { type: 'notice', payload: { level: 'info', message: 'second' } });
    expect(delivered).toEqual([]);
    expect(adapter.queued()).toBe(2);
    send('hello', { id: 1, payload: { protocol: PROTOCOL_VERSION } });
    expect(delivered.map((e) => (e.type === 'notice' ? e.payload.message : e.type))).toEqual(['first', 'second', 'snapshot', 'result']);
    expect(adapter.ready).toBe(true);
  });

  it('passes validated commands to the core and answers invalid payloads without reaching it', () => {
    const { core, delivered, send } = setup();
    send('hello', { id: 1, payload: { protocol: 1 } });
    send('call.dial', { id: 2, payload: { target: ' 2000 ' } });
    expect(core.handled.at(-1)!.raw).toEqual({ type: 'call.dial', id: 2, payload: { target: '2000' } });
    const before = core.handled.length;
    send('call.dtmf', { id: 3, payload: { callId: 'c1', digits: 'rm -rf' } });
    send('call.dial', { id: 4, payload: { target: 'x', extra: true } });
    send('call.dial', 'not an object');
    expect(core.handled).toHaveLength(before);
    const errors = delivered.filter((e) => e.type === 'result' && !e.payload.ok).map((e) => (e.type === 'result' ? e.payload : undefined));
    expect(errors.map((e) => e!.id)).toEqual([3, 4]);
    expect(errors[0]!.error).toMatch(/invalid call\.dtmf: digits/);
  });

  it('ignores messages from other windows, subframes and foreign origins', () => {
    const { core, send } = setup();
    const bad: IpcEventLike[] = [
      { sender: { id: 99 }, senderFrame: { url: APP_ENTRY_URL, parent: null } },
      { sender: { id: WINDOW_ID }, senderFrame: { url: APP_ENTRY_URL, parent: {} } },
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'https://evil.example/index.html', parent: null } },
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'file:///tmp/index.html', parent: null } },
      { sender: { id: WINDOW_ID }, senderFrame: null },
    ];
    for (const e of bad) send('call.dial', { id: 1, payload: { target: '2000' } }, e);
    expect(core.handled).toEqual([]);
  });

  it('queues again while the renderer reloads and starts a fresh core session on the next hello', () => {
    const { core, delivered, send, adapter } = setup();
    send('hello', { id: 1, payload: { protocol: 1 } });
    adapter.rendererGone();
    expect(core.detached).toEqual([1]);
    core.publish(snapshot({ seq: 5 }));
    expect(delivered.filter((e) => e.type === 'snapshot' && e.payload.seq === 5)).toEqual([]);
    send('hello', { id: 1, payload: { protocol: 1 } });
    expect(core.handled.at(-1)!.session).toBe(2);
    expect(delivered.some((e) => e.type === 'snapshot' && e.payload.seq === 5)).toBe(true);
  });

  it('keeps events that could not be delivered (renderer crashed) for the next page', () => {
    const { core, delivered, send, kill, revive } = setup();
    send('hello', { id: 1, payload: { protocol: 1 } });
    kill();
    core.emitTo(1, { type: 'notice', payload: { level: 'info', message: 'while gone' } });
    revive();
    send('hello', { id: 2, payload: { protocol: 1 } });
    expect(delivered.some((e) => e.type === 'snapshot')).toBe(true);
  });
});

describe('preload bridge <-> IPC adapter', () => {
  it('exposes exactly one invoke function per command and delivers events to subscribers', () => {
    const ipcMain = new FakeIpcMain();
    const core = new FakeCore();
    const rendererListeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
    createIpcAdapter({
      ipcMain,
      core,
      isTrustedSender: (e) => isTrustedIpcSender(e, WINDOW_ID),
      deliver: (channel, event) => {
        for (const l of rendererListeners.get(channel) ?? []) l({ senderFrame: 'internals the page must not get' }, event);
        return true;
      },
      logger: nullLogger,
    });
    const ipcRenderer: IpcRendererLike = {
      send: (channel, message) => ipcMain.emit(channel, fromApp, message),
      on: (channel, l) => {
        if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
        rendererListeners.get(channel)!.add(l);
      },
      removeListener: (channel, l) => rendererListeners.get(channel)?.delete(l),
    };
    const bridge = createSoftphoneBridge(ipcRenderer, Object.keys(commandSchemas) as never);
    expect(Object.keys(bridge.invoke).sort()).toEqual(Object.keys(commandSchemas).sort());
    expect(Object.isFrozen(bridge.invoke)).toBe(true);
    const seen: unknown[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    bridge.invoke.hello({ id: 1, payload: { protocol: PROTOCOL_VERSION } });
    expect(seen).toEqual([{ type: 'snapshot', payload: core.current }, { type: 'result', payload: { id: 1, ok: true } }]);
    bridge.invoke['call.dial']({ id: 9, payload: { target: '2000' }, extra: 'dropped' } as never);
    expect(core.handled.at(-1)!.raw).toEqual({ type: 'call.dial', id: 9, payload: { target: '2000' } });
    core.emitTo(1, { type: 'ring', payload: { callId: 'c', ringing: true } });
    expect(seen.at(-1)).toEqual({ type: 'ring', payload: { callId: 'c', ringing: true } });
    const count = seen.length;
    off();
    core.emitTo(1, { type: 'ring', payload: { callId: 'c', ringing: false } });
    expect(seen).toHaveLength(count);
  });
});

describe('shell commands on the renderer session', () => {
  it('sends tray/notification commands with negative ids and keeps their results from the renderer', async () => {
    const { core, delivered, send, adapter } = setup();
    send('hello', { id: 1, payload: { protocol: 1 } });
    const result = await adapter.command('agent.setState', { state: 'not-ready', reason: 'Lunch' });
    expect(result).toEqual({ ok: true });
    expect(core.handled.at(-1)!.raw).toEqual({ type: 'agent.setState', id: -1, payload: { state: 'not-ready', reason: 'Lunch' } });
    expect(delivered.filter((e) => e.type === 'result' && e.payload.id < 0)).toEqual([]);
    expect(await adapter.command('call.answer', { callId: '' })).toMatchObject({ ok: false, error: expect.stringContaining('invalid call.answer') });
  });
});

describe('shell notices', () => {
  it('queues a shell notice until the renderer is ready, then shows it like a core notice', () => {
    const { delivered, send, adapter } = setup();
    adapter.notice('warning', 'The hotkey Control+Shift+H (hang up) is used by another application; choose another one in Settings.');
    expect(delivered).toEqual([]);
    send('hello', { id: 1, payload: { protocol: 1 } });
    expect(delivered[0]).toEqual({ type: 'notice', payload: { level: 'warning', message: expect.stringContaining('Control+Shift+H') } });
  });
});

describe('bridge contract with the renderer', () => {
  it('the preload bridge has the type the renderer signaling client expects', () => {
    type RendererBridge = import('../../src-renderer/signaling/transport').SoftphoneBridge;
    const ipc: IpcRendererLike = { send: () => {}, on: () => {}, removeListener: () => {} };
    // Compile-time check (tsc in npm test): assignable both ways.
    const asRenderer: RendererBridge = createSoftphoneBridge(ipc, Object.keys(commandSchemas) as never);
    const back: ReturnType<typeof createSoftphoneBridge> = asRenderer;
    expect(typeof back.onEvent).toBe('function');
  });
});
