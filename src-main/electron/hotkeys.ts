// Global hotkeys (answer, hang up, mute) from the profile's `hotkeys` section. Accelerators are
// validated here, with field errors the settings screen can show, before globalShortcut sees
// them: Electron throws on a malformed accelerator and silently fails on a taken one.
import type { FieldError } from '../../shared/types';

export type HotkeyAction = 'answer' | 'hangup' | 'mute';
export const HOTKEY_ACTIONS: readonly HotkeyAction[] = ['answer', 'hangup', 'mute'];

export const DEFAULT_HOTKEYS: Readonly<Record<HotkeyAction, string>> = {
  answer: 'CommandOrControl+Shift+A',
  hangup: 'CommandOrControl+Shift+H',
  mute: 'CommandOrControl+Shift+M',
};

const MODIFIERS = new Map(
  [
    ['command', 'Command'],
    ['cmd', 'Command'],
    ['control', 'Control'],
    ['ctrl', 'Control'],
    ['commandorcontrol', 'CommandOrControl'],
    ['cmdorctrl', 'CommandOrControl'],
    ['alt', 'Alt'],
    ['option', 'Alt'],
    ['altgr', 'AltGr'],
    ['shift', 'Shift'],
    ['super', 'Super'],
    ['meta', 'Super'],
  ] as const,
);

const NAMED_KEYS = [
  'Plus', 'Space', 'Tab', 'Capslock', 'Numlock', 'Scrolllock', 'Backspace', 'Delete', 'Insert', 'Return', 'Enter',
  'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'Escape', 'Esc', 'PrintScreen',
  'num0', 'num1', 'num2', 'num3', 'num4', 'num5', 'num6', 'num7', 'num8', 'num9', 'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
];
/** Keys that are safe as a global hotkey without a modifier (nobody types them). */
const STANDALONE_KEYS = ['VolumeUp', 'VolumeDown', 'VolumeMute', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause'];
const KEY_LOOKUP = new Map<string, string>([...NAMED_KEYS, ...STANDALONE_KEYS].map((k) => [k.toLowerCase(), k]));
for (let i = 1; i <= 24; i++) KEY_LOOKUP.set(`f${i}`, `F${i}`);

function canonicalKey(raw: string): string | undefined {
  if (/^[a-z0-9]$/i.test(raw)) return raw.toUpperCase();
  if (/^[)!@#$%^&*(:;<>=,_\-.?/~`{}[\]|\\'"]$/.test(raw)) return raw;
  return KEY_LOOKUP.get(raw.toLowerCase());
}

export type AcceleratorCheck = { ok: true; accelerator: string } | { ok: false; message: string };

/** Validates and canonicalises one accelerator ("ctrl+shift+a" -> "Control+Shift+A"). */
export function validateAccelerator(input: string): AcceleratorCheck {
  const text = input.trim();
  if (!text) return { ok: false, message: 'is empty' };
  // "Plus" is the key name for "+"; a trailing "++" means Ctrl++ as people type it.
  const parts = text.replace(/\+\+$/, '+Plus').split('+').map((p) => p.trim());
  if (parts.some((p) => !p)) return { ok: false, message: `"${input}" is not a key combination like CommandOrControl+Shift+A` };
  const modifiers: string[] = [];
  let key: string | undefined;
  for (const part of parts) {
    const mod = MODIFIERS.get(part.toLowerCase() as never);
    if (mod) {
      if (key) return { ok: false, message: `"${input}": modifiers must come before the key` };
      if (modifiers.includes(mod)) return { ok: false, message: `"${input}": ${mod} appears twice` };
      modifiers.push(mod);
      continue;
    }
    const k = canonicalKey(part);
    if (!k) return { ok: false, message: `"${input}": "${part}" is not a key Electron knows` };
    if (key) return { ok: false, message: `"${input}" has two keys (${key}, ${k}); use one key with modifiers` };
    key = k;
  }
  if (!key) return { ok: false, message: `"${input}" has no key, only modifiers` };
  const standalone = STANDALONE_KEYS.includes(key) || /^F(1[3-9]|2[0-4])$/.test(key);
  if (!modifiers.length && !standalone) {
    return { ok: false, message: `"${input}" needs a modifier (Control, Alt, Shift...): a global hotkey without one would steal that key from every app` };
  }
  return { ok: true, accelerator: [...modifiers, key].join('+') };
}

export interface HotkeyBinding {
  action: HotkeyAction;
  accelerator: string;
}

/** The profile's hotkeys (defaults for missing ones; "" disables one) -> bindings + field errors. */
export function resolveHotkeys(config: Partial<Record<HotkeyAction, string>> | undefined): { bindings: HotkeyBinding[]; errors: FieldError[] } {
  const bindings: HotkeyBinding[] = [];
  const errors: FieldError[] = [];
  const seen = new Map<string, HotkeyAction>();
  for (const action of HOTKEY_ACTIONS) {
    const raw = config?.[action] ?? DEFAULT_HOTKEYS[action];
    if (raw.trim() === '') continue;
    const check = validateAccelerator(raw);
    const field = `hotkeys.${action}`;
    if (!check.ok) {
      errors.push({ field, message: `${field}: ${check.message}` });
      continue;
    }
    const key = check.accelerator.toLowerCase();
    const other = seen.get(key);
    if (other) {
      errors.push({ field, message: `${field}: ${check.accelerator} is already the hotkey for ${other}` });
      continue;
    }
    seen.set(key, action);
    bindings.push({ action, accelerator: check.accelerator });
  }
  return { bindings, errors };
}

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/** Registers bindings; returns those the OS refused (another app holds them) and an unregister function. */
export function registerHotkeys(
  globalShortcut: GlobalShortcutLike,
  bindings: readonly HotkeyBinding[],
  handlers: Record<HotkeyAction, () => void>,
): { failed: HotkeyBinding[]; dispose: () => void } {
  const registered: string[] = [];
  const failed: HotkeyBinding[] = [];
  for (const b of bindings) {
    let ok = false;
    try {
      ok = globalShortcut.register(b.accelerator, handlers[b.action]);
    } catch {
      ok = false;
    }
    if (ok) registered.push(b.accelerator);
    else failed.push(b);
  }
  return {
    failed,
    dispose: () => {
      for (const a of registered.splice(0)) globalShortcut.unregister(a);
    },
  };
}
