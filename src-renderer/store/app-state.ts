import type { AgentSlice } from './agent-slice';
import type { CallsSlice } from './calls-slice';
import type { ConnectionSlice } from './connection-slice';
import type { DevicesSlice } from './devices-slice';
import type { NoticesSlice } from './notices-slice';
import type { SettingsSlice } from './settings-slice';

export type AppState = ConnectionSlice & CallsSlice & AgentSlice & SettingsSlice & DevicesSlice & NoticesSlice;
