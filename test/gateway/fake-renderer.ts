// A werift RTCPeerConnection playing the renderer's part (what MediaEngine does in Chromium),
// so the gateway can be tested in Node without a browser.
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import { weriftCodecTable } from '../../src-main/core/gateway/codecs';

export interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}

export class FakeRenderer {
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceUseIpv6: false,
    iceTcpPassive: false,
    bundlePolicy: 'max-bundle',
    codecs: { audio: weriftCodecTable() },
    headerExtensions: { audio: [] },
  });
  readonly #tracks = new Map<RTCRtpTransceiver, MediaStreamTrack>();
  readonly #listeners = new Set<(mid: string, packet: RtpPacket) => void>();
  readonly #subscribed = new Set<string>();
  #seq = 1000;
  #ts = 5000;

  constructor(private readonly send: (d: Description) => void) {}

  async start(): Promise<void> {
    const t = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    await this.#attach(t);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.send({ type: 'offer', sdp: this.pc.localDescription!.sdp });
  }

  async handle(d: Description): Promise<void> {
    await this.pc.setRemoteDescription(d);
    if (d.type === 'offer') {
      for (const t of this.pc.getTransceivers()) {
        if (t.stopped) continue;
        await this.#attach(t);
      }
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ type: 'answer', sdp: this.pc.localDescription!.sdp });
    }
    this.#watch();
  }

  /** Sends one RTP packet on the transceiver with this mid (werift stamps the negotiated PT). */
  sendRtp(mid: string, payload: Buffer, payloadType = 0): void {
    const t = this.pc.getTransceivers().find((x) => x.mid === mid);
    if (!t) throw new Error(`no transceiver ${mid}`);
    const packet = new RtpPacket(new RtpHeader({ payloadType, sequenceNumber: this.#seq++ & 0xffff, timestamp: (this.#ts += 160) >>> 0 }), payload);
    if (payloadType === 126) {
      packet.header.ssrc = t.sender.ssrc;
      void t.sender.dtlsTransport.sendRtp(payload, packet.header);
    } else void t.sender.sendRtp(packet);
  }

  onRtp(listener: (mid: string, packet: RtpPacket) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.pc.close();
  }

  async #attach(t: RTCRtpTransceiver): Promise<void> {
    if (this.#tracks.has(t)) return;
    const track = new MediaStreamTrack({ kind: 'audio' });
    this.#tracks.set(t, track);
    t.setDirection('sendrecv');
    await t.sender.replaceTrack(track);
  }

  #watch(): void {
    for (const t of this.pc.getTransceivers()) {
      for (const track of t.receiver.tracks) {
        if (this.#subscribed.has(track.uuid)) continue;
        this.#subscribed.add(track.uuid);
        track.onReceiveRtp.subscribe((packet) => {
          for (const l of this.#listeners) l(t.mid ?? '?', packet);
        });
      }
    }
  }
}
