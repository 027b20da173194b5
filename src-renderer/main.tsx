// Renderer entry: one signaling client, one store, the controller, and the React tree.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MediaEngine } from './media/engine';
import { App } from './app/App';
import { startController } from './app/controller';
import { rendererDiagnostics } from './app/diagnostics';
import { SoundOutput } from './features/devices/sound';
import { createSignalingClient } from './signaling/create-client';
import { StoreProvider } from './store/context';
import type { Services } from './store/services';
import { createAppStore, type AppStore } from './store/store';
import './styles.css';

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // disabled storage: device choices then last for this session only
  }
}

const client = createSignalingClient(window);
let store: AppStore | null = null;
const sound = new SoundOutput(undefined, (message) => store?.getState().addNotice('error', message));
const services: Services = {
  commands: client,
  media: { current: null },
  sound,
  storage: localStorageOrNull(),
  retryConnection: () => client.retry(),
  diagnostics: () => (store ? rendererDiagnostics(store.getState(), services.media.current) : {}),
};
store = createAppStore(services);

const dispose = startController({
  client,
  store,
  services,
  createMedia: (callbacks) => new MediaEngine(callbacks),
  ringer: sound,
  mediaDevices: navigator.mediaDevices,
  setTitle: (title) => {
    if (document.title !== title) document.title = title;
  },
});
client.start();
window.addEventListener('pagehide', () => {
  dispose();
  client.dispose();
});

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root element');
createRoot(rootElement).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
