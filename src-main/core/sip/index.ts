// The SIP stack's public face: the call layer creates one account per profile.
import type { Logger } from '../log/logger';
import { SipAccountImpl, type SipAccountTuning } from './account';
import type { SipAccount, SipAccountOptions } from './types';

export type { SipAccount, SipAccountOptions, SipCall, SipCallEvents, SipAccountEvents, SipEnded, SipProgress } from './types';
export { SipConfigError, SipNotStartedError, InvalidTargetError, type SipAccountTuning } from './account';
export { SipCallStateError, SipRequestFailedError } from './call';
export { SdpNegotiationError, SdpParseError } from './sdp';

/** Creates the account; nothing touches the network until start(). */
export function createSipAccount(options: SipAccountOptions, log: Logger, tuning?: SipAccountTuning): SipAccount & { dispose(): Promise<void> } {
  return new SipAccountImpl(options, log, tuning);
}
