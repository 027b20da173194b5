// A plain UDP socket playing the SIP far end's RTP/RTCP.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { buildRtp, parseRtp, type RtpView } from '../../src-main/core/gateway/rtp';

export class FarEnd {
  readonly rtp = dgram.createSocket('udp4');
  readonly rtcp = dgram.createSocket('udp4');
  readonly received: RtpView[] = [];
  readonly rtcpReceived: Buffer[] = [];
  #seq = 100;
  #ts = 1000;
  readonly ssrc = 0x11223344;

  async open(): Promise<this> {
    this.rtp.bind(0, '127.0.0.1');
    this.rtcp.bind(0, '127.0.0.1');
    await Promise.all([once(this.rtp, 'listening'), once(this.rtcp, 'listening')]);
    this.rtp.on('message', (m) => {
      const v = parseRtp(m);
      if (v) this.received.push({ ...v, payload: Buffer.from(v.payload) });
    });
    this.rtcp.on('message', (m) => this.rtcpReceived.push(m));
    return this;
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }
  get rtcpPort(): number {
    return this.rtcp.address().port;
  }

  send(toPort: number, payload: Buffer, payloadType = 0, opts: { seq?: number; marker?: boolean } = {}): void {
    const seq = opts.seq ?? this.#seq++;
    this.rtp.send(buildRtp({ marker: opts.marker ?? false, payloadType, sequenceNumber: seq, timestamp: (this.#ts += 160), ssrc: this.ssrc }, payload), toPort, '127.0.0.1');
  }

  sendRaw(toPort: number, data: Buffer): void {
    this.rtp.send(data, toPort, '127.0.0.1');
  }

  close(): void {
    this.rtp.close();
    this.rtcp.close();
  }
}
