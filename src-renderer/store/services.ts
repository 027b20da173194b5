// What store actions may call outside the store. Injected so tests can observe commands.
import type { CommandSender } from '../signaling/client';
import type { MediaPort } from '../app/media-port';

export interface SpeakerOutput {
  /** Routes the ring tone to this output device (undefined = system default). */
  setRingerSink(deviceId: string | undefined): void;
  /** Plays a short tone on the given output device. */
  playTestTone(deviceId: string | undefined): Promise<void>;
}

export interface Services {
  commands: CommandSender;
  /** Late-bound: the media engine starts after the first snapshot. */
  media: { current: MediaPort | null };
  sound: SpeakerOutput;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  retryConnection(): void;
  /** Renderer details put into the diagnostics bundle. */
  diagnostics(): unknown;
}
