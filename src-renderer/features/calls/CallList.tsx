import type { CallSnapshot } from '../../../shared/types';
import { useApp } from '../../store/context';
import { isInboundRinging } from './call-labels';
import { CallCard } from './CallCard';

export function CallList() {
  const calls = useApp((s) => s.snapshot?.calls ?? EMPTY);
  if (calls.length === 0) return <p className="empty">No calls</p>;
  // A ringing call needs the agent now: show it first so it is never below the fold.
  const ordered = [...calls.filter(isInboundRinging), ...calls.filter((c) => !isInboundRinging(c))];
  const conference = ordered.filter((c) => c.conferenceId && c.state !== 'ended');
  const others = ordered.filter((c) => !conference.includes(c));
  return (
    <>
      {conference.length > 0 && (
        // The calls of a local conference together, under one heading.
        <section className="conference" aria-labelledby="conference-heading">
          <h2 id="conference-heading">Conference</h2>
          <ul className="calls" aria-label="Conference calls">
            {conference.map((c) => (
              <CallCard key={c.id} call={c} />
            ))}
          </ul>
        </section>
      )}
      {others.length > 0 && (
        <ul className="calls" aria-label="Calls">
          {others.map((c) => (
            <CallCard key={c.id} call={c} />
          ))}
        </ul>
      )}
    </>
  );
}

const EMPTY: CallSnapshot[] = [];
