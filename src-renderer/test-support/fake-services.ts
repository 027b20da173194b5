// Services for store/component tests: records every command and answers it.
import type { CommandPayload, CommandType } from '../../shared/protocol';
import type { CommandResult, CommandSender } from '../signaling/client';
import type { MediaPort } from '../app/media-port';
import type { Services } from '../store/services';

export interface SentCommand {
  type: CommandType;
  payload: unknown;
}

export class FakeCommands implements CommandSender {
  readonly sent: SentCommand[] = [];
  /** Answer for the next commands of a type; default ok. */
  readonly answers = new Map<CommandType, Omit<CommandResult, 'id'>>();
  private nextId = 1;

  request<T extends CommandType>(type: T, payload: CommandPayload<T>): Promise<CommandResult> {
    this.sent.push({ type, payload });
    const id = this.nextId++;
    return Promise.resolve({ id, ...(this.answers.get(type) ?? { ok: true }) });
  }

  send<T extends CommandType>(type: T, payload: CommandPayload<T>): void {
    this.sent.push({ type, payload });
  }

  ofType(type: CommandType): unknown[] {
    return this.sent.filter((c) => c.type === type).map((c) => c.payload);
  }
}

export class FakeMedia implements MediaPort {
  readonly calls: Array<[string, unknown]> = [];
  micReady = true;
  level = 0.4;
  start() {
    this.calls.push(['start', undefined]);
  }
  handleDescription(d: unknown) {
    this.calls.push(['handleDescription', d]);
  }
  setMicrophone(id?: string) {
    this.calls.push(['setMicrophone', id]);
  }
  setSpeaker(id?: string) {
    this.calls.push(['setSpeaker', id]);
  }
  setAudioProcessing(o: unknown) {
    this.calls.push(['setAudioProcessing', o]);
  }
  inputLevel() {
    return this.level;
  }
  dispose() {
    this.calls.push(['dispose', undefined]);
  }
}

export class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.data.set(k, v);
  }
}

export function fakeServices(overrides: Partial<Services> = {}): Services & {
  commands: FakeCommands;
  ringerSinks: Array<string | undefined>;
  testTones: Array<string | undefined>;
} {
  const ringerSinks: Array<string | undefined> = [];
  const testTones: Array<string | undefined> = [];
  return {
    commands: new FakeCommands(),
    media: { current: new FakeMedia() },
    sound: {
      setRingerSink: (id) => ringerSinks.push(id),
      playTestTone: async (id) => {
        testTones.push(id);
      },
    },
    storage: new MemoryStorage(),
    retryConnection: () => {},
    diagnostics: () => ({ test: true }),
    ringerSinks,
    testTones,
    ...(overrides as object),
  } as Services & { commands: FakeCommands; ringerSinks: Array<string | undefined>; testTones: Array<string | undefined> };
}
