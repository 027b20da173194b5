// Named errors of the media gateway. Messages say what failed and what to do.

export class PortRangeExhaustedError extends Error {
  override name = 'PortRangeExhaustedError';
  constructor(
    readonly rtpPortMin: number,
    readonly rtpPortMax: number,
  ) {
    super(
      `No free RTP port pair in ${rtpPortMin}-${rtpPortMax} — end another call or widen media.rtpPortMin/rtpPortMax in Settings`,
    );
  }
}

export class GatewayDisposedError extends Error {
  override name = 'GatewayDisposedError';
  constructor() {
    super('The media gateway was shut down — restart the app');
  }
}

/** The renderer's peer connection rejected or could not apply an SDP. */
export class RendererNegotiationError extends Error {
  override name = 'RendererNegotiationError';
}

/** The SIP leg agreed a codec the renderer leg cannot carry. */
export class UnsupportedCodecError extends Error {
  override name = 'UnsupportedCodecError';
}

/** A conference member uses a codec the mixer cannot decode (it mixes G.711 only). */
export class ConferenceCodecError extends Error {
  override name = 'ConferenceCodecError';
  constructor(
    readonly callId: string,
    readonly codec: string,
  ) {
    super(`Conference needs both calls on G.711 (PCMU/PCMA); call ${callId} uses ${codec}`);
  }
}

/** Conference members the gateway cannot mix (unknown, ended, not negotiated yet, fewer than two). */
export class ConferenceMediaError extends Error {
  override name = 'ConferenceMediaError';
}
