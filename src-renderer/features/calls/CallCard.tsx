// One call: a group named after the remote party, its state in words, timer and controls.
import type { CallSnapshot } from '../../../shared/types';
import { useApp } from '../../store/context';
import { useNow } from '../use-now';
import { callElapsedSeconds, callStateText, endReasonText, formatDuration, isInboundRinging, isLive, remotePartyName } from './call-labels';
import { Keypad } from './Keypad';
import { TransferForm } from './TransferForm';

export function CallCard({ call }: { call: CallSnapshot }) {
  const a = useApp((s) => ({
    answer: s.answer,
    decline: s.decline,
    hangup: s.hangup,
    setHold: s.setHold,
    setMute: s.setMute,
    toggleKeypad: s.toggleKeypad,
    toggleTransfer: s.toggleTransfer,
    conference: s.conference,
    liveCalls: (s.snapshot?.calls ?? []).filter(isLive).length,
    keypadOpen: Boolean(s.keypadOpen[call.id]),
    transferOpen: Boolean(s.transferOpen[call.id]),
  }));
  const now = useNow(call.state !== 'ended');
  const name = remotePartyName(call.remote);
  const stateText = callStateText(call.state);
  const reason = endReasonText(call);
  const inboundRinging = isInboundRinging(call);
  const live = isLive(call);
  const ended = call.state === 'ended';
  const hasDisplayName = Boolean(call.remote.displayName?.trim());
  const inConference = Boolean(call.conferenceId) && !ended;
  // Conference joins the agent's two live calls; with any other number of calls it has nothing to join.
  const canConference = live && !call.conferenceId && a.liveCalls === 2;

  return (
    <li className={`call call-${call.state}${call.missed ? ' call-missed' : ''}${inConference ? ' call-in-conference' : ''}`}>
      <div role="group" aria-label={name} className="call-body">
        <div className="call-head">
          <div className="call-party">
            {hasDisplayName && <span className="call-name">{call.remote.displayName}</span>}
            <span className="call-number">{call.remote.number}</span>
          </div>
          <div className="call-meta">
            <span className="call-direction">{call.direction === 'inbound' ? 'Incoming' : 'Outgoing'}</span>
            <span className="call-timer">{formatDuration(callElapsedSeconds(call, now))}</span>
          </div>
        </div>
        <p className="call-status">
          <span className="call-state">{stateText}</span>
          {reason && <span className="call-end-reason">{reason}</span>}
          {call.missed && reason !== 'Missed' && <span className="call-missed-badge">Missed</span>}
          {call.muted && !ended && <span className="call-muted-badge">Muted</span>}
          {inConference && <span className="call-conference-badge">In conference</span>}
        </p>
        {!ended && (
          <div className="call-actions">
            {inboundRinging && (
              <>
                <button type="button" className="btn-answer" onClick={() => void a.answer(call.id)}>
                  Answer
                </button>
                <button type="button" className="btn-danger" onClick={() => void a.decline(call.id)}>
                  Decline
                </button>
              </>
            )}
            {!inboundRinging && (
              <button type="button" className="btn-danger" onClick={() => void a.hangup(call.id)}>
                Hang up
              </button>
            )}
            {live && (
              <>
                {call.state === 'held' ? (
                  <button type="button" onClick={() => void a.setHold(call.id, false)}>
                    Resume
                  </button>
                ) : (
                  <button type="button" onClick={() => void a.setHold(call.id, true)}>
                    Hold
                  </button>
                )}
                {call.muted ? (
                  <button type="button" onClick={() => void a.setMute(call.id, false)}>
                    Unmute
                  </button>
                ) : (
                  <button type="button" onClick={() => void a.setMute(call.id, true)}>
                    Mute
                  </button>
                )}
                <button
                  type="button"
                  aria-expanded={a.keypadOpen}
                  aria-controls={a.keypadOpen ? `keypad-${call.id}` : undefined}
                  onClick={() => a.toggleKeypad(call.id)}
                >
                  Keypad
                </button>
                <button
                  type="button"
                  aria-expanded={a.transferOpen}
                  aria-controls={a.transferOpen ? `transfer-${call.id}` : undefined}
                  onClick={() => a.toggleTransfer(call.id)}
                >
                  Transfer
                </button>
                <button type="button" disabled={!canConference} onClick={() => void a.conference(call.id)}>
                  Conference
                </button>
              </>
            )}
          </div>
        )}
        {live && a.keypadOpen && <Keypad callId={call.id} />}
        {live && a.transferOpen && <TransferForm callId={call.id} />}
      </div>
    </li>
  );
}
