import { describe, expect, it, vi } from 'vitest';
import { createTrayController, toMenuTemplate } from '../../src-main/electron/tray';
import { buildTrayModel, type TrayItem } from '../../src-main/electron/tray-model';
import { call, snapshot } from './fake-core';

const labels = (items: TrayItem[]) => items.filter((i) => i.type !== 'separator').map((i) => ('label' in i ? i.label : ''));

describe('tray model', () => {
  it('shows registration and agent state in icon and tooltip', () => {
    expect(buildTrayModel(snapshot())).toMatchObject({ icon: 'ready', tooltip: 'Agent Softphone — Registered · Ready' });
    expect(buildTrayModel(snapshot({ agent: { state: 'not-ready', reason: 'Lunch', since: 0 } }))).toMatchObject({
      icon: 'not-ready',
      tooltip: 'Agent Softphone — Registered · Not Ready (Lunch)',
    });
    expect(buildTrayModel(snapshot({ registration: { state: 'registering' } })).icon).toBe('registering');
    const failed = buildTrayModel(snapshot({ registration: { state: 'failed', reason: '401 Unauthorized — check the password in Settings' } }));
    expect(failed.icon).toBe('offline');
    expect(failed.tooltip).toBe('Agent Softphone — Registration failed: 401 Unauthorized — check the password in Settings');
    // Agent states cannot be changed while not registered.
    const ready = failed.items.find((i) => i.type === 'radio' && i.label === 'Ready');
    expect(ready).toMatchObject({ enabled: false });
  });

  it('offers Answer/Decline while ringing and Hang up/Mute during a call', () => {
    const ringing = buildTrayModel(snapshot({ calls: [call()] }));
    expect(ringing.icon).toBe('ringing');
    expect(ringing.tooltip).toContain('Incoming call from Alice (2000)');
    expect(labels(ringing.items)).toContain('Answer Alice (2000)');
    expect(ringing.items).toContainEqual({ type: 'normal', label: 'Decline', enabled: true, action: { kind: 'decline', callId: 'call-1' } });
    const inCall = buildTrayModel(snapshot({ calls: [call({ state: 'connected', muted: true })] }));
    expect(inCall.icon).toBe('busy');
    expect(inCall.items).toContainEqual({ type: 'normal', label: 'Unmute', enabled: true, action: { kind: 'mute', callId: 'call-1', mute: false } });
    expect(labels(inCall.items)).toContain('Hang up');
    expect(labels(buildTrayModel(snapshot({ calls: [call({ state: 'ended' })] })).items)).not.toContain('Hang up');
  });

  it('offers the Not Ready reasons and "Restart to update" only when idle', () => {
    const model = buildTrayModel(snapshot({ agent: { state: 'not-ready', reason: 'Break', since: 0 } }), { readyVersion: '1.2.3' });
    const sub = model.items.find((i) => i.type === 'submenu');
    expect(sub && sub.type === 'submenu' && sub.items.filter((i) => i.type === 'radio' && i.checked).map((i) => ('label' in i ? i.label : ''))).toEqual(['Break']);
    expect(model.items).toContainEqual({ type: 'normal', label: 'Restart to update (1.2.3)', enabled: true, action: { kind: 'restart-to-update' } });
    const busy = buildTrayModel(snapshot({ calls: [call({ state: 'connected' })] }), { readyVersion: '1.2.3', waitingForIdle: true });
    expect(busy.items).toContainEqual({ type: 'normal', label: 'Update 1.2.3 installs when the call ends', enabled: false, action: { kind: 'restart-to-update' } });
    expect(labels(buildTrayModel(snapshot()).items).some((l) => l.includes('update'))).toBe(false);
  });

  it('becomes an Electron menu whose clicks dispatch the actions, rebuilt only on change', () => {
    const actions: unknown[] = [];
    const template = toMenuTemplate(buildTrayModel(snapshot({ calls: [call()] })).items, (a) => actions.push(a));
    const answer = template.find((t) => t.label === 'Answer Alice (2000)')!;
    (answer.click as () => void)();
    expect(actions).toEqual([{ kind: 'answer', callId: 'call-1' }]);
    const tray = { setImage: vi.fn(), setToolTip: vi.fn(), setContextMenu: vi.fn(), on: vi.fn(), destroy: vi.fn() };
    const controller = createTrayController({ tray, buildMenu: (t) => t, iconPath: (n) => `/icons/${n}.png`, onAction: () => {} });
    controller.render(buildTrayModel(snapshot()));
    controller.render(buildTrayModel(snapshot({ seq: 2 })));
    expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
    expect(tray.setImage).toHaveBeenCalledWith('/icons/ready.png');
    controller.render(buildTrayModel(snapshot({ registration: { state: 'unregistered' } })));
    expect(tray.setImage).toHaveBeenLastCalledWith('/icons/offline.png');
  });
});
