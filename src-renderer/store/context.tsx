// Components read the store through this context so each app (or test) has its own store.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AppState } from './app-state';
import type { AppStore } from './store';

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreProvider is missing above this component');
  return store;
}

/** Selects a slice of state; objects and arrays are compared shallowly so unrelated changes do not re-render. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStoreApi(), useShallow(selector));
}
