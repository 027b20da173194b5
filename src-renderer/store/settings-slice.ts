// Settings screen state: whether it is shown, saving the profile (with field errors from the
// core), the echo test and the diagnostics bundle.
import type { StateCreator } from 'zustand';
import type { FieldError } from '../../shared/types';
import type { AppState } from './app-state';
import type { Services } from './services';

/** auto: shown while the profile is not configured; open/closed: the agent chose. */
export type SettingsView = 'auto' | 'open' | 'closed';

export interface ProfileSaveState {
  status: 'idle' | 'saving' | 'saved' | 'failed';
  /** Field errors from the last profile.save result (they win over the snapshot's). */
  fieldErrors: FieldError[];
  error?: string;
}

export interface DiagnosticsState {
  status: 'idle' | 'saving' | 'saved' | 'failed';
  /** Where the core wrote the bundle. */
  location?: string;
  error?: string;
}

export interface SettingsSlice {
  settingsView: SettingsView;
  profileSave: ProfileSaveState;
  echoTestRunning: boolean;
  diagnostics: DiagnosticsState;
  openSettings(): void;
  closeSettings(): void;
  saveProfile(profile: unknown): Promise<boolean>;
  toggleEchoTest(): Promise<void>;
  saveDiagnostics(): Promise<void>;
}

/** result.data of diagnostics.save: a path string or an object naming it. */
export function diagnosticsLocation(data: unknown): string | undefined {
  if (typeof data === 'string' && data) return data;
  if (typeof data === 'object' && data !== null) {
    const d = data as Record<string, unknown>;
    for (const key of ['path', 'file', 'location', 'dir', 'directory']) {
      if (typeof d[key] === 'string' && d[key]) return d[key] as string;
    }
  }
  return undefined;
}

export const createSettingsSlice =
  (services: Services): StateCreator<AppState, [], [], SettingsSlice> =>
  (set, get) => ({
    settingsView: 'auto',
    profileSave: { status: 'idle', fieldErrors: [] },
    echoTestRunning: false,
    diagnostics: { status: 'idle' },
    openSettings() {
      set({ settingsView: 'open' });
    },
    closeSettings() {
      set({ settingsView: 'closed' });
    },
    async saveProfile(profile) {
      set({ profileSave: { status: 'saving', fieldErrors: [] } });
      const result = await services.commands.request('profile.save', { profile });
      if (result.ok) {
        set({ profileSave: { status: 'saved', fieldErrors: [] } });
        return true;
      }
      const fieldErrors = result.fieldErrors ?? [];
      set({
        profileSave: {
          status: 'failed',
          fieldErrors,
          error: result.error ?? (fieldErrors.length > 0 ? 'Some fields need fixing — see the messages next to them' : undefined),
        },
      });
      return false;
    },
    async toggleEchoTest() {
      const starting = !get().echoTestRunning;
      const result = starting
        ? await services.commands.request('echoTest.start', {})
        : await services.commands.request('echoTest.stop', {});
      if (result.ok) set({ echoTestRunning: starting });
      else get().addNotice('error', `${starting ? 'Starting' : 'Stopping'} the echo test failed: ${result.error ?? 'no reason given'}`);
    },
    async saveDiagnostics() {
      set({ diagnostics: { status: 'saving' } });
      const result = await services.commands.request('diagnostics.save', { renderer: services.diagnostics() });
      if (result.ok) set({ diagnostics: { status: 'saved', location: diagnosticsLocation(result.data) } });
      else set({ diagnostics: { status: 'failed', error: result.error ?? 'no reason given' } });
    },
  });
