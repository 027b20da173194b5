import { useApp } from '../../store/context';
import { CallCard } from './CallCard';

export function CallList() {
  const calls = useApp((s) => s.snapshot?.calls ?? EMPTY);
  if (calls.length === 0) return <p className="empty">No calls</p>;
  return (
    <ul className="calls" aria-label="Calls">
      {calls.map((c) => (
        <CallCard key={c.id} call={c} />
      ))}
    </ul>
  );
}

const EMPTY: never[] = [];
