import { useApp } from '../../store/context';
import { isInboundRinging } from './call-labels';
import { CallCard } from './CallCard';

export function CallList() {
  const calls = useApp((s) => s.snapshot?.calls ?? EMPTY);
  if (calls.length === 0) return <p className="empty">No calls</p>;
  // A ringing call needs the agent now: show it first so it is never below the fold.
  const ordered = [...calls.filter(isInboundRinging), ...calls.filter((c) => !isInboundRinging(c))];
  return (
    <ul className="calls" aria-label="Calls">
      {ordered.map((c) => (
        <CallCard key={c.id} call={c} />
      ))}
    </ul>
  );
}

const EMPTY: never[] = [];
