import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTKEYS, registerHotkeys, resolveHotkeys, validateAccelerator } from '../../src-main/electron/hotkeys';

describe('hotkey validation', () => {
  it.each([
    ['ctrl+shift+a', 'Control+Shift+A'],
    ['CmdOrCtrl+Alt+F5', 'CommandOrControl+Alt+F5'],
    ['Super+Space', 'Super+Space'],
    ['Control++', 'Control+Plus'],
    ['MediaPlayPause', 'MediaPlayPause'],
    ['F13', 'F13'],
    [' Alt + 1 ', 'Alt+1'],
  ])('%s -> %s', (input, expected) => {
    expect(validateAccelerator(input)).toEqual({ ok: true, accelerator: expected });
  });

  it.each([
    ['', /empty/],
    ['A', /needs a modifier/],
    ['F5', /needs a modifier/],
    ['Ctrl+Shift', /no key/],
    ['Ctrl+A+B', /two keys/],
    ['A+Ctrl', /before the key/],
    ['Ctrl+Ctrl+A', /twice/],
    ['Ctrl+Hyper+A', /not a key/],
    ['Ctrl+', /not a key combination|not a key/],
  ])('refuses %j', (input, message) => {
    const r = validateAccelerator(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('uses defaults, lets IT disable one with "", and reports bad or duplicate ones per field', () => {
    expect(resolveHotkeys(undefined).bindings.map((b) => b.accelerator)).toEqual(Object.values(DEFAULT_HOTKEYS));
    const r = resolveHotkeys({ answer: 'Ctrl+Alt+A', hangup: 'control+alt+a', mute: '' });
    expect(r.bindings).toEqual([{ action: 'answer', accelerator: 'Control+Alt+A' }]);
    expect(r.errors).toEqual([{ field: 'hotkeys.hangup', message: 'hotkeys.hangup: Control+Alt+A is already the hotkey for answer' }]);
    expect(resolveHotkeys({ mute: 'M' }).errors[0]!.field).toBe('hotkeys.mute');
  });

  it('registers with globalShortcut, reports the ones another app holds, and unregisters on dispose', () => {
    const registered = new Map<string, () => void>();
    const fake = {
      register: (a: string, cb: () => void) => {
        if (a === 'Control+Shift+H') return false;
        registered.set(a, cb);
        return true;
      },
      unregister: (a: string) => void registered.delete(a),
    };
    const calls: string[] = [];
    const r = registerHotkeys(fake, resolveHotkeys({ answer: 'Ctrl+Shift+A', hangup: 'Ctrl+Shift+H', mute: 'Ctrl+Shift+M' }).bindings, {
      answer: () => calls.push('answer'),
      hangup: () => calls.push('hangup'),
      mute: () => calls.push('mute'),
    });
    expect(r.failed.map((f) => f.action)).toEqual(['hangup']);
    registered.get('Control+Shift+A')!();
    registered.get('Control+Shift+M')!();
    expect(calls).toEqual(['answer', 'mute']);
    r.dispose();
    expect(registered.size).toBe(0);
  });
});
