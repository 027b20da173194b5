// The ring tone plays, looping on the ringer device, while any call rings, and stops after.
import { describe, expect, it } from 'vitest';
import { SoundOutput } from './sound';

class FakeAudio {
  paused = true;
  loop = false;
  currentTime = 0;
  sinkIds: string[] = [];
  constructor(readonly src: string) {}
  async setSinkId(id: string) {
    this.sinkIds.push(id);
  }
  async play() {
    this.paused = false;
  }
  pause() {
    this.paused = true;
  }
}

function setup() {
  const made: FakeAudio[] = [];
  const sound = new SoundOutput((url) => {
    const a = new FakeAudio(url);
    made.push(a);
    return a as unknown as HTMLAudioElement;
  });
  return { sound, made };
}

const settle = () => new Promise<void>((r) => queueMicrotask(() => queueMicrotask(() => queueMicrotask(r))));

describe('ring tone', () => {
  it('loops ring.wav on the chosen ringer while calls ring, stops when none does', async () => {
    const { sound, made } = setup();
    sound.setRingerSink('out-ringer');
    sound.ring('c1', true);
    sound.ring('c2', true);
    await settle();
    expect(made).toHaveLength(1);
    const ring = made[0]!;
    expect(ring.src).toMatch(/ring\.wav|^data:audio/);
    expect(ring.loop).toBe(true);
    expect(ring.sinkIds).toEqual(['out-ringer']);
    expect(ring.paused).toBe(false);

    sound.ring('c1', false);
    expect(ring.paused).toBe(false);
    sound.keepOnly([]);
    expect(ring.paused).toBe(true);
  });

  it('plays the test tone on the chosen speaker', async () => {
    const { sound, made } = setup();
    await sound.playTestTone('out-speaker');
    expect(made[0]!.src).toMatch(/test-tone\.wav|^data:audio/);
    expect(made[0]!.sinkIds).toEqual(['out-speaker']);
    expect(made[0]!.paused).toBe(false);
  });
});
