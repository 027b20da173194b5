// The WebRTC leg's codec table. Payload types are fixed and equal to Chrome's own defaults so
// every m-line in the BUNDLE group maps one PT to one codec (Chrome rejects a BUNDLE with a
// PT collision) and the renderer's first offer already agrees with them.
import { RTCRtpCodecParameters } from 'werift';
import type { CodecSpec } from './types';
import { UnsupportedCodecError } from './errors';

export interface RendererCodec {
  /** Lower-case name as matched against the SIP leg's rtpmap. */
  name: 'pcmu' | 'pcma' | 'g722' | 'opus' | 'telephone-event';
  payloadType: number;
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters?: string;
}

export const RENDERER_CODECS: readonly RendererCodec[] = [
  { name: 'opus', payloadType: 111, mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: 'minptime=10;useinbandfec=1' },
  { name: 'g722', payloadType: 9, mimeType: 'audio/G722', clockRate: 8000, channels: 1 },
  { name: 'pcmu', payloadType: 0, mimeType: 'audio/PCMU', clockRate: 8000, channels: 1 },
  { name: 'pcma', payloadType: 8, mimeType: 'audio/PCMA', clockRate: 8000, channels: 1 },
  // 8 kHz only: werift matches codecs by name, so a 48 kHz telephone-event would be confused with it.
  { name: 'telephone-event', payloadType: 126, mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, parameters: '0-16' },
];

export function toWeriftCodec(c: RendererCodec): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: c.mimeType,
    clockRate: c.clockRate,
    payloadType: c.payloadType,
    ...(c.channels !== undefined ? { channels: c.channels } : {}),
    ...(c.parameters !== undefined ? { parameters: c.parameters } : {}),
    rtcpFeedback: [],
  });
}

export function weriftCodecTable(): RTCRtpCodecParameters[] {
  return RENDERER_CODECS.map(toWeriftCodec);
}

/** The renderer-leg codec carrying exactly the SIP leg's codec, or UnsupportedCodecError. */
export function rendererCodecFor(spec: CodecSpec): RendererCodec {
  const name = spec.name.toLowerCase();
  const match = RENDERER_CODECS.find((c) => c.name === name && c.clockRate === spec.clockRate);
  if (!match) {
    throw new UnsupportedCodecError(`${spec.name}/${spec.clockRate} cannot be relayed to the app's audio (supported: PCMU, PCMA, G722, opus)`);
  }
  return match;
}

export const TELEPHONE_EVENT = RENDERER_CODECS.find((c) => c.name === 'telephone-event')!;

/**
 * What a call's renderer leg is negotiated with before the SIP answer is known: PCMU, the first
 * codec the SIP leg offers (sip/sdp.ts LOCAL_CODECS) and the one most far ends pick, with
 * telephone-event (almost every far end has it; a leg prepared with it is kept when the far end
 * has none). Only its name and clock rate matter here.
 */
export const PREPARED_CODEC: CodecSpec = { name: 'PCMU', payloadType: 0, clockRate: 8000 };
export const PREPARED_TELEPHONE_EVENT: CodecSpec = { name: 'telephone-event', payloadType: 101, clockRate: 8000 };
export const PCMU = RENDERER_CODECS.find((c) => c.name === 'pcmu')!;

/** One packet of silence in the codec, for the mute path; undefined when we cannot build one (then nothing is sent). */
export function silencePayload(codec: string, length: number): Buffer | undefined {
  switch (codec.toLowerCase()) {
    case 'pcmu':
      return Buffer.alloc(length, 0xff);
    case 'pcma':
      return Buffer.alloc(length, 0xd5);
    case 'opus':
      // A 20 ms CELT-only "silence" frame (TOC 0xf8 + no payload bytes is a valid DTX-style frame).
      return Buffer.from([0xf8, 0xff, 0xfe]);
    default:
      return undefined;
  }
}
