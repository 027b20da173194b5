// One call's state machine. The table is the whole truth about which events a state accepts;
// anything else is logged and ignored (a late 180 after the 200 OK, a BYE after we already
// ended the call, a double click on Hold) instead of corrupting the call.
import type { CallStateName } from '../../../shared/types';

export type CallEventName =
  /** 180 Ringing (no early media). */
  | 'ringing'
  /** 183 with SDP: the far end's early media is relayed. */
  | 'earlyMedia'
  /** 200 OK sent (inbound answer) or received (outbound). */
  | 'accepted'
  | 'hold'
  | 'resume'
  | 'end';

const TRANSITIONS: Readonly<Record<CallStateName, Partial<Record<CallEventName, CallStateName>>>> = {
  calling: { ringing: 'ringing', earlyMedia: 'early', accepted: 'connected', end: 'ended' },
  ringing: { ringing: 'ringing', earlyMedia: 'early', accepted: 'connected', end: 'ended' },
  early: { ringing: 'early', earlyMedia: 'early', accepted: 'connected', end: 'ended' },
  // accepted again: the answer() promise and the SIP 'accepted' event both report the same 200 OK.
  connected: { accepted: 'connected', hold: 'held', end: 'ended' },
  held: { accepted: 'held', resume: 'connected', end: 'ended' },
  ended: {},
};

/** The state a call reaches on `event`, or undefined when the event is not valid there. */
export function nextCallState(state: CallStateName, event: CallEventName): CallStateName | undefined {
  return TRANSITIONS[state][event];
}

/** States in which a call still occupies the agent (everything but ended). */
export function isLive(state: CallStateName): boolean {
  return state !== 'ended';
}
