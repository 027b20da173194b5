// Toasts. Errors are alerts (read at once); info and warnings are announced politely.
import { useApp } from '../../store/context';

export function Notices() {
  const { notices, dismissNotice } = useApp((s) => ({ notices: s.notices, dismissNotice: s.dismissNotice }));
  const errors = notices.filter((n) => n.level === 'error');
  const others = notices.filter((n) => n.level !== 'error');
  return (
    <div className="notices">
      {errors.map((n) => (
        <div key={n.id} className="notice notice-error" role="alert">
          <span>{n.message}</span>
          <button type="button" className="btn-small" onClick={() => dismissNotice(n.id)}>
            Dismiss
          </button>
        </div>
      ))}
      <div aria-live="polite">
        {others.map((n) => (
          <div key={n.id} className={`notice notice-${n.level}`}>
            <span>{n.message}</span>
            <button type="button" className="btn-small" onClick={() => dismissNotice(n.id)}>
              Dismiss
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
