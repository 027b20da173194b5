// @vitest-environment jsdom
// MediaEngine with fake browser media APIs: errors in plain words, the first offer, answers to
// the core's offers, and falling back to the default microphone when the chosen one vanishes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaEngine } from './engine';

class FakeTrack extends EventTarget {
  readonly kind = 'audio';
  readyState: 'live' | 'ended' = 'live';
  constructor(readonly deviceId: string) {
    super();
  }
  stop(): void {
    this.readyState = 'ended';
  }
  unplug(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

class FakeStream {
  constructor(private readonly tracks: FakeTrack[]) {}
  getAudioTracks(): FakeTrack[] {
    return this.tracks;
  }
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
}

class FakeSender {
  track: FakeTrack | null = null;
  replaced: (FakeTrack | null)[] = [];
  async replaceTrack(t: FakeTrack | null): Promise<void> {
    this.track = t;
    this.replaced.push(t);
  }
  setStreams(): void {}
}

class FakeTransceiver {
  direction = 'sendrecv';
  currentDirection: string | null = null;
  mid: string | null = '0';
  readonly sender = new FakeSender();
  readonly receiver = { track: { kind: 'audio' } };
}

const OFFER_SDP = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126\r\na=candidate:1 1 udp 1 x.local 5 typ host\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n';

class FakePC extends EventTarget {
  static last: FakePC;
  signalingState = 'stable';
  connectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  constructor() {
    super();
    FakePC.last = this;
  }
  addTransceiver(track: FakeTrack | string): FakeTransceiver {
    const t = new FakeTransceiver();
    if (typeof track !== 'string') t.sender.track = track;
    this.transceivers.push(t);
    return t;
  }
  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }
  getSenders(): FakeSender[] {
    return this.transceivers.map((t) => t.sender);
  }
  async createOffer(): Promise<{ type: string; sdp: string }> {
    return { type: 'offer', sdp: OFFER_SDP };
  }
  async createAnswer(): Promise<{ type: string; sdp: string }> {
    return { type: 'answer', sdp: OFFER_SDP };
  }
  async setLocalDescription(d: { type: string; sdp: string }): Promise<void> {
    this.localDescription = d;
    this.signalingState = d.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(d: { type: string; sdp: string }): Promise<void> {
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
    if (d.type === 'offer' && this.transceivers.length < 2) this.transceivers.push(new FakeTransceiver());
  }
  close(): void {}
}

let devices: { kind: string; deviceId: string }[];
let gumCalls: (string | undefined)[];
let gumError: Error | undefined;
const deviceEvents = new EventTarget();

beforeEach(() => {
  devices = [
    { kind: 'audioinput', deviceId: 'default' },
    { kind: 'audioinput', deviceId: 'headset' },
  ];
  gumCalls = [];
  gumError = undefined;
  const mediaDevices = {
    getUserMedia: async (c: { audio: { deviceId?: { exact: string } } }) => {
      if (gumError) throw gumError;
      const id = c.audio.deviceId?.exact;
      gumCalls.push(id);
      return new FakeStream([new FakeTrack(id ?? 'default')]);
    },
    enumerateDevices: async () => devices,
    addEventListener: (type: string, l: EventListener) => deviceEvents.addEventListener(type, l),
    removeEventListener: (type: string, l: EventListener) => deviceEvents.removeEventListener(type, l),
  };
  Object.defineProperty(navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
  vi.stubGlobal('RTCPeerConnection', FakePC);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function engine() {
  const sent: { type: string; sdp: string }[] = [];
  const errors: string[] = [];
  const notices: string[] = [];
  const states: string[] = [];
  const e = new MediaEngine({
    sendDescription: (d) => sent.push(d),
    onError: (m) => errors.push(m),
    onDeviceNotice: (m) => notices.push(m),
    onStateChange: (s) => states.push(s),
  });
  return { e, sent, errors, notices, states };
}

describe('MediaEngine', () => {
  it('reports a denied microphone in plain words and does not throw', async () => {
    gumError = Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    const { e, errors, states, sent } = engine();
    await e.start();
    expect(errors[0]).toMatch(/^Microphone access was denied — allow/);
    expect(states.at(-1)).toBe('failed');
    expect(sent).toEqual([]);
    expect(e.micReady).toBe(false);
  });

  it('issue: concurrent start() calls make one connection and leave one microphone open', async () => {
    const { e, sent } = engine();
    const opened: FakeStream[] = [];
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    (navigator.mediaDevices as { getUserMedia: unknown }).getUserMedia = async (c: MediaStreamConstraints) => {
      const stream = (await gum(c)) as unknown as FakeStream;
      opened.push(stream);
      return stream;
    };
    await Promise.all([e.start(), e.start()]);
    expect(sent.filter((d) => d.type === 'offer')).toHaveLength(1);
    const live = opened.filter((st) => st.getTracks().some((t) => t.readyState === 'live'));
    expect(live).toHaveLength(1);
  });

  it('issue: a microphone chosen while start() waits wins, and start()\'s own stream is closed', async () => {
    const { e } = engine();
    const opened: FakeStream[] = [];
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    // start()'s default-device request is slow (a permission prompt); the agent's pick is fast.
    let releaseDefault!: () => void;
    const defaultGate = new Promise<void>((r) => (releaseDefault = r));
    (navigator.mediaDevices as { getUserMedia: unknown }).getUserMedia = async (c: MediaStreamConstraints) => {
      const stream = (await gum(c)) as unknown as FakeStream;
      opened.push(stream);
      if (stream.getTracks()[0]!.deviceId === 'default') await defaultGate;
      return stream;
    };
    const starting = e.start();
    await e.setMicrophone('m2');
    releaseDefault();
    await starting;
    const live = opened.filter((st) => st.getTracks().some((t) => t.readyState === 'live'));
    expect(live).toHaveLength(1);
    expect(live[0]!.getTracks()[0]!.deviceId).toBe('m2');
  });

  it('reports a missing microphone', async () => {
    gumError = Object.assign(new Error('none'), { name: 'NotFoundError' });
    const { e, errors } = engine();
    await e.start();
    expect(errors[0]).toMatch(/^No microphone found — connect one/);
  });

  it('offers once after the microphone, without candidates or 48 kHz telephone-event', async () => {
    const { e, sent } = engine();
    await e.start();
    expect(e.micReady).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.type).toBe('offer');
    expect(sent[0]!.sdp).not.toMatch(/candidate|telephone-event\/48000/);
    e.dispose();
  });

  it('answers an offer from the core with the microphone on every transceiver', async () => {
    const { e, sent } = engine();
    await e.start();
    await e.handleDescription({ type: 'answer', sdp: 'v=0\r\n' });
    await e.handleDescription({ type: 'offer', sdp: 'v=0\r\n' });
    expect(sent.at(-1)!.type).toBe('answer');
    const pc = FakePC.last;
    expect(pc.transceivers).toHaveLength(2);
    for (const t of pc.transceivers) expect(t.sender.track?.readyState).toBe('live');
    e.dispose();
  });

  it('falls back to the default microphone when the chosen one is unplugged (devicechange)', async () => {
    const { e, notices } = engine();
    await e.start();
    await e.setMicrophone('headset');
    expect(gumCalls.at(-1)).toBe('headset');
    devices = devices.filter((d) => d.deviceId !== 'headset');
    deviceEvents.dispatchEvent(new Event('devicechange'));
    await vi.waitFor(() => expect(notices).toContain('Headset unplugged — using the default microphone'));
    expect(gumCalls.at(-1)).toBeUndefined();
    const sender = FakePC.last.transceivers[0]!.sender;
    expect(sender.track?.deviceId).toBe('default');
    e.dispose();
  });

  it('falls back when the microphone track ends', async () => {
    const { e, notices } = engine();
    await e.start();
    await e.setMicrophone('headset');
    const track = FakePC.last.transceivers[0]!.sender.track!;
    track.unplug();
    await vi.waitFor(() => expect(notices.length).toBe(1));
    expect(FakePC.last.transceivers[0]!.sender.track?.deviceId).toBe('default');
    e.dispose();
  });

  it('keeps the old microphone and says so when switching fails', async () => {
    const { e, errors } = engine();
    await e.start();
    gumError = Object.assign(new Error('busy'), { name: 'NotReadableError' });
    await e.setMicrophone('headset');
    expect(errors[0]).toMatch(/busy or not working/);
    expect(e.micReady).toBe(true);
    e.dispose();
  });
});
