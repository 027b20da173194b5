// The registration state in exactly the words of DESIGN.md, in the page's only role="status".
import type { RegistrationSnapshot } from '../../../shared/types';
import { useApp } from '../../store/context';

export function registrationText(reg: RegistrationSnapshot | undefined): string {
  switch (reg?.state) {
    case 'registered':
      return 'Registered';
    case 'registering':
      return 'Registering';
    case 'failed':
      return `Registration failed: ${reg.reason?.trim() || 'no reason given — check the SIP settings'}`;
    default:
      return 'Unregistered';
  }
}

export function RegistrationStatus() {
  const { registration, retryRegistration } = useApp((s) => ({
    registration: s.snapshot?.registration,
    retryRegistration: s.retryRegistration,
  }));
  const state = registration?.state ?? 'unregistered';
  return (
    <div className={`registration registration-${state}`}>
      <span className="dot" aria-hidden="true" />
      <div role="status" className="registration-text">
        {registrationText(registration)}
      </div>
      {state === 'failed' && (
        <button type="button" className="btn-small" onClick={() => void retryRegistration()}>
          Retry registration
        </button>
      )}
    </div>
  );
}
