// The profile sections the shell applies (bring-to-front, start at login, hotkeys, updates),
// read from the snapshot's profile view with the defaults the settings screen shows.
import type { AppSnapshot } from '../../shared/types';
import type { HotkeyAction } from './hotkeys';
import type { UpdateSettings } from './update-policy';

export interface ShellSettings {
  bringToFrontOnRing: boolean;
  startAtLogin: boolean;
  hotkeys: Partial<Record<HotkeyAction, string>> | undefined;
  updates: UpdateSettings | undefined;
}

function section<T>(values: unknown, key: string): T | undefined {
  if (typeof values !== 'object' || values === null) return undefined;
  const v = (values as Record<string, unknown>)[key];
  return typeof v === 'object' && v !== null ? (v as T) : undefined;
}

export function shellSettingsFrom(snapshot: AppSnapshot): ShellSettings {
  const values = snapshot.profile.values;
  const behaviour = section<{ bringToFrontOnRing?: boolean; startAtLogin?: boolean }>(values, 'behaviour');
  return {
    bringToFrontOnRing: behaviour?.bringToFrontOnRing ?? true,
    startAtLogin: behaviour?.startAtLogin ?? false,
    hotkeys: section(values, 'hotkeys'),
    updates: section(values, 'updates'),
  };
}

/** Which groups changed, so main re-applies only those (re-registering hotkeys on every snapshot would flicker). */
export function changedSettings(prev: ShellSettings | undefined, next: ShellSettings): Array<keyof ShellSettings> {
  const keys: Array<keyof ShellSettings> = ['bringToFrontOnRing', 'startAtLogin', 'hotkeys', 'updates'];
  if (!prev) return keys;
  return keys.filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
}
