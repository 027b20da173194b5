// Agent availability (Ready / Not Ready with a reason / After call work). The value shown comes
// from the snapshot; this slice only sends the change.
import type { StateCreator } from 'zustand';
import type { AgentStateName } from '../../shared/types';
import type { AppState } from './app-state';
import type { Services } from './services';

export interface AgentSlice {
  setAgentState(state: AgentStateName, reason?: string): Promise<void>;
}

export const createAgentSlice =
  (services: Services): StateCreator<AppState, [], [], AgentSlice> =>
  (_set, get) => ({
    async setAgentState(state, reason) {
      const payload = state === 'not-ready' && reason ? { state, reason } : { state };
      const result = await services.commands.request('agent.setState', payload);
      if (!result.ok) get().addNotice('error', `Changing your agent state failed: ${result.error ?? 'no reason given'}`);
    },
  });
