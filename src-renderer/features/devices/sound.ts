// Ring tone and speaker test tone: <audio> elements routed with setSinkId to the chosen device.
import ringUrl from '../../../assets/sounds/ring.wav';
import testToneUrl from '../../../assets/sounds/test-tone.wav';
import type { SpeakerOutput } from '../../store/services';

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export interface RingPlayer {
  /** Follows `ring` events: plays while at least one call rings. */
  ring(callId: string, ringing: boolean): void;
  /** Stops ringing for calls that no longer ring (a missed `ring` event must not ring forever). */
  keepOnly(ringingCallIds: readonly string[]): void;
  dispose(): void;
}

export class SoundOutput implements SpeakerOutput, RingPlayer {
  private ringer: SinkAudio | null = null;
  private ringerSink: string | undefined;
  private ringing = new Set<string>();
  private starting = false;

  constructor(
    private readonly createAudio: (url: string) => SinkAudio = (url) => new Audio(url) as SinkAudio,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  setRingerSink(deviceId: string | undefined): void {
    this.ringerSink = deviceId;
    if (this.ringer) void this.route(this.ringer, deviceId);
  }

  async playTestTone(deviceId: string | undefined): Promise<void> {
    const audio = this.createAudio(testToneUrl);
    await this.route(audio, deviceId, true);
    await audio.play();
  }

  ring(callId: string, ringing: boolean): void {
    if (ringing) this.ringing.add(callId);
    else this.ringing.delete(callId);
    this.update();
  }

  keepOnly(ringingCallIds: readonly string[]): void {
    const keep = new Set(ringingCallIds);
    for (const id of [...this.ringing]) if (!keep.has(id)) this.ringing.delete(id);
    this.update();
  }

  dispose(): void {
    this.ringing.clear();
    this.update();
    this.ringer = null;
  }

  private update(): void {
    if (this.ringing.size > 0) {
      if (!this.ringer) {
        this.ringer = this.createAudio(ringUrl);
        this.ringer.loop = true;
      }
      const audio = this.ringer;
      if (this.starting || !audio.paused) return;
      this.starting = true;
      void this.route(audio, this.ringerSink)
        .then(() => (this.ringing.size > 0 ? audio.play() : undefined))
        .catch(() => this.onError('The ring tone could not be played — check the Ringer device in Settings'))
        .finally(() => {
          this.starting = false;
          // Ringing may have stopped while play() was starting.
          if (this.ringing.size === 0) this.silence();
        });
    } else {
      this.silence();
    }
  }

  private silence(): void {
    if (!this.ringer) return;
    this.ringer.pause();
    this.ringer.currentTime = 0;
  }

  private async route(audio: SinkAudio, deviceId: string | undefined, strict = false): Promise<void> {
    if (typeof audio.setSinkId !== 'function') return;
    try {
      await audio.setSinkId(deviceId ?? '');
    } catch (err) {
      if (strict) throw err;
      // The ringer device vanished: ring on the default output rather than not at all.
      await audio.setSinkId('').catch(() => undefined);
    }
  }
}
