// The renderer's side of the one long-lived peer connection to the core's media gateway.
//
// Dance: start() gets the microphone, then offers once (one audio transceiver carrying the
// mic). From then on the core offers: each call gets a transceiver restricted to the SIP leg's
// codec; we attach the microphone to every transceiver and answer. Remote audio plays through
// one <audio> element per transceiver (output device chosen with setSinkId).
import { prepareLocalDescription } from './sdp';

export type RtcEngineState = 'idle' | 'connecting' | 'connected' | 'failed';

export interface MediaEngineOptions {
  sendDescription(d: { type: 'offer' | 'answer'; sdp: string }): void;
  onStateChange?(state: 'idle' | 'connecting' | 'connected' | 'failed'): void;
  /** A person-readable problem: "Microphone access was denied — allow it in ...", "No microphone found — connect one and ..." */
  onError?(message: string): void;
  onDeviceNotice?(message: string): void; // "Headset unplugged — using the default microphone"
}

export interface AudioProcessingOptions {
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
}

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/** The DOMException name of a getUserMedia / setSinkId failure ('' if it has none). */
export function mediaErrorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
}

/** What to do about a microphone failure with a known DOMException name; undefined for others. */
export function knownMicrophoneProblem(error: unknown): string | undefined {
  switch (mediaErrorName(error)) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'Microphone access was denied — allow microphone access for Agent Softphone in your system settings, then restart the app.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'No microphone found — connect one and choose it under Settings → Microphone.';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'The microphone is busy or not working — close other call apps or pick another microphone in Settings.';
    default:
      return undefined;
  }
}

/** getUserMedia / setSinkId failures in words an agent can act on. */
export function describeDeviceError(error: unknown, what: 'microphone' | 'speaker'): string {
  const name = mediaErrorName(error);
  if (what === 'speaker') {
    if (name === 'NotFoundError') return 'The chosen speaker is not available — plug it in or pick another speaker in Settings.';
    if (name === 'NotAllowedError') return 'The app may not choose the speaker — allow audio output selection, or use the default speaker.';
    return 'Could not switch the speaker — pick another speaker in Settings.';
  }
  return knownMicrophoneProblem(error) ?? 'The microphone could not be started — check it is connected, then pick it under Settings → Microphone.';
}

export class MediaEngine {
  readonly #opts: MediaEngineOptions;
  #pc: RTCPeerConnection | undefined;
  #stream: MediaStream | undefined;
  #micDeviceId: string | undefined;
  #speakerDeviceId: string | undefined;
  #processing: Required<AudioProcessingOptions> = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  #state: RtcEngineState = 'idle';
  #disposed = false;
  #starting: Promise<void> | undefined;
  /** SDP work runs one step at a time: an offer from the core must not overtake our answer. */
  #chain: Promise<void> = Promise.resolve();
  readonly #players = new Map<string, SinkAudio>();
  #audioContext: AudioContext | undefined;
  #analyser: AnalyserNode | undefined;
  #analyserSource: MediaStreamAudioSourceNode | undefined;
  #levelBuffer: Float32Array<ArrayBuffer> | undefined;
  readonly #onDeviceChange = (): void => void this.#checkDevices();

  constructor(opts: MediaEngineOptions) {
    this.#opts = opts;
  }

  get micReady(): boolean {
    return this.#micTrack()?.readyState === 'live';
  }

  /**
   * Microphone first (ICE gives no candidates before permission), then the connection and our
   * one offer. Safe to call again (after a microphone failure) and concurrently: callers share
   * one attempt, so there is never a second connection or a second open microphone.
   */
  start(): Promise<void> {
    if (this.#disposed || this.#pc) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#setState('connecting');
    let stream: MediaStream;
    try {
      stream = await this.#getMicrophone(this.#micDeviceId);
    } catch (error) {
      this.#setState('failed');
      this.#opts.onError?.(describeDeviceError(error, 'microphone'));
      return;
    }
    if (this.#disposed) {
      this.#stopStream(stream);
      return;
    }
    // setMicrophone() may have opened the agent's chosen device while we waited: that is the
    // newer choice; ours would otherwise stay open (the OS mic light on) for the session.
    if (this.#stream) this.#stopStream(stream);
    else this.#stream = stream;
    this.#watchTrack(this.#micTrack());
    this.#connectLevelMeter();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.#onDeviceChange);
    try {
      const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      this.#pc = pc;
      pc.addEventListener('connectionstatechange', () => {
        if (pc !== this.#pc) return;
        const s = pc.connectionState;
        if (s === 'connected') this.#setState('connected');
        else if (s === 'failed') {
          this.#setState('failed');
          this.#opts.onError?.('The audio connection inside the app was lost — reconnecting.');
        } else if (s === 'closed') this.#setState('idle');
        else this.#setState('connecting');
      });
      pc.addEventListener('track', (event) => this.#play(event.transceiver, event.track));
      const track = this.#micTrack();
      if (track && this.#stream) pc.addTransceiver(track, { direction: 'sendrecv', streams: [this.#stream] });
      else pc.addTransceiver('audio', { direction: 'sendrecv' });
      await this.#enqueue(async () => {
        const offer = await pc.createOffer();
        const sdp = prepareLocalDescription(offer.sdp ?? '');
        await pc.setLocalDescription({ type: 'offer', sdp });
        this.#opts.sendDescription({ type: 'offer', sdp: prepareLocalDescription(pc.localDescription?.sdp ?? sdp) });
      });
    } catch (error) {
      this.#setState('failed');
      this.#opts.onError?.(`The audio connection inside the app could not be set up (${(error as Error).message ?? error}) — restart the app.`);
    }
  }

  /** An offer (new/ended call) or the answer to our first offer, from the core. */
  handleDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    return this.#enqueue(async () => {
      const pc = this.#pc;
      if (!pc || this.#disposed) return;
      try {
        if (d.type === 'answer') {
          if (pc.signalingState !== 'have-local-offer') return;
          await pc.setRemoteDescription(d);
          return;
        }
        if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
        await pc.setRemoteDescription(d);
        const track = this.#micTrack() ?? null;
        for (const t of pc.getTransceivers()) {
          if (t.currentDirection === 'stopped' || t.receiver.track.kind !== 'audio') continue;
          // The answer's direction is the intersection with the offer: idle slots the core made
          // inactive stay inactive, a call's slot becomes sendrecv.
          if (t.direction !== 'sendrecv') t.direction = 'sendrecv';
          if (t.sender.track !== track) await t.sender.replaceTrack(track);
          if (this.#stream) t.sender.setStreams(this.#stream);
        }
        const answer = await pc.createAnswer();
        const sdp = prepareLocalDescription(answer.sdp ?? '');
        await pc.setLocalDescription({ type: 'answer', sdp });
        this.#opts.sendDescription({ type: 'answer', sdp: prepareLocalDescription(pc.localDescription?.sdp ?? sdp) });
      } catch (error) {
        this.#opts.onError?.(`Call audio could not be set up (${(error as Error).message ?? error}) — hang up and try again.`);
      }
    });
  }

  /** Switches the microphone for every call (replaceTrack: no renegotiation). Undefined = system default. */
  async setMicrophone(deviceId?: string): Promise<void> {
    if (this.#disposed) return;
    let stream: MediaStream;
    try {
      stream = await this.#getMicrophone(deviceId);
    } catch (error) {
      this.#opts.onError?.(describeDeviceError(error, 'microphone'));
      return;
    }
    if (this.#disposed) {
      this.#stopStream(stream);
      return;
    }
    this.#micDeviceId = deviceId;
    const old = this.#stream;
    this.#stream = stream;
    const track = this.#micTrack() ?? null;
    this.#watchTrack(track ?? undefined);
    if (this.#pc) {
      await Promise.all(
        this.#pc.getSenders().map(async (sender) => {
          if (sender.track?.kind === 'audio' || sender.track === null) {
            await sender.replaceTrack(track).catch(() => undefined);
            sender.setStreams?.(stream);
          }
        }),
      );
    }
    this.#stopStream(old);
    this.#connectLevelMeter();
  }

  /** Sends call audio to this output device (undefined = system default). */
  async setSpeaker(deviceId?: string): Promise<void> {
    if (this.#disposed) return;
    const previous = this.#speakerDeviceId;
    this.#speakerDeviceId = deviceId;
    try {
      await Promise.all([...this.#players.values()].map((audio) => audio.setSinkId?.(deviceId ?? '')));
    } catch (error) {
      this.#speakerDeviceId = previous;
      this.#opts.onError?.(describeDeviceError(error, 'speaker'));
    }
  }

  /** Echo cancellation etc. are capture settings: reopen the microphone with them. */
  async setAudioProcessing(p: AudioProcessingOptions): Promise<void> {
    this.#processing = { ...this.#processing, ...p };
    if (this.#stream) await this.setMicrophone(this.#micDeviceId);
  }

  /** Microphone level 0..1 (RMS, scaled for a meter). */
  inputLevel(): number {
    const analyser = this.#analyser;
    if (!analyser) return 0;
    if (!this.#levelBuffer || this.#levelBuffer.length !== analyser.fftSize) this.#levelBuffer = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(this.#levelBuffer);
    let sum = 0;
    for (const v of this.#levelBuffer) sum += v * v;
    const rms = Math.sqrt(sum / this.#levelBuffer.length);
    return Math.min(1, rms * 4);
  }

  /** Peer connection statistics (diagnostics, tests). */
  async getStats(): Promise<RTCStatsReport | undefined> {
    return this.#pc?.getStats();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this.#pc?.close();
    this.#pc = undefined;
    this.#stopStream(this.#stream);
    this.#stream = undefined;
    for (const audio of this.#players.values()) {
      audio.pause();
      audio.srcObject = null;
      audio.remove();
    }
    this.#players.clear();
    this.#analyserSource?.disconnect();
    void this.#audioContext?.close().catch(() => undefined);
    this.#audioContext = undefined;
    this.#analyser = undefined;
    this.#setState('idle');
  }

  // --- internals ---------------------------------------------------------------------------

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #setState(state: RtcEngineState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#opts.onStateChange?.(state);
  }

  #micTrack(): MediaStreamTrack | undefined {
    return this.#stream?.getAudioTracks()[0];
  }

  #getMicrophone(deviceId: string | undefined): Promise<MediaStream> {
    if (!navigator.mediaDevices?.getUserMedia) {
      return Promise.reject(Object.assign(new Error('getUserMedia unavailable'), { name: 'NotFoundError' }));
    }
    return navigator.mediaDevices.getUserMedia({
      audio: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), ...this.#processing },
      video: false,
    });
  }

  #stopStream(stream: MediaStream | undefined): void {
    for (const track of stream?.getTracks() ?? []) track.stop();
  }

  /** An unplugged microphone ends its track: fall back to the default one. */
  #watchTrack(track: MediaStreamTrack | undefined): void {
    track?.addEventListener('ended', () => {
      if (this.#disposed || track !== this.#micTrack()) return;
      const hadChoice = this.#micDeviceId !== undefined;
      void this.setMicrophone(undefined).then(() => {
        if (this.micReady) this.#opts.onDeviceNotice?.(hadChoice ? 'Headset unplugged — using the default microphone' : 'Microphone disconnected — using the default microphone');
      });
    });
  }

  async #checkDevices(): Promise<void> {
    if (this.#disposed || !navigator.mediaDevices?.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const present = (kind: MediaDeviceKind, id: string): boolean => devices.some((d) => d.kind === kind && d.deviceId === id);
    if (this.#micDeviceId && !present('audioinput', this.#micDeviceId)) {
      await this.setMicrophone(undefined);
      if (this.micReady) this.#opts.onDeviceNotice?.('Headset unplugged — using the default microphone');
    }
    if (this.#speakerDeviceId && !present('audiooutput', this.#speakerDeviceId)) {
      await this.setSpeaker(undefined);
      this.#opts.onDeviceNotice?.('Speaker unplugged — call audio now plays on the default speaker');
    }
  }

  #play(transceiver: RTCRtpTransceiver, track: MediaStreamTrack): void {
    const key = transceiver.mid ?? track.id;
    let audio = this.#players.get(key);
    if (!audio) {
      audio = document.createElement('audio') as SinkAudio;
      audio.autoplay = true;
      audio.hidden = true;
      audio.dataset.mid = key;
      document.body.appendChild(audio);
      this.#players.set(key, audio);
      if (this.#speakerDeviceId && audio.setSinkId) void audio.setSinkId(this.#speakerDeviceId).catch(() => undefined);
    }
    audio.srcObject = new MediaStream([track]);
    void audio.play().catch(() => undefined); // autoplay policy: the shells allow it; a blocked play retries on the next track
  }

  #connectLevelMeter(): void {
    const stream = this.#stream;
    if (!stream || typeof AudioContext === 'undefined') return;
    try {
      this.#audioContext ??= new AudioContext();
      this.#analyserSource?.disconnect();
      this.#analyser ??= Object.assign(this.#audioContext.createAnalyser(), { fftSize: 1024 });
      this.#analyserSource = this.#audioContext.createMediaStreamSource(stream);
      this.#analyserSource.connect(this.#analyser);
      void this.#audioContext.resume().catch(() => undefined);
    } catch {
      // No level meter is better than no calls.
    }
  }
}
