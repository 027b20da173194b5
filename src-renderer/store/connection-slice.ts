// Link to the core (IPC or WebSocket) as the agent should see it.
import type { StateCreator } from 'zustand';
import type { ConnectionStatus } from '../signaling/transport';
import type { AppState } from './app-state';
import type { Services } from './services';

export interface ConnectionSlice {
  connection: ConnectionStatus;
  setConnection(status: ConnectionStatus): void;
  retryConnection(): void;
}

export const createConnectionSlice =
  (services: Services): StateCreator<AppState, [], [], ConnectionSlice> =>
  (set) => ({
    connection: 'connecting',
    setConnection(status) {
      // A new link may reach a restarted core whose snapshot seq starts again from 0.
      set(status === 'open' ? { connection: status, lastSeq: -1 } : { connection: status });
    },
    retryConnection() {
      services.retryConnection();
    },
  });
