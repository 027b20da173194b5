// The seam between the SIP leg (sip/) and the media gateway (gateway/). The SIP
// SessionDescriptionHandler builds and parses plain RTP/AVP SDP; the gateway owns the
// sockets and relays packets. Neither knows the other's internals.
import type { CallMediaStats } from '../../../shared/types';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface CodecSpec {
  /** Encoding name as in a=rtpmap, case as commonly written: PCMU, PCMA, G722, opus, telephone-event. */
  name: string;
  payloadType: number;
  /** RTP clock rate from a=rtpmap (G722 is 8000 by RFC 3551 even though it samples at 16 kHz). */
  clockRate: number;
  channels?: number;
  fmtp?: string;
}

/** Result of one completed offer/answer on the SIP leg. */
export interface NegotiatedMedia {
  remoteAddress: string;
  remoteRtpPort: number;
  /** From a=rtcp if present, else remoteRtpPort + 1. */
  remoteRtcpPort: number;
  /** The one audio codec both sides use (first common codec). */
  codec: CodecSpec;
  /** RFC 4733 telephone-event at 8 kHz if the far end supports it. */
  telephoneEvent?: CodecSpec;
  /** Direction from OUR side's point of view (e.g. 'sendonly' while we hold the far end). */
  direction: MediaDirection;
  /** Packet time the far end asked for (a=ptime), ms. */
  ptime?: number;
}

/** What the SIP leg needs from the gateway for one call. Implemented by the gateway's RTP leg. */
export interface SipMediaPort {
  /** Address to put in c= (the profile's localAddress). */
  readonly localAddress: string;
  /** Bound RTP port (even); RTCP is rtpPort + 1. */
  readonly rtpPort: number;
  /** Called after every completed offer/answer on the SIP leg (initial, early media, re-INVITE, hold). */
  applyNegotiation(media: NegotiatedMedia): void;
  /**
   * Optional hint before the offer/answer completes: the codec (and telephone-event) the call
   * will most likely use, e.g. the one an inbound INVITE's offer makes us answer with. The
   * gateway negotiates the call's renderer leg with it ahead of time (it already does so with
   * PCMU when the media is created); relays nothing; ignored once applyNegotiation was called.
   */
  prepare?(codec: CodecSpec, telephoneEvent?: CodecSpec): void;
}

export interface CallMediaEvents {
  /** First RTP packet relayed in that direction (for "200 OK to two-way audio" measurements). */
  firstPacket: (direction: 'fromSip' | 'toSip') => void;
  /** The renderer transceiver for this call is negotiated; `mid` identifies it. */
  rendererReady: (mid: string) => void;
  /** Media failed (e.g. renderer connection lost); the call layer decides what to tell the agent. */
  error: (error: Error) => void;
}

/** One call's media in the gateway: SIP-side RTP leg + its transceiver on the renderer connection. */
export interface CallMedia extends SipMediaPort {
  readonly callId: string;
  /** Renderer transceiver mid once negotiated. */
  readonly mid: string | undefined;
  on<K extends keyof CallMediaEvents>(event: K, listener: CallMediaEvents[K]): () => void;
  /** Start/stop relaying between the legs (inbound calls relay only after Answer). */
  setRelaying(on: boolean): void;
  /** Mute the agent: nothing from the microphone reaches the far end (silence is sent instead). */
  setMuted(muted: boolean): void;
  /** Sends RFC 4733 events; resolves false when the far end did not negotiate telephone-event (caller falls back to SIP INFO). */
  sendDtmf(digits: string): Promise<boolean>;
  stats(): CallMediaStats;
  /** Releases ports, sockets and the transceiver. Safe to call twice. */
  dispose(): void;
}

export interface GatewayEvents {
  /** SDP for the renderer peer connection (the core sends it as an `rtc.description` event). */
  description: (description: { type: 'offer' | 'answer'; sdp: string }) => void;
  rtcState: (state: 'idle' | 'connecting' | 'connected' | 'failed') => void;
}

export interface GatewayOptions {
  localAddress: string;
  rtpPortMin: number;
  rtpPortMax: number;
  /** Mean RTCP report interval on the SIP leg, ms (default 5000; randomised 0.5-1.5x per RFC 3550). Tests shorten it. */
  rtcpIntervalMs?: number;
}

/** Calls whose SIP legs hear each other (and the agent): a local conference mixed in the gateway. */
export interface MediaConference {
  /** CallMedia.callId of the members still mixed. */
  readonly callIds: readonly string[];
  /** Takes one call out (it ended or left); with fewer than two members left the mix ends and the rest go back to plain relay. */
  remove(callId: string): void;
  /** Ends the mix: every member goes back to plain relay. Safe twice. */
  dispose(): void;
}

/** The media gateway: one long-lived peer connection to the renderer, one CallMedia per call. */
export interface MediaGateway {
  on<K extends keyof GatewayEvents>(event: K, listener: GatewayEvents[K]): () => void;
  /** An SDP from the renderer (`rtc.description` command). */
  handleRendererDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  /** Allocates an RTP/RTCP port pair from the range; throws PortRangeExhaustedError when none is free. */
  createCallMedia(callId: string): Promise<CallMedia>;
  /** An echo test: loops the renderer's audio back to it through the gateway, no SIP involved. */
  startEchoTest(): Promise<CallMedia>;
  /**
   * Mixes the SIP legs of `members` (created by this gateway, negotiated, G.711): each far end
   * hears the agent and the other far ends. Throws ConferenceCodecError naming the call whose
   * codec the mixer cannot decode, ConferenceMediaError for media it does not know or that is
   * not negotiated yet. Optional so that gateways without a mixer stay valid.
   */
  conference?(members: readonly CallMedia[]): MediaConference;
  dispose(): Promise<void>;
}
