import type { ProfileStatus } from '../../../shared/types';
import { useApp } from '../../store/context';
import { DevicesSection } from '../devices/DevicesSection';
import { DiagnosticsSection } from './DiagnosticsSection';
import { ProfileForm } from './ProfileForm';

const UNCONFIGURED: ProfileStatus = { configured: false, hasPassword: false, locked: [], errors: [] };

export function SettingsScreen() {
  const { status, closeSettings } = useApp((s) => ({ status: s.snapshot?.profile ?? UNCONFIGURED, closeSettings: s.closeSettings }));
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="screen-head">
        <h2 id="settings-title">Settings</h2>
        {/* Named without "settings" so the header's Settings button stays the only match for that name. */}
        <button type="button" className="btn-small" onClick={closeSettings}>
          Back
        </button>
      </div>
      {!status.configured && (
        <p className="intro">Enter your phone account (your IT department gives you these details) to start taking calls.</p>
      )}
      {/* Remount the form when the saved profile changes, so it shows what is now in effect. */}
      <ProfileForm key={JSON.stringify(status.values ?? null)} status={status} />
      <DevicesSection />
      <DiagnosticsSection />
    </section>
  );
}
