// Plain RTP/AVP SDP for the SIP leg: build our offer/answer, parse the far end's, pick the codec.
// Pure functions; the SessionDescriptionHandler (sdh.ts) owns the offer/answer state.
import type { CodecSpec, MediaDirection, NegotiatedMedia } from '../gateway/types';

/** The SDP could not be parsed (malformed line, no audio, bad port ...). Maps to 400/488. */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
}

/** Offer and answer share no audio codec. The call is rejected with 488 Not Acceptable Here. */
export class SdpNegotiationError extends Error {
  override readonly name = 'SdpNegotiationError';
  constructor(
    message: string,
    readonly status = 488,
  ) {
    super(message);
  }
}

/** What we offer, in our order of preference. Static PTs per RFC 3551, dynamic ones ours. */
export const LOCAL_CODECS: readonly CodecSpec[] = [
  { name: 'PCMU', payloadType: 0, clockRate: 8000 },
  { name: 'PCMA', payloadType: 8, clockRate: 8000 },
  { name: 'G722', payloadType: 9, clockRate: 8000 },
  { name: 'opus', payloadType: 111, clockRate: 48000, channels: 2 },
];
export const LOCAL_TELEPHONE_EVENT: CodecSpec = {
  name: 'telephone-event',
  payloadType: 101,
  clockRate: 8000,
  fmtp: '0-16',
};

const STATIC_PT: Record<number, CodecSpec> = {
  0: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
  8: { name: 'PCMA', payloadType: 8, clockRate: 8000 },
  9: { name: 'G722', payloadType: 9, clockRate: 8000 },
};

export interface ParsedAudio {
  address: string;
  port: number;
  rtcpPort: number;
  /** Codecs in the order of the m= line, including telephone-event. */
  codecs: CodecSpec[];
  direction: MediaDirection;
  ptime?: number;
}

export interface ParsedSdp {
  sessionVersion?: number;
  /** First audio m-line; undefined when the audio stream was rejected (port 0). */
  audio?: ParsedAudio;
}

const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function parseConnection(value: string, where: string): string {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3 || parts[0] !== 'IN' || (parts[1] !== 'IP4' && parts[1] !== 'IP6')) {
    throw new SdpParseError(`bad c= line in ${where}: "${value}"`);
  }
  return (parts[2] ?? '').split('/')[0] ?? '';
}

/**
 * Parses an SDP body; throws SdpParseError for anything we cannot use safely, and
 * SdpNegotiationError for well-formed audio we cannot take (encrypted media). `party` names the
 * sender in that error ("The caller" for an inbound INVITE).
 */
export function parseSdp(text: string, party = 'The far end'): ParsedSdp {
  if (typeof text !== 'string' || !text.trim()) throw new SdpParseError('empty session description');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (!lines[0]?.startsWith('v=')) throw new SdpParseError('session description does not start with v=');
  let sessionAddress: string | undefined;
  let sessionDirection: MediaDirection | undefined;
  let sessionVersion: number | undefined;
  interface Section {
    media: string;
    port: number;
    proto: string;
    formats: string[];
    address?: string;
    rtcpPort?: number;
    direction?: MediaDirection;
    rtpmap: Map<number, { name: string; clockRate: number; channels?: number }>;
    fmtp: Map<number, string>;
    ptime?: number;
  }
  const sections: Section[] = [];
  let current: Section | undefined;
  for (const line of lines) {
    if (line[1] !== '=') throw new SdpParseError(`malformed line "${line.slice(0, 40)}"`);
    const type = line[0];
    const value = line.slice(2);
    if (type === 'o' && !current) {
      const v = Number(value.trim().split(/\s+/)[2]);
      if (Number.isFinite(v)) sessionVersion = v;
    } else if (type === 'm') {
      const parts = value.trim().split(/\s+/);
      const port = Number((parts[1] ?? '').split('/')[0]);
      if (parts.length < 4 || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new SdpParseError(`bad m= line "${value}"`);
      }
      current = {
        media: parts[0] ?? '',
        port,
        proto: parts[2] ?? '',
        formats: parts.slice(3),
        rtpmap: new Map(),
        fmtp: new Map(),
      };
      sections.push(current);
    } else if (type === 'c') {
      const address = parseConnection(value, current ? 'media' : 'session');
      if (current) current.address = address;
      else sessionAddress = address;
    } else if (type === 'a') {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const arg = colon < 0 ? '' : value.slice(colon + 1);
      if ((DIRECTIONS as readonly string[]).includes(name)) {
        if (current) current.direction = name as MediaDirection;
        else sessionDirection = name as MediaDirection;
      } else if (current && name === 'rtpmap') {
        const m = /^(\d+)\s+([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(arg);
        if (!m) throw new SdpParseError(`bad a=rtpmap "${arg}"`);
        const channels = m[4] ? Number(m[4]) : undefined;
        current.rtpmap.set(Number(m[1]), { name: m[2] ?? '', clockRate: Number(m[3]), ...(channels ? { channels } : {}) });
      } else if (current && name === 'fmtp') {
        const m = /^(\d+)\s+(.*)$/.exec(arg);
        if (m) current.fmtp.set(Number(m[1]), (m[2] ?? '').trim());
      } else if (current && name === 'rtcp') {
        const port = Number(arg.trim().split(/\s+/)[0]);
        if (Number.isInteger(port) && port > 0 && port <= 65535) current.rtcpPort = port;
      } else if (current && name === 'ptime') {
        const ptime = Number(arg);
        if (Number.isFinite(ptime) && ptime > 0) current.ptime = ptime;
      }
    }
  }
  const audio = sections.find((s) => s.media === 'audio');
  if (!audio) {
    throw new SdpParseError(sections.length ? 'no audio stream in the session description' : 'no m= line in the session description');
  }
  if (audio.port === 0) return { sessionVersion };
  // We always answer plain RTP/AVP (RFC 3264: the answer keeps the offer's transport), so an
  // SRTP stream (RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF) must be refused with 488, not answered
  // in the clear: its ciphertext would be played as noise.
  if (/SAVP/i.test(audio.proto)) {
    throw new SdpNegotiationError(`${party} offered only encrypted media (${audio.proto}), which this softphone does not support`);
  }
  if (!/^RTP\/AVPF?$/.test(audio.proto)) {
    throw new SdpParseError(`unsupported audio transport "${audio.proto}" (plain RTP/AVP expected)`);
  }
  const address = audio.address ?? sessionAddress;
  if (!address) throw new SdpParseError('no c= connection address for the audio stream');
  const codecs: CodecSpec[] = [];
  for (const f of audio.formats) {
    const pt = Number(f);
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new SdpParseError(`bad payload type "${f}" in m= line`);
    const map = audio.rtpmap.get(pt);
    const fmtp = audio.fmtp.get(pt);
    if (map) {
      codecs.push({ name: map.name, payloadType: pt, clockRate: map.clockRate, ...(map.channels ? { channels: map.channels } : {}), ...(fmtp ? { fmtp } : {}) });
    } else if (STATIC_PT[pt]) {
      codecs.push({ ...STATIC_PT[pt], ...(fmtp ? { fmtp } : {}) });
    }
    // A dynamic PT without rtpmap cannot be identified: skip it.
  }
  return {
    sessionVersion,
    audio: {
      address,
      port: audio.port,
      rtcpPort: audio.rtcpPort ?? audio.port + 1,
      codecs,
      direction: audio.direction ?? sessionDirection ?? 'sendrecv',
      ...(audio.ptime ? { ptime: audio.ptime } : {}),
    },
  };
}

function sameCodec(a: CodecSpec, b: CodecSpec): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.clockRate === b.clockRate;
}

function isTelephoneEvent(c: CodecSpec): boolean {
  return c.name.toLowerCase() === 'telephone-event';
}

export function describeCodecs(codecs: readonly CodecSpec[]): string {
  const names = codecs.filter((c) => !isTelephoneEvent(c)).map((c) => c.name);
  return names.length ? names.join(', ') : 'none';
}

export interface Choice {
  codec: CodecSpec;
  telephoneEvent?: CodecSpec;
}

/**
 * First codec of `offered` (the offerer's order) that we support; payload types are the
 * offerer's. Throws SdpNegotiationError when nothing matches.
 */
export function chooseCodec(offered: readonly CodecSpec[], supported: readonly CodecSpec[] = LOCAL_CODECS): Choice {
  const codec = offered.find((c) => !isTelephoneEvent(c) && supported.some((s) => sameCodec(s, c)));
  if (!codec) {
    throw new SdpNegotiationError(`No common audio codec (offered: ${describeCodecs(offered)})`);
  }
  const telephoneEvent = offered.find((c) => isTelephoneEvent(c) && c.clockRate === 8000);
  return { codec, ...(telephoneEvent ? { telephoneEvent } : {}) };
}

/** The direction we answer with, given the direction the far end offered. */
export function answerDirection(offered: MediaDirection, localHold: boolean): MediaDirection {
  const base: MediaDirection = offered === 'sendonly' ? 'recvonly' : offered === 'recvonly' ? 'sendonly' : offered;
  if (!localHold) return base;
  // We hold too: we will not send.
  if (base === 'sendrecv' || base === 'recvonly') return base === 'sendrecv' ? 'sendonly' : 'inactive';
  return base === 'sendonly' ? 'sendonly' : 'inactive';
}

export interface BuildSdpOptions {
  sessionId: string;
  version: number;
  address: string;
  port: number;
  codecs: readonly CodecSpec[];
  telephoneEvent?: CodecSpec;
  direction: MediaDirection;
  ptime?: number;
}

function rtpmapLine(c: CodecSpec): string {
  return `a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}${c.channels && c.channels > 1 ? `/${c.channels}` : ''}`;
}

export function buildSdp(o: BuildSdpOptions): string {
  const all = o.telephoneEvent ? [...o.codecs, o.telephoneEvent] : [...o.codecs];
  const lines = [
    'v=0',
    `o=- ${o.sessionId} ${o.version} IN IP4 ${o.address}`,
    's=-',
    `c=IN IP4 ${o.address}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${all.map((c) => c.payloadType).join(' ')}`,
  ];
  for (const c of all) {
    lines.push(rtpmapLine(c));
    if (c.fmtp) lines.push(`a=fmtp:${c.payloadType} ${c.fmtp}`);
  }
  lines.push(`a=ptime:${o.ptime ?? 20}`);
  lines.push(`a=${o.direction}`);
  return lines.join('\r\n') + '\r\n';
}

/** Negotiated media from the far end's SDP and the codec chosen. */
export function toNegotiated(remote: ParsedAudio, choice: Choice, direction: MediaDirection): NegotiatedMedia {
  return {
    remoteAddress: remote.address,
    remoteRtpPort: remote.port,
    remoteRtcpPort: remote.rtcpPort,
    codec: choice.codec,
    ...(choice.telephoneEvent ? { telephoneEvent: choice.telephoneEvent } : {}),
    direction,
    ...(remote.ptime ? { ptime: remote.ptime } : {}),
  };
}
