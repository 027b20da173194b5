// Recent calls, newest first, missed calls marked.
import type { HistoryEntry } from '../../../shared/types';
import { useApp } from '../../store/context';
import { formatDuration, remotePartyName } from '../calls/call-labels';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function History() {
  const history = useApp((s) => s.snapshot?.history ?? EMPTY);
  const entries = [...history].sort((a, b) => b.startedAt - a.startedAt).slice(0, 50);
  const missed = entries.filter((e) => e.missed).length;
  return (
    <section className="history" aria-labelledby="history-title">
      <h2 id="history-title">
        Recent calls{missed > 0 && <span className="missed-count"> · {missed} missed</span>}
      </h2>
      {entries.length === 0 ? (
        <p className="empty">No calls yet</p>
      ) : (
        <ul className="history-list">
          {entries.map((e) => (
            <HistoryItem key={e.callId} entry={e} />
          ))}
        </ul>
      )}
    </section>
  );
}

function HistoryItem({ entry }: { entry: HistoryEntry }) {
  const name = remotePartyName(entry.remote);
  const showNumber = name !== entry.remote.number;
  return (
    <li className={entry.missed ? 'history-item missed' : 'history-item'}>
      <span className="history-dir">{entry.missed ? 'Missed' : entry.direction === 'inbound' ? 'In' : 'Out'}</span>
      <span className="history-party">
        {name}
        {showNumber && <span className="history-number"> {entry.remote.number}</span>}
      </span>
      <span className="history-when">
        {timeFormat.format(entry.startedAt)}
        {!entry.missed && ` · ${formatDuration(entry.durationSec)}`}
      </span>
      {entry.endReason && !entry.missed && <span className="history-reason">{entry.endReason}</span>}
    </li>
  );
}

const EMPTY: never[] = [];
