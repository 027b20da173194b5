// Packet capture for audio checks baresip cannot record (after a hold) or that happen inside
// the app: tcpdump writes a pcap, this module reads UDP/RTP from it.
import fs from 'node:fs';
import path from 'node:path';
import { decodeG711, type Pcm } from './audio';
import { spawnPeer, type PeerProcess } from './process';
import { keepTemp, makeTempDir, removeDir } from './tmp';

export interface Capture {
  path: string;
  process: PeerProcess;
  /** Stops tcpdump (flushes the file) and returns the pcap path. */
  stop(): Promise<string>;
  /** Stops if needed and removes the temp dir. */
  dispose(): Promise<void>;
}

/** Starts tcpdump on `iface` (default lo) with a BPF filter; resolves once it is listening. */
export async function capture(iface = 'lo', filter = 'udp', options: { path?: string; timeoutMs?: number } = {}): Promise<Capture> {
  const dir = options.path ? undefined : makeTempDir('pcap');
  const file = options.path ?? path.join(dir!, 'capture.pcap');
  // -U: write each packet at once so a reader sees it before stop; -s 0: whole packets.
  const proc = spawnPeer('tcpdump', 'tcpdump', ['-i', iface, '-U', '-n', '-s', '0', '-w', file, ...filter.split(/\s+/).filter(Boolean)]);
  await proc.waitForLine(/listening on/, options.timeoutMs ?? 10_000);
  let stopped = false;
  const stop = async (): Promise<string> => {
    if (!stopped) {
      stopped = true;
      // SIGTERM makes tcpdump flush and close the file; the peer helper signals the group.
      await proc.stop(2000);
    }
    return file;
  };
  return {
    path: file,
    process: proc,
    stop,
    async dispose() {
      await stop();
      if (dir && !keepTemp) removeDir(dir);
    },
  };
}

export interface UdpPacket {
  /** Seconds since the epoch. */
  time: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payload: Buffer;
}

export class PcapFormatError extends Error {
  override name = 'PcapFormatError';
}

/** Reads IPv4 UDP packets from a classic pcap file (Ethernet, Linux cooked v1/v2, raw IP or BSD loopback). */
export function readPcapUdp(file: string): UdpPacket[] {
  const buf = fs.readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  let le: boolean;
  let nano = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new PcapFormatError(`${file} is not a pcap file (pcapng is not supported)`);
  if (magic === 0xa1b23c4d || magic === 0x4d3cb2a1) nano = true;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linktype = u32(20) & 0xffff;
  const out: UdpPacket[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const start = off + 16;
    off = start + incl;
    if (off > buf.length) break; // truncated last packet (capture still running)
    const frame = buf.subarray(start, start + incl);
    let ip: number;
    if (linktype === 1) {
      if (frame.length < 14 || frame.readUInt16BE(12) !== 0x0800) continue;
      ip = 14;
    } else if (linktype === 113) {
      if (frame.length < 16 || frame.readUInt16BE(14) !== 0x0800) continue;
      ip = 16;
    } else if (linktype === 276) {
      if (frame.length < 20 || frame.readUInt16BE(0) !== 0x0800) continue;
      ip = 20;
    } else if (linktype === 0 || linktype === 108) {
      ip = 4;
    } else if (linktype === 101 || linktype === 12 || linktype === 228) {
      ip = 0;
    } else {
      throw new PcapFormatError(`${file}: unsupported link type ${linktype}`);
    }
    if (frame.length < ip + 20 || frame[ip]! >> 4 !== 4 || frame[ip + 9] !== 17) continue;
    const ihl = (frame[ip]! & 0x0f) * 4;
    const fragment = frame.readUInt16BE(ip + 6) & 0x3fff;
    if (fragment !== 0) continue;
    const udp = ip + ihl;
    if (frame.length < udp + 8) continue;
    const udpLen = frame.readUInt16BE(udp + 4);
    out.push({
      time: sec + frac / (nano ? 1e9 : 1e6),
      src: `${frame[ip + 12]}.${frame[ip + 13]}.${frame[ip + 14]}.${frame[ip + 15]}`,
      dst: `${frame[ip + 16]}.${frame[ip + 17]}.${frame[ip + 18]}.${frame[ip + 19]}`,
      srcPort: frame.readUInt16BE(udp),
      dstPort: frame.readUInt16BE(udp + 2),
      payload: Buffer.from(frame.subarray(udp + 8, Math.min(frame.length, udp + Math.max(8, udpLen)))),
    });
  }
  return out;
}

export interface RtpPacket {
  time: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses an RTP packet (RFC 3550), or undefined if the bytes are not RTP (e.g. RTCP, STUN, SIP). */
export function parseRtp(data: Buffer): Omit<RtpPacket, 'time' | 'src' | 'srcPort' | 'dst' | 'dstPort'> | undefined {
  if (data.length < 12 || data[0]! >> 6 !== 2) return undefined;
  const pt = data[1]! & 0x7f;
  if (pt >= 72 && pt <= 76) return undefined; // RTCP SR/RR/SDES/BYE/APP share the first bits
  const cc = data[0]! & 0x0f;
  let off = 12 + cc * 4;
  if (data[0]! & 0x10) {
    if (data.length < off + 4) return undefined;
    off += 4 + data.readUInt16BE(off + 2) * 4;
  }
  let end = data.length;
  if (data[0]! & 0x20) end -= data[data.length - 1]!;
  if (off > end) return undefined;
  return {
    payloadType: pt,
    marker: (data[1]! & 0x80) !== 0,
    sequence: data.readUInt16BE(2),
    timestamp: data.readUInt32BE(4),
    ssrc: data.readUInt32BE(8),
    payload: data.subarray(off, end),
  };
}

export interface RtpFilter {
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  payloadType?: number;
  /** Only packets captured at or after this time (epoch seconds), e.g. after a resume. */
  after?: number;
}

/** RTP packets in a pcap matching the filter, in capture order. */
export function readRtp(file: string, filter: RtpFilter = {}): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (const p of readPcapUdp(file)) {
    if (filter.src && p.src !== filter.src) continue;
    if (filter.srcPort !== undefined && p.srcPort !== filter.srcPort) continue;
    if (filter.dst && p.dst !== filter.dst) continue;
    if (filter.dstPort !== undefined && p.dstPort !== filter.dstPort) continue;
    if (filter.after !== undefined && p.time < filter.after) continue;
    const rtp = parseRtp(p.payload);
    if (!rtp) continue;
    if (filter.payloadType !== undefined && rtp.payloadType !== filter.payloadType) continue;
    out.push({ time: p.time, src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort, ...rtp });
  }
  return out;
}

/** Decodes G.711 RTP (PT 0 = PCMU, 8 = PCMA) in sequence order into 8 kHz samples. Other PTs are skipped. */
export function rtpToPcm(packets: readonly RtpPacket[], payloadType?: 0 | 8): Pcm {
  const pt = payloadType ?? (packets.find((p) => p.payloadType === 0 || p.payloadType === 8)?.payloadType as 0 | 8 | undefined) ?? 0;
  const chosen = packets.filter((p) => p.payloadType === pt);
  return decodeG711(chosen.map((p) => p.payload), pt === 0 ? 'PCMU' : 'PCMA');
}

/** Groups RTP packets by (src:port -> dst:port, ssrc) to find the streams of a call. */
export function rtpStreams(packets: readonly RtpPacket[]): Map<string, RtpPacket[]> {
  const streams = new Map<string, RtpPacket[]>();
  for (const p of packets) {
    const key = `${p.src}:${p.srcPort}->${p.dst}:${p.dstPort} ssrc=${p.ssrc.toString(16)} pt=${p.payloadType}`;
    let list = streams.get(key);
    if (!list) streams.set(key, (list = []));
    list.push(p);
  }
  return streams;
}
