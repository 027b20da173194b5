// The plain RTP/RTCP leg toward the SIP far end: two UDP sockets, symmetric-RTP latching,
// periodic RTCP reports. It knows nothing about the renderer.
import type dgram from 'node:dgram';
import type { Logger } from '../log/logger';
import type { SocketPair } from './port-allocator';
import { buildReport, compactNtp, ntpNow, parseRtcp, type ParsedRtcp, type ReportBlock, type SenderInfo } from './rtcp';

export interface Endpoint {
  address: string;
  port: number;
}

export interface SipLegHandlers {
  onRtp(packet: Buffer, arrivalMs: number): void;
  onRtcp(report: ParsedRtcp): void;
}

const DEFAULT_RTCP_INTERVAL_MS = 5000;

export class SipLeg {
  #remoteRtp: Endpoint | undefined;
  #remoteRtcp: Endpoint | undefined;
  /** Where packets really come from (symmetric RTP): wins over the SDP address once seen. */
  #latchedRtp = false;
  #latchedRtcp = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly pair: SocketPair,
    private readonly handlers: SipLegHandlers,
    private readonly log: Logger,
    private readonly rtcpIntervalMs = DEFAULT_RTCP_INTERVAL_MS,
  ) {
    pair.rtp.on('message', (msg, rinfo) => this.#onRtpSocket(msg, rinfo));
    pair.rtcp.on('message', (msg, rinfo) => this.#onRtcpSocket(msg, rinfo));
    // A socket error (ICMP unreachable on some platforms, etc.) must not crash the process.
    pair.rtp.on('error', (error) => this.log.warn('RTP socket error', error));
    pair.rtcp.on('error', (error) => this.log.warn('RTCP socket error', error));
  }

  get rtpPort(): number {
    return this.pair.rtpPort;
  }

  get remoteRtp(): Endpoint | undefined {
    return this.#remoteRtp;
  }

  /** Sets the far end from SDP. A changed address forgets what was latched. */
  setRemote(rtp: Endpoint, rtcp: Endpoint): void {
    const changed = !this.#remoteRtp || this.#remoteRtp.address !== rtp.address || this.#remoteRtp.port !== rtp.port;
    if (!changed && this.#latchedRtp) return;
    this.#remoteRtp = rtp;
    this.#remoteRtcp = rtcp;
    this.#latchedRtp = false;
    this.#latchedRtcp = false;
  }

  sendRtp(packet: Buffer): void {
    const to = this.#remoteRtp;
    if (!to || this.#closed) return;
    this.pair.rtp.send(packet, to.port, to.address, (error) => {
      if (error && !this.#closed) this.log.debug('RTP send failed', error);
    });
  }

  sendRtcp(packet: Buffer): void {
    const to = this.#remoteRtcp;
    if (!to || this.#closed) return;
    this.pair.rtcp.send(packet, to.port, to.address, () => undefined);
  }

  /** Starts periodic RTCP; `build` returns the compound packet to send (or undefined to skip). */
  startReports(build: () => Buffer | undefined): void {
    if (this.#timer || this.#closed) return;
    const tick = (): void => {
      // RFC 3550 randomises the interval (0.5..1.5 x) so that endpoints do not synchronise.
      this.#timer = setTimeout(tick, this.rtcpIntervalMs * (0.5 + Math.random()));
      this.#timer.unref();
      const packet = build();
      if (packet) this.sendRtcp(packet);
    };
    this.#timer = setTimeout(tick, this.rtcpIntervalMs * (0.5 + Math.random()));
    this.#timer.unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.pair.release();
  }

  #latch(kind: 'rtp' | 'rtcp', rinfo: dgram.RemoteInfo): boolean {
    const latched = kind === 'rtp' ? this.#latchedRtp : this.#latchedRtcp;
    const current = kind === 'rtp' ? this.#remoteRtp : this.#remoteRtcp;
    if (!current) return false; // not negotiated yet: nothing we could relay
    if (latched) return current.address === rinfo.address && current.port === rinfo.port;
    if (current.address !== rinfo.address || current.port !== rinfo.port) {
      this.log.info(`${kind.toUpperCase()} from ${rinfo.address}:${rinfo.port}, SDP said ${current.address}:${current.port}: sending there (symmetric RTP)`);
    }
    const endpoint = { address: rinfo.address, port: rinfo.port };
    if (kind === 'rtp') {
      this.#remoteRtp = endpoint;
      this.#latchedRtp = true;
    } else {
      this.#remoteRtcp = endpoint;
      this.#latchedRtcp = true;
    }
    return true;
  }

  #onRtpSocket(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const arrival = performance.now();
    if (msg.length >= 2 && msg[1]! >= 200 && msg[1]! <= 204) {
      // RTCP multiplexed on the RTP port (RFC 5761)
      const report = parseRtcp(msg);
      if (report) this.handlers.onRtcp(report);
      return;
    }
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return; // not RTP: drop before latching on it
    if (!this.#latch('rtp', rinfo)) return;
    this.handlers.onRtp(msg, arrival);
  }

  #onRtcpSocket(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const report = parseRtcp(msg);
    if (!report) return;
    this.#latch('rtcp', rinfo);
    this.handlers.onRtcp(report);
  }
}

/** Tracks the far end's last SR so our report blocks can carry LSR/DLSR (for its RTT). */
export class SenderReportClock {
  #lsr = 0;
  #receivedAt = 0;

  noteSenderReport(ntpSec: number, ntpFrac: number): void {
    this.#lsr = compactNtp(ntpSec, ntpFrac);
    this.#receivedAt = performance.now();
  }

  lsrDlsr(): { lsr: number; dlsr: number } {
    if (!this.#lsr) return { lsr: 0, dlsr: 0 };
    return { lsr: this.#lsr, dlsr: Math.round(((performance.now() - this.#receivedAt) / 1000) * 65536) >>> 0 };
  }
}

export { buildReport, ntpNow, type ReportBlock, type SenderInfo };
