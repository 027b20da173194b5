// The window: header (registration, agent state, settings), banners, then calls or settings.
import { useApp } from '../store/context';
import { AgentStateSelect } from '../features/agent/AgentStateSelect';
import { CallList } from '../features/calls/CallList';
import { ConnectionBanner, MicProblem } from '../features/connection/ConnectionBanner';
import { Dialer } from '../features/dialer/Dialer';
import { History } from '../features/history/History';
import { Notices } from '../features/notices/Notices';
import { RegistrationStatus } from '../features/registration/RegistrationStatus';
import { SettingsScreen } from '../features/settings/SettingsScreen';

export function App() {
  const { showSettings, openSettings } = useApp((s) => ({
    showSettings: s.settingsView === 'open' || (s.settingsView === 'auto' && s.snapshot !== null && !s.snapshot.profile.configured),
    openSettings: s.openSettings,
  }));
  return (
    <div className="app">
      <header className="app-header">
        <RegistrationStatus />
        <div className="header-row">
          <AgentStateSelect />
          {/* Always present (tests and habits look for it); it only opens: Back closes. */}
          <button type="button" className="btn-small" aria-pressed={showSettings} onClick={openSettings}>
            Settings
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <MicProblem />
      <Notices />
      <main className="app-main">
        {showSettings ? (
          <SettingsScreen />
        ) : (
          <>
            <Dialer />
            <CallList />
            <History />
          </>
        )}
      </main>
    </div>
  );
}
