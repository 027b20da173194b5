// The profile part of Settings: account, network, audio processing, behaviour, hotkeys.
import { useState, type FormEvent } from 'react';
import type { ProfileStatus } from '../../../shared/types';
import { useApp } from '../../store/context';
import { CheckField, Field } from './Field';
import { FIELD_PATHS, draftFromProfile, isLocked, profileFromDraft, splitFieldErrors, type DraftKey, type ProfileDraft } from './profile-form';

type TextKey = { [K in DraftKey]: ProfileDraft[K] extends string ? K : never }[DraftKey];
type BoolKey = { [K in DraftKey]: ProfileDraft[K] extends boolean ? K : never }[DraftKey];

export function ProfileForm({ status }: { status: ProfileStatus }) {
  const { profileSave, saveProfile, remembered } = useApp((s) => ({ profileSave: s.profileSave, saveProfile: s.saveProfile, remembered: s.remembered }));
  const [draft, setDraft] = useState<ProfileDraft>(() => draftFromProfile(status.values));
  const { byField, other } = splitFieldErrors(status.errors, profileSave.status === 'failed' ? profileSave.fieldErrors : []);

  const locked = (k: DraftKey) => isLocked(status.locked, FIELD_PATHS[k]);
  const errorsOf = (k: DraftKey) => byField.get(FIELD_PATHS[k]) ?? [];
  const setText = (k: TextKey, v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const setBool = (k: BoolKey, v: boolean) => setDraft((d) => ({ ...d, [k]: v }));

  function submit(e: FormEvent) {
    e.preventDefault();
    void saveProfile(profileFromDraft(draft, status.values, status.locked, remembered)).then((ok) => {
      if (ok) setDraft((d) => ({ ...d, password: '' }));
    });
  }

  function text(k: TextKey, label: string, opts: { type?: string; placeholder?: string; hint?: string; autoComplete?: string } = {}) {
    const isLockedField = locked(k);
    return (
      <Field id={`profile-${k}`} label={label} locked={isLockedField} errors={errorsOf(k)} hint={opts.hint}>
        {(aria) => (
          <input
            {...aria}
            type={opts.type ?? 'text'}
            value={draft[k]}
            readOnly={isLockedField}
            placeholder={opts.placeholder}
            autoComplete={opts.autoComplete ?? 'off'}
            spellCheck={false}
            onChange={(e) => setText(k, e.target.value)}
          />
        )}
      </Field>
    );
  }

  function check(k: BoolKey, label: string) {
    return (
      <CheckField id={`profile-${k}`} label={label} checked={draft[k]} locked={locked(k)} errors={errorsOf(k)} onChange={(v) => setBool(k, v)} />
    );
  }

  const transportLocked = locked('transport');

  return (
    <form className="profile-form" onSubmit={submit} noValidate>
      {status.source && <p className="profile-source">Profile: {status.source}</p>}
      {other.length > 0 && (
        <div className="form-errors" role="alert">
          <p>The profile has problems:</p>
          <ul>
            {other.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      <h3>Account</h3>
      {text('displayName', 'Display name', { placeholder: 'Agent 1001' })}
      {text('uri', 'SIP address', { placeholder: 'sip:1001@example.com' })}
      {text('authUser', 'Auth user', { placeholder: 'usually your extension' })}
      <Field
        id="profile-password"
        label="Password"
        locked={locked('password')}
        errors={errorsOf('password')}
        hint={status.hasPassword ? 'stored — leave empty to keep it' : 'not stored yet'}
      >
        {(aria) => (
          <input
            {...aria}
            type="password"
            value={draft.password}
            readOnly={locked('password')}
            placeholder={status.hasPassword ? 'stored' : ''}
            autoComplete="new-password"
            onChange={(e) => setText('password', e.target.value)}
          />
        )}
      </Field>
      <h3>Network</h3>
      {text('outboundProxy', 'Outbound proxy', { placeholder: 'sip:10.0.0.5:5060;transport=udp' })}
      {text('localAddress', 'Local address', { placeholder: 'automatic' })}
      <Field id="profile-transport" label="Transport" locked={transportLocked} errors={errorsOf('transport')}>
        {(aria) => (
          <select
            {...aria}
            value={draft.transport}
            disabled={transportLocked}
            onChange={(e) => setDraft((d) => ({ ...d, transport: e.target.value as ProfileDraft['transport'] }))}
          >
            <option value="">Automatic (from proxy)</option>
            <option value="udp">UDP</option>
            <option value="tcp">TCP</option>
            <option value="tls">TLS</option>
          </select>
        )}
      </Field>
      {text('tlsCaFile', 'TLS CA file', { placeholder: 'only for a private CA, e.g. /etc/ssl/company-ca.pem' })}
      {text('registerExpires', 'Registration interval (seconds)', { type: 'number', placeholder: '600' })}
      <div className="field-pair">
        {text('rtpPortMin', 'RTP port min', { type: 'number', placeholder: '40000' })}
        {text('rtpPortMax', 'RTP port max', { type: 'number', placeholder: '40999' })}
      </div>
      <h3>Audio processing</h3>
      {check('echoCancellation', 'Echo cancellation')}
      {check('noiseSuppression', 'Noise suppression')}
      {check('autoGainControl', 'Automatic gain control')}
      <h3>Behaviour</h3>
      {check('bringToFrontOnRing', 'Bring window to front on incoming call')}
      {check('startAtLogin', 'Start at login')}
      <h3>Hotkeys</h3>
      {text('hotkeyAnswer', 'Answer hotkey', { placeholder: 'e.g. CommandOrControl+Shift+A' })}
      {text('hotkeyHangup', 'Hang up hotkey', { placeholder: 'e.g. CommandOrControl+Shift+H' })}
      {text('hotkeyMute', 'Mute hotkey', { placeholder: 'e.g. CommandOrControl+Shift+M' })}
      <div className="form-actions">
        <button type="submit" className="btn-primary" disabled={profileSave.status === 'saving'}>
          Save profile
        </button>
        <span aria-live="polite" className="save-state">
          {profileSave.status === 'saving' && 'Saving…'}
          {profileSave.status === 'saved' && 'Settings saved'}
        </span>
      </div>
      {profileSave.status === 'failed' && profileSave.error && (
        <p className="field-error" role="alert">
          Saving failed: {profileSave.error}
        </p>
      )}
    </form>
  );
}
