// What the call layer (calls/) sees of the SIP stack. The SIP stack is sip.js core API over
// our own Node transports; none of that leaks through here.
import type { Profile, RegistrationSnapshot, RemoteParty, CallDirection } from '../../../shared/types';
import type { SipMediaPort } from '../gateway/types';

export interface SipProgress {
  status: number;
  reason: string;
  /** The provisional response carried SDP (183 Session Progress): early media is being relayed. */
  earlyMedia: boolean;
}

export interface SipEnded {
  /** Who ended it: 'local' (agent), 'remote' (far end BYE/CANCEL/final error), 'error' (transport/timeout). */
  by: 'local' | 'remote' | 'error';
  /** SIP status of the final response if the call failed or was rejected (486, 404, 487 ...). */
  status?: number;
  /** Plain words for the agent: "Busy", "Not found", "Declined", "Cancelled by caller", "Hung up by remote party", "No answer" ... */
  reason: string;
}

export interface SipCallEvents {
  progress: (progress: SipProgress) => void;
  /** 200 OK sent or received and the dialog is confirmed. */
  accepted: () => void;
  /** The far end put us on hold / resumed (re-INVITE with sendonly/inactive). */
  remoteHold: (held: boolean) => void;
  ended: (ended: SipEnded) => void;
}

export interface SipCall {
  readonly id: string;
  readonly direction: CallDirection;
  readonly remote: RemoteParty;
  on<K extends keyof SipCallEvents>(event: K, listener: SipCallEvents[K]): () => void;
  /** Inbound only: 200 OK with our SDP answer. */
  answer(): Promise<void>;
  /** Inbound only: reject with 486 Busy Here or 603 Decline. */
  decline(status: 486 | 603): Promise<void>;
  /** CANCEL while ringing (outbound), BYE once connected, reject if inbound unanswered. */
  hangup(): Promise<void>;
  /** re-INVITE with a=sendonly (hold) or a=sendrecv (resume). */
  setHold(hold: boolean): Promise<void>;
  /** SIP INFO application/dtmf-relay fallback when RFC 4733 was not negotiated. */
  sendInfoDtmf(digit: string): Promise<void>;
  /** Blind transfer with REFER. */
  transfer(target: string): Promise<void>;
}

export interface SipAccountEvents {
  registration: (state: RegistrationSnapshot) => void;
  /** A new inbound INVITE; the call layer rings and later answers or declines it. */
  incoming: (call: SipCall) => void;
  /** Every SIP message sent or received (already redacted), for diagnostics' "last SIP messages". */
  message: (direction: 'in' | 'out', text: string) => void;
}

export interface SipAccountOptions {
  profile: Profile;
  /** Allocates media for a new call (outbound before the INVITE is built, inbound on INVITE). */
  createMedia: (callId: string) => Promise<SipMediaPort>;
  /** Called when a call ends so its media can be disposed (also on failures). */
  releaseMedia: (callId: string) => void;
}

export interface SipAccount {
  on<K extends keyof SipAccountEvents>(event: K, listener: SipAccountEvents[K]): () => void;
  readonly registration: RegistrationSnapshot;
  /** Opens the transport and registers. Resolves when the first REGISTER got a final answer. */
  start(): Promise<void>;
  /** Re-registers now (e.g. after the agent fixed the password). */
  register(): Promise<void>;
  /** Unregisters (Expires: 0), ends calls, closes the transport. */
  stop(): Promise<void>;
  /** Places a call. `target` is a number (dialled in the account's domain) or a sip: URI. */
  dial(target: string): Promise<SipCall>;
}
