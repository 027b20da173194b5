// Renders the whole App against a store with fake services.
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import type { AppSnapshot } from '../../shared/types';
import { App } from '../app/App';
import { StoreProvider } from '../store/context';
import { createAppStore } from '../store/store';
import { fakeServices } from './fake-services';
import { makeSnapshot } from './fixtures';

// Tells React that updates are wrapped in act() here (Testing Library's user-event does it).
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export function renderApp(snapshot: AppSnapshot | null = makeSnapshot()) {
  const services = fakeServices();
  const store = createAppStore(services);
  store.getState().setConnection('open');
  if (snapshot) store.getState().applySnapshot(snapshot);
  const user = userEvent.setup();
  const view = render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  /** Pushes a new snapshot as the core would. */
  const push = (s: AppSnapshot) => act(() => store.getState().applySnapshot(s));
  /** Changes store state outside a user action (core events, media callbacks). */
  const update = (fn: (state: ReturnType<typeof store.getState>) => void) => act(() => fn(store.getState()));
  return { ...view, store, services, commands: services.commands, user, push, update };
}
