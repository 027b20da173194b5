// @vitest-environment jsdom
// Settings: shown when the profile is not configured, field errors next to their fields,
// IT-locked fields read-only, devices, echo test and diagnostics.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../test-support/fixtures';
import { renderApp } from '../../test-support/render-app';
import { DEVICE_STORAGE_KEY } from '../../store/devices-slice';
import type { MemoryStorage } from '../../test-support/fake-services';

afterEach(cleanup);

function describedBy(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');
}

const unconfigured = makeSnapshot({
  registration: { state: 'unregistered' },
  profile: {
    configured: false,
    source: '/home/agent/profile.json',
    values: { sip: { uri: 'sip:1001' }, media: { rtpPortMin: 80 } },
    hasPassword: false,
    locked: [],
    errors: [
      { field: 'sip.uri', message: 'sip.uri: must be a SIP address like sip:1001@example.com' },
      { field: 'media.rtpPortMin', message: 'media.rtpPortMin: must be 1024 or higher' },
      { field: 'sip.colour', message: 'sip.colour: unknown field' },
    ],
  },
});

describe('settings screen', () => {
  it('opens by itself when the profile is not configured and shows each error next to its field', () => {
    renderApp(unconfigured);
    expect(screen.getByRole('heading', { name: 'Settings' })).toBeTruthy();
    const uri = screen.getByRole('textbox', { name: 'SIP address' });
    expect(uri.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(uri)).toContain('sip.uri: must be a SIP address like sip:1001@example.com');
    const portMin = screen.getByRole('spinbutton', { name: 'RTP port min' });
    expect(describedBy(portMin)).toContain('media.rtpPortMin: must be 1024 or higher');
    // An error for a field the form has no input for is still shown, by name.
    expect(screen.getByRole('alert').textContent).toContain('sip.colour: unknown field');
    // The registration status stays visible.
    expect(screen.getByRole('status').textContent).toBe('Unregistered');
  });

  it('is reachable from the main screen with the Settings button and closes again', async () => {
    const { user } = renderApp();
    expect(screen.queryByRole('heading', { name: 'Settings' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('textbox', { name: 'SIP address' })).toHaveProperty('value', 'sip:1001@testbed.local');
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByRole('textbox', { name: 'Number' })).toBeTruthy();
  });

  it('saves the profile and shows field errors from the result next to the fields', async () => {
    const { user, commands } = renderApp(unconfigured);
    commands.answers.set('profile.save', {
      ok: false,
      error: 'The profile has errors',
      fieldErrors: [{ field: 'sip.localAddress', message: 'sip.localAddress: must be an IPv4 address like 192.168.1.20' }],
    });
    const uri = screen.getByRole('textbox', { name: 'SIP address' });
    await user.clear(uri);
    await user.type(uri, 'sip:1001@testbed.local');
    await user.type(screen.getByLabelText('Password'), 'secret1001');
    await user.type(screen.getByRole('textbox', { name: 'Local address' }), 'localhost');
    const portMin = screen.getByRole('spinbutton', { name: 'RTP port min' });
    await user.clear(portMin);
    await user.type(portMin, '40000');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));

    const saved = commands.ofType('profile.save')[0] as { profile: Record<string, Record<string, unknown>> };
    expect(saved.profile.sip).toEqual({ uri: 'sip:1001@testbed.local', password: 'secret1001', localAddress: 'localhost' });
    expect(saved.profile.media).toEqual({ rtpPortMin: 40000 });
    expect(saved.profile.audio).toEqual({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });

    const local = screen.getByRole('textbox', { name: 'Local address' });
    expect(describedBy(local)).toContain('sip.localAddress: must be an IPv4 address like 192.168.1.20');
    expect(screen.getByText(/Saving failed: The profile has errors/)).toBeTruthy();
  });

  it('keeps the stored password unless a new one is typed', async () => {
    const { user, commands } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const pw = screen.getByLabelText('Password');
    expect(pw.getAttribute('placeholder')).toBe('stored');
    expect(describedBy(pw)).toContain('stored');
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const saved = commands.ofType('profile.save')[0] as { profile: { sip: Record<string, unknown> } };
    expect(saved.profile.sip).not.toHaveProperty('password');
    expect(screen.getByText('Settings saved')).toBeTruthy();
  });

  it('shows fields locked by IT read-only with a note', async () => {
    const snap = makeSnapshot();
    snap.profile.locked = ['sip.uri', 'media'];
    const { user } = renderApp(snap);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    for (const el of [
      screen.getByRole('textbox', { name: 'SIP address' }),
      screen.getByRole('spinbutton', { name: 'RTP port min' }),
      screen.getByRole('spinbutton', { name: 'RTP port max' }),
    ]) {
      expect(el).toHaveProperty('readOnly', true);
      expect(describedBy(el)).toContain('Set by your IT department');
    }
    const auth = screen.getByRole('textbox', { name: 'Auth user' });
    expect(auth).toHaveProperty('readOnly', false);
  });

  it('leaves locked fields out of the save so the core keeps IT values', async () => {
    const snap = makeSnapshot();
    snap.profile.locked = ['sip.outboundProxy', 'behaviour'];
    const { user, commands } = renderApp(snap);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('checkbox', { name: 'Start at login' })).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const saved = commands.ofType('profile.save')[0] as { profile: { sip: Record<string, unknown>; behaviour?: unknown } };
    expect(saved.profile.sip).not.toHaveProperty('outboundProxy');
    expect(saved.profile.sip.uri).toBe('sip:1001@testbed.local');
    expect(saved.profile).not.toHaveProperty('behaviour');
  });
});

describe('devices', () => {
  const devices = [
    { kind: 'audioinput', deviceId: 'default', label: 'Default' },
    { kind: 'audioinput', deviceId: 'mic-a', label: 'Jabra Evolve2 Mic' },
    { kind: 'audioinput', deviceId: 'mic-b', label: 'Laptop Mic' },
    { kind: 'audiooutput', deviceId: 'out-a', label: 'Jabra Evolve2 Speaker' },
    { kind: 'audiooutput', deviceId: 'out-b', label: 'Laptop Speakers' },
  ];

  it('offers Microphone, Speaker and Ringer and applies the choice', async () => {
    const { user, update, services, commands } = renderApp();
    update((s) => s.setMediaDevices(devices));
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const mic = screen.getByRole('combobox', { name: 'Microphone' });
    expect(within(mic).getAllByRole('option').map((o) => o.textContent)).toEqual(['System default', 'Jabra Evolve2 Mic', 'Laptop Mic']);
    await user.selectOptions(mic, 'Jabra Evolve2 Mic');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Speaker' }), 'Laptop Speakers');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Ringer' }), 'Jabra Evolve2 Speaker');

    const media = services.media.current as unknown as { calls: Array<[string, unknown]> };
    expect(media.calls).toContainEqual(['setMicrophone', 'mic-a']);
    expect(media.calls).toContainEqual(['setSpeaker', 'out-b']);
    expect(services.ringerSinks).toEqual(['out-a']);
    // Remembered by name (ids change between sessions) and saved into the profile.
    expect(JSON.parse((services.storage as MemoryStorage).getItem(DEVICE_STORAGE_KEY)!)).toEqual({
      microphone: 'Jabra Evolve2 Mic',
      speaker: 'Laptop Speakers',
      ringer: 'Jabra Evolve2 Speaker',
    });
    // Saving the profile restarts the SIP account, so device picks reach it with the next save.
    expect(commands.ofType('profile.save')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Save profile' }));
    const saves = commands.ofType('profile.save') as Array<{ profile: { devices: unknown; sip: unknown } }>;
    expect(saves.at(-1)!.profile.devices).toEqual({ microphone: 'Jabra Evolve2 Mic', speaker: 'Laptop Speakers', ringer: 'Jabra Evolve2 Speaker' });
    expect(saves.at(-1)!.profile.sip).toEqual(makeSnapshot().profile.values!.sip);
  });

  it('re-applies a remembered device when it is plugged back in', async () => {
    const { user, update, services } = renderApp();
    update((s) => s.setMediaDevices(devices));
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Microphone' }), 'Jabra Evolve2 Mic');
    const media = services.media.current as unknown as { calls: Array<[string, unknown]> };

    update((s) => s.setMediaDevices(devices.filter((d) => !d.label.startsWith('Jabra'))));
    expect(media.calls.at(-1)).toEqual(['setMicrophone', undefined]);
    expect(describedBy(screen.getByRole('combobox', { name: 'Microphone' }))).toContain('Jabra Evolve2 Mic is not connected');

    // Back with a new id, as happens after a replug.
    update((s) => s.setMediaDevices([...devices.slice(0, 1), { kind: 'audioinput', deviceId: 'mic-a2', label: 'Jabra Evolve2 Mic' }]));
    expect(media.calls.at(-1)).toEqual(['setMicrophone', 'mic-a2']);
    expect((screen.getByRole('combobox', { name: 'Microphone' }) as HTMLSelectElement).value).toBe('mic-a2');
  });

  it('has a microphone level meter, a speaker test and an echo test', async () => {
    const { user, commands, services } = renderApp();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('meter', { name: 'Microphone level' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Test speaker' }));
    expect(services.testTones).toEqual([undefined]);
    const echo = screen.getByRole('button', { name: 'Echo test' });
    await user.click(echo);
    expect(echo.getAttribute('aria-pressed')).toBe('true');
    await user.click(echo);
    expect(echo.getAttribute('aria-pressed')).toBe('false');
    expect(commands.sent.map((c) => c.type)).toEqual(['echoTest.start', 'echoTest.stop']);
  });
});

describe('diagnostics', () => {
  it('saves diagnostics and says where', async () => {
    const { user, commands } = renderApp();
    commands.answers.set('diagnostics.save', { ok: true, data: { path: '/home/agent/.agent-softphone/diagnostics-1.tar.gz' } });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.click(screen.getByRole('button', { name: 'Save diagnostics' }));
    expect(commands.ofType('diagnostics.save')).toEqual([{ renderer: { test: true } }]);
    expect(screen.getByText('Diagnostics saved to /home/agent/.agent-softphone/diagnostics-1.tar.gz')).toBeTruthy();
  });
});
