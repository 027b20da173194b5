// One zustand store made of slices; created per app (and per test) with its services injected.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAgentSlice } from './agent-slice';
import type { AppState } from './app-state';
import { createCallsSlice } from './calls-slice';
import { createConnectionSlice } from './connection-slice';
import { createDevicesSlice } from './devices-slice';
import { createNoticesSlice } from './notices-slice';
import type { Services } from './services';
import { createSettingsSlice } from './settings-slice';

export type AppStore = StoreApi<AppState>;

export function createAppStore(services: Services): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createConnectionSlice(services)(...a),
    ...createCallsSlice(services)(...a),
    ...createAgentSlice(services)(...a),
    ...createSettingsSlice(services)(...a),
    ...createDevicesSlice(services)(...a),
    ...createNoticesSlice()(...a),
  }));
}
