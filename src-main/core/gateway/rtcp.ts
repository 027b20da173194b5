// RTCP (RFC 3550 §6) for the plain-RTP leg: our SR/RR with one report block + SDES CNAME,
// and parsing of the far end's SR/RR report blocks (loss, jitter, RTT via LSR/DLSR).

export interface ReportBlock {
  ssrc: number;
  /** 8-bit fixed point fraction (0..255). */
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSeq: number;
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from `ssrc` (0 if none). */
  lsr: number;
  /** Delay since that SR, 1/65536 s. */
  dlsr: number;
}

export interface SenderInfo {
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface ParsedRtcp {
  /** SSRC of whoever sent the SR/RR. */
  senderSsrc?: number;
  senderInfo?: SenderInfo;
  reports: ReportBlock[];
}

const NTP_EPOCH_OFFSET = 2208988800;

/** Current wall clock as NTP seconds/fraction. */
export function ntpNow(nowMs = Date.now()): { sec: number; frac: number } {
  const sec = Math.floor(nowMs / 1000) + NTP_EPOCH_OFFSET;
  const frac = Math.floor(((nowMs % 1000) / 1000) * 0x100000000);
  return { sec: sec >>> 0, frac: frac >>> 0 };
}

/** Middle 32 bits of an NTP timestamp (the "compact" form used in LSR/DLSR), as 1/65536 s. */
export function compactNtp(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}

function writeReportBlock(out: Buffer, offset: number, b: ReportBlock): void {
  out.writeUInt32BE(b.ssrc >>> 0, offset);
  out[offset + 4] = b.fractionLost & 0xff;
  // cumulative lost is a signed 24-bit field; clamp to its range
  const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost)) & 0xffffff;
  out.writeUIntBE(lost, offset + 5, 3);
  out.writeUInt32BE(b.extendedHighestSeq >>> 0, offset + 8);
  out.writeUInt32BE(b.jitter >>> 0, offset + 12);
  out.writeUInt32BE(b.lsr >>> 0, offset + 16);
  out.writeUInt32BE(b.dlsr >>> 0, offset + 20);
}

function sdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8').subarray(0, 255);
  // header 4 + ssrc 4 + item (type, len, text) + terminating null, padded to 32 bits
  const raw = 8 + 2 + text.length + 1;
  const length = Math.ceil(raw / 4) * 4;
  const out = Buffer.alloc(length);
  out[0] = 0x81; // V=2, SC=1
  out[1] = 202;
  out.writeUInt16BE(length / 4 - 1, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  out[8] = 1; // CNAME
  out[9] = text.length;
  text.copy(out, 10);
  return out;
}

/** A compound RTCP packet: SR (when we sent RTP) or RR, then SDES CNAME. */
export function buildReport(opts: {
  ssrc: number;
  cname: string;
  sender?: SenderInfo;
  block?: ReportBlock;
}): Buffer {
  const blocks = opts.block ? 1 : 0;
  const isSr = opts.sender !== undefined;
  const length = 8 + (isSr ? 20 : 0) + blocks * 24;
  const head = Buffer.alloc(length);
  head[0] = 0x80 | blocks;
  head[1] = isSr ? 200 : 201;
  head.writeUInt16BE(length / 4 - 1, 2);
  head.writeUInt32BE(opts.ssrc >>> 0, 4);
  let offset = 8;
  if (opts.sender) {
    head.writeUInt32BE(opts.sender.ntpSec >>> 0, 8);
    head.writeUInt32BE(opts.sender.ntpFrac >>> 0, 12);
    head.writeUInt32BE(opts.sender.rtpTimestamp >>> 0, 16);
    head.writeUInt32BE(opts.sender.packetCount >>> 0, 20);
    head.writeUInt32BE(opts.sender.octetCount >>> 0, 24);
    offset = 28;
  }
  if (opts.block) writeReportBlock(head, offset, opts.block);
  return Buffer.concat([head, sdesCname(opts.ssrc, opts.cname)]);
}

/** Parses a (compound) RTCP datagram; returns undefined when it is not valid RTCP. Unknown packet types are skipped. */
export function parseRtcp(packet: Buffer): ParsedRtcp | undefined {
  if (packet.length < 8) return undefined;
  const result: ParsedRtcp = { reports: [] };
  let offset = 0;
  let valid = false;
  while (offset + 4 <= packet.length) {
    const b0 = packet[offset]!;
    if (b0 >> 6 !== 2) return valid ? result : undefined;
    const count = b0 & 0x1f;
    const type = packet[offset + 1]!;
    const length = (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + length > packet.length) return valid ? result : undefined;
    if (type === 200 || type === 201) {
      const isSr = type === 200;
      const blocksAt = offset + 8 + (isSr ? 20 : 0);
      if (blocksAt + count * 24 > offset + length) return valid ? result : undefined;
      result.senderSsrc = packet.readUInt32BE(offset + 4);
      if (isSr) {
        result.senderInfo = {
          ntpSec: packet.readUInt32BE(offset + 8),
          ntpFrac: packet.readUInt32BE(offset + 12),
          rtpTimestamp: packet.readUInt32BE(offset + 16),
          packetCount: packet.readUInt32BE(offset + 20),
          octetCount: packet.readUInt32BE(offset + 24),
        };
      }
      for (let i = 0; i < count; i++) {
        const at = blocksAt + i * 24;
        let lost = packet.readUIntBE(at + 5, 3);
        if (lost & 0x800000) lost -= 0x1000000;
        result.reports.push({
          ssrc: packet.readUInt32BE(at),
          fractionLost: packet[at + 4]!,
          cumulativeLost: lost,
          extendedHighestSeq: packet.readUInt32BE(at + 8),
          jitter: packet.readUInt32BE(at + 12),
          lsr: packet.readUInt32BE(at + 16),
          dlsr: packet.readUInt32BE(at + 20),
        });
      }
    }
    valid = true;
    offset += length;
  }
  return valid ? result : undefined;
}

/** Round-trip time in ms from a report block about our stream (RFC 3550 §6.4.1), or undefined. */
export function rttFromReport(block: ReportBlock, nowMs = Date.now()): number | undefined {
  if (block.lsr === 0) return undefined;
  const now = ntpNow(nowMs);
  const a = compactNtp(now.sec, now.frac);
  const rtt = (a - block.lsr - block.dlsr) >>> 0;
  // A negative result (clock oddities) wraps to a huge value: discard it.
  if (rtt > 0x7fffffff) return undefined;
  return (rtt / 65536) * 1000;
}
