// The link to the phone service (core) and the microphone: problems the agent must see at once.
import { useApp } from '../../store/context';

export function ConnectionBanner() {
  const { connection, retryConnection } = useApp((s) => ({ connection: s.connection, retryConnection: s.retryConnection }));
  if (connection === 'reconnecting') {
    return (
      <div className="banner banner-warning" role="alert">
        Connection to the phone service lost — reconnecting
      </div>
    );
  }
  if (connection === 'failed') {
    return (
      <div className="banner banner-error" role="alert">
        <span>Connection to the phone service lost — make sure Agent Softphone is still running, then reconnect.</span>
        <button type="button" className="btn-small" onClick={retryConnection}>
          Reconnect
        </button>
      </div>
    );
  }
  if (connection === 'connecting') {
    return <div className="banner banner-info">Connecting to the phone service…</div>;
  }
  return null;
}

export function MicProblem() {
  const micProblem = useApp((s) => s.micProblem);
  if (!micProblem) return null;
  return (
    <div className="banner banner-error" role="alert">
      {micProblem}
    </div>
  );
}
