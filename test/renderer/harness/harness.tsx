// Screenshot harness: the real App with a fake store and canned snapshots (no core, no media).
// Test-only; the production entry (src-renderer/main.tsx) has no such switches.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../../../src-renderer/app/App';
import { StoreProvider } from '../../../src-renderer/store/context';
import { createAppStore } from '../../../src-renderer/store/store';
import { fakeServices } from '../../../src-renderer/test-support/fake-services';
import { makeCall, makeSnapshot } from '../../../src-renderer/test-support/fixtures';
import '../../../src-renderer/styles.css';

const scene = new URLSearchParams(location.search).get('scene') ?? 'main';
const now = Date.now();
const store = createAppStore(fakeServices());
store.getState().setConnection('open');

const history = [
  { callId: 'h1', direction: 'inbound' as const, remote: { displayName: 'Carol Jones', number: '5000', uri: 'sip:5000@x' }, startedAt: now - 120_000, durationSec: 0, missed: true },
  { callId: 'h2', direction: 'outbound' as const, remote: { number: '2000', uri: 'sip:2000@x' }, startedAt: now - 900_000, durationSec: 184, missed: false, endReason: 'Hung up by remote party' },
  { callId: 'h3', direction: 'outbound' as const, remote: { number: '3000', uri: 'sip:3000@x' }, startedAt: now - 1_800_000, durationSec: 0, missed: false, endReason: 'Busy' },
];

if (scene === 'main') {
  store.getState().applySnapshot(
    makeSnapshot({
      calls: [
        makeCall({ id: 'c1', state: 'connected', remote: { displayName: 'Alice Example', number: '2001', uri: 'sip:2001@x' }, connectedAt: now - 154_000, muted: true }),
        makeCall({ id: 'c2', direction: 'inbound', state: 'ringing', remote: { number: '4711', uri: 'sip:4711@x' }, startedAt: now - 6_000 }),
        makeCall({ id: 'c3', state: 'ended', remote: { number: '3000', uri: 'sip:3000@x' }, endReason: 'Busy', startedAt: now - 20_000, endedAt: now - 17_000 }),
      ],
      agent: { state: 'not-ready', reason: 'Break', since: now - 300_000 },
      history,
    }),
  );
  store.getState().toggleKeypad('c1');
  store.getState().addNotice('info', 'Using Jabra Evolve2 Mic as microphone');
} else if (scene === 'conference') {
  store.getState().applySnapshot(
    makeSnapshot({
      calls: [
        makeCall({ id: 'c1', state: 'connected', conferenceId: 'conf1', remote: { displayName: 'Alice Example', number: '2001', uri: 'sip:2001@x' }, connectedAt: now - 254_000 }),
        makeCall({ id: 'c2', state: 'connected', conferenceId: 'conf1', remote: { displayName: 'Supervisor', number: '3000', uri: 'sip:3000@x' }, connectedAt: now - 31_000 }),
      ],
      history,
    }),
  );
} else if (scene === 'failed') {
  store.getState().applySnapshot(
    makeSnapshot({ registration: { state: 'failed', reason: '401 Unauthorized — check the password in Settings' }, history }),
  );
  store.getState().setConnection('reconnecting');
  store.getState().setMicProblem('Microphone access was denied — allow microphone access for Agent Softphone, then restart the app. Callers would not hear you.');
} else {
  const snap = makeSnapshot({
    registration: { state: 'unregistered' },
    profile: {
      configured: false,
      source: '/etc/agent-softphone/profile.json',
      values: { displayName: 'Agent 1001', sip: { uri: 'sip:1001', outboundProxy: 'sip:127.0.0.1:5070;transport=udp' }, media: { rtpPortMin: 80, rtpPortMax: 40999 } },
      hasPassword: true,
      locked: ['sip.outboundProxy'],
      errors: [
        { field: 'sip.uri', message: 'sip.uri: must be a SIP address like sip:1001@example.com' },
        { field: 'media.rtpPortMin', message: 'media.rtpPortMin: must be 1024 or higher' },
        { field: 'sip.colour', message: 'sip.colour: unknown field' },
      ],
    },
  });
  store.getState().applySnapshot(snap);
  store.getState().setMediaDevices([
    { kind: 'audioinput', deviceId: 'm1', label: 'Jabra Evolve2 Mic' },
    { kind: 'audiooutput', deviceId: 'o1', label: 'Jabra Evolve2 Speaker' },
  ]);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
