// Domain types shared by the core and the renderer. No runtime imports here (see DESIGN.md).

export type RegistrationStateName = 'unregistered' | 'registering' | 'registered' | 'failed';

export interface RegistrationSnapshot {
  state: RegistrationStateName;
  /** Plain words shown after "Registration failed: " e.g. "401 Unauthorized — check the password in Settings". */
  reason?: string;
  /** Address of record we register, e.g. sip:1001@testbed.local */
  aor?: string;
  /** Epoch ms when the current binding expires (registered only). */
  expiresAt?: number;
}

/**
 * Call states. The UI shows: calling/ringing/early -> "Ringing", connected -> "Connected",
 * held -> "On hold", ended -> "Ended".
 */
export type CallStateName = 'calling' | 'ringing' | 'early' | 'connected' | 'held' | 'ended';
export type CallDirection = 'inbound' | 'outbound';

export interface RemoteParty {
  /** Display name from the From/To header or P-Asserted-Identity, if any. */
  displayName?: string;
  /** The user part (number) of the remote URI, what the agent sees and dials back. */
  number: string;
  uri: string;
}

export interface RtpDirectionStats {
  packets: number;
  bytes: number;
  /** Packets lost as counted from sequence gaps (receiving side). */
  lost: number;
  /** Interarrival jitter, milliseconds (RFC 3550 estimator). */
  jitterMs: number;
}

export interface CallMediaStats {
  codec?: string;
  /** RTP from the SIP far end, relayed to the renderer. */
  fromSip: RtpDirectionStats;
  /** RTP from the renderer (agent microphone), relayed to the SIP far end. */
  toSip: RtpDirectionStats;
  /** From RTCP receiver reports sent by the far end, if any. */
  remoteReport?: { fractionLost: number; cumulativeLost: number; jitterMs: number; rttMs?: number };
}

export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  remote: RemoteParty;
  state: CallStateName;
  /** Why the call ended, in plain words ("Busy", "Not found", "Declined", "Cancelled by caller", "Hung up by remote party" ...). */
  endReason?: string;
  /** SIP status that ended the call if any (486, 404, ...). */
  endStatus?: number;
  /** Inbound call that was cancelled by the caller before the agent answered. */
  missed?: boolean;
  muted: boolean;
  /** Epoch ms */
  startedAt: number;
  connectedAt?: number;
  endedAt?: number;
  /** Transceiver mid of this call on the renderer<->core peer connection (set once media is negotiated). */
  mid?: string;
  /** Set on every call of one local conference (same id): the UI shows them together. */
  conferenceId?: string;
  media: CallMediaStats;
}

export type AgentStateName = 'ready' | 'not-ready' | 'after-call-work';
export interface AgentSnapshot {
  state: AgentStateName;
  /** Reason for not-ready, e.g. "Break", "Lunch", "Training", "Meeting". */
  reason?: string;
  since: number;
}

export const NOT_READY_REASONS = ['Break', 'Lunch', 'Training', 'Meeting', 'Coaching'] as const;

export interface HistoryEntry {
  callId: string;
  direction: CallDirection;
  remote: RemoteParty;
  startedAt: number;
  durationSec: number;
  missed: boolean;
  endReason?: string;
}

export type RtcConnectionState = 'idle' | 'connecting' | 'connected' | 'failed';

export interface FieldError {
  /** Dotted path of the field, e.g. "sip.password" or "media.rtpPortMin". */
  field: string;
  message: string;
}

/** Everything the renderer needs to draw the UI. Sent whole on every change (small). */
export interface AppSnapshot {
  /** Increases with every snapshot the core sends. */
  seq: number;
  registration: RegistrationSnapshot;
  profile: ProfileStatus;
  calls: CallSnapshot[];
  agent: AgentSnapshot;
  history: HistoryEntry[];
  rtc: RtcConnectionState;
}

export interface ProfileStatus {
  /** True when a complete, valid profile is loaded (the app can register). */
  configured: boolean;
  /** Source of the loaded profile (file path, "settings", ...), for display. */
  source?: string;
  /** Current values with the password removed (hasPassword tells whether one is stored). */
  values?: ProfileView;
  hasPassword: boolean;
  /** Field paths IT has locked; the settings screen shows them read-only. */
  locked: string[];
  /** Problems found in the profile, per field. */
  errors: FieldError[];
}

export interface SipSettings {
  uri: string;
  authUser?: string;
  password?: string;
  /** e.g. "sip:127.0.0.1:5070;transport=udp" */
  outboundProxy?: string;
  /** Local IP to bind and to advertise in Via/Contact/SDP. */
  localAddress?: string;
  /** Registration expiry asked for, seconds. */
  registerExpires?: number;
  /** Transport when the outbound proxy does not say; default udp. */
  transport?: 'udp' | 'tcp' | 'tls';
  /**
   * TLS only: path of a PEM bundle with the CA certificate(s) that signed the SIP server's
   * certificate (a private CA IT deploys); trusted in addition to the built-in CA store.
   */
  tlsCaFile?: string;
}

export interface MediaSettings {
  rtpPortMin?: number;
  rtpPortMax?: number;
}

export interface Profile {
  displayName?: string;
  sip: SipSettings;
  media?: MediaSettings;
  /** Fields added by later issues (devices, hotkeys, updates, ...) live in their own sections. */
  [section: string]: unknown;
}

export type ProfileView = Omit<Profile, 'sip'> & { sip: Omit<SipSettings, 'password'> };
