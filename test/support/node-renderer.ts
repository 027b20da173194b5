// A stand-in for the renderer in Node: a werift RTCPeerConnection that talks to the gateway the
// way the browser does (offers once with one audio m-line, then answers the core's offers),
// sends a G.711 tone on every sendrecv transceiver and keeps the RTP it receives per mid, so an
// integration test can check audio by frequency without a browser.
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import { decodeG711, mulawToneFrame, type Pcm } from '../../e2e/peers/audio';

export interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}

interface Received {
  payloadType: number;
  payload: Buffer;
}

export class NodeRenderer {
  readonly pc: RTCPeerConnection;
  /** Received RTP per transceiver mid (from the track's transceiver). */
  readonly received = new Map<string, Received[]>();
  #toneTimer: NodeJS.Timeout | undefined;
  #toneSample = 0;
  #seq = Math.floor(Math.random() * 1000);
  #packetWaiters = new Set<() => void>();

  constructor() {
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceUseIpv6: false,
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, channels: 1, payloadType: 126 }),
        ],
      },
      headerExtensions: { audio: [] },
    });
    this.pc.onTrack.subscribe((track: MediaStreamTrack) => {
      const transceiver = this.pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
      track.onReceiveRtp.subscribe((rtp) => {
        const mid = transceiver?.mid ?? '?';
        let list = this.received.get(mid);
        if (!list) this.received.set(mid, (list = []));
        list.push({ payloadType: rtp.header.payloadType, payload: Buffer.from(rtp.payload) });
        for (const w of [...this.#packetWaiters]) w();
      });
    });
  }

  async #gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') {
          unSubscribe();
          resolve();
        }
      });
    });
  }

  /** The first offer, as the browser renderer makes after microphone permission. */
  async createInitialOffer(): Promise<Description> {
    this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.#gathered();
    return { type: 'offer', sdp: this.pc.localDescription!.sdp };
  }

  /** Applies a description from the gateway; returns our answer when it was an offer. */
  async handle(description: Description): Promise<Description | undefined> {
    await this.pc.setRemoteDescription(description);
    if (description.type === 'answer') return undefined;
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.#gathered();
    return { type: 'answer', sdp: this.pc.localDescription!.sdp };
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    if (this.pc.connectionState === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`renderer connection not connected within ${timeoutMs} ms (state ${this.pc.connectionState})`)), timeoutMs);
      const { unSubscribe } = this.pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') {
          clearTimeout(timer);
          unSubscribe();
          resolve();
        }
      });
    });
  }

  #sendingTransceivers(): RTCRtpTransceiver[] {
    return this.pc.getTransceivers().filter((t) => (t.currentDirection === 'sendrecv' || t.currentDirection === 'sendonly') && !t.stopped);
  }

  /** Sends a u-law tone every 20 ms on every sendrecv transceiver (the "microphone"). */
  startTone(freqHz: number): void {
    this.stopTone();
    this.#toneTimer = setInterval(() => {
      const payload = mulawToneFrame(freqHz, this.#toneSample);
      const timestamp = this.#toneSample >>> 0;
      this.#toneSample += 160;
      this.#seq = (this.#seq + 1) & 0xffff;
      for (const t of this.#sendingTransceivers()) {
        const packet = new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: this.#seq, timestamp, marker: false }), payload);
        void t.sender.sendRtp(packet).catch(() => undefined);
      }
    }, 20);
  }

  stopTone(): void {
    if (this.#toneTimer) clearInterval(this.#toneTimer);
    this.#toneTimer = undefined;
  }

  totalReceived(): number {
    let n = 0;
    for (const list of this.received.values()) n += list.length;
    return n;
  }

  /** Resolves when `count` more packets have arrived (any transceiver). */
  waitForPackets(count: number, timeoutMs = 10_000): Promise<void> {
    const target = this.totalReceived() + count;
    if (this.totalReceived() >= target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#packetWaiters.delete(waiter);
        reject(new Error(`renderer received ${this.totalReceived()} RTP packets, expected ${target} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (): void => {
        if (this.totalReceived() < target) return;
        clearTimeout(timer);
        this.#packetWaiters.delete(waiter);
        resolve();
      };
      this.#packetWaiters.add(waiter);
    });
  }

  /** Decodes what arrived on the busiest transceiver (G.711 by payload type: 0 PCMU, 8 PCMA). */
  receivedAudio(): Pcm {
    let best: Received[] = [];
    for (const list of this.received.values()) if (list.length > best.length) best = list;
    const pt = best.find((p) => p.payloadType === 0 || p.payloadType === 8)?.payloadType ?? 0;
    return decodeG711(best.filter((p) => p.payloadType === pt).map((p) => p.payload), pt === 8 ? 'PCMA' : 'PCMU');
  }

  async close(): Promise<void> {
    this.stopTone();
    await this.pc.close();
  }
}
