// Audio devices: the lists, the agent's choices (remembered by NAME, because device ids change
// between sessions and when a headset is replugged), microphone problems and the media link state.
import type { StateCreator } from 'zustand';
import type { AppState } from './app-state';
import type { Services } from './services';

export type DeviceKind = 'microphone' | 'speaker' | 'ringer';
export const DEVICE_KINDS: readonly DeviceKind[] = ['microphone', 'speaker', 'ringer'];

export interface DeviceOption {
  deviceId: string;
  label: string;
}

/** The fields of MediaDeviceInfo we use. */
export interface DeviceInfoLike {
  deviceId: string;
  kind: string;
  label: string;
}

export type DeviceNames = Partial<Record<DeviceKind, string>>;

export interface DevicesSlice {
  inputs: DeviceOption[];
  outputs: DeviceOption[];
  /** Chosen device ids; '' means the system default. */
  selected: Record<DeviceKind, string>;
  /** Chosen device names, kept while the device is unplugged so it is re-applied when it returns. */
  remembered: DeviceNames;
  /** Plain-words microphone problem: calls would be silent while this is set. */
  micProblem: string | null;
  /** What the media engine last reported about the audio link. */
  mediaState: string;
  setMediaDevices(devices: readonly DeviceInfoLike[]): void;
  chooseDevice(kind: DeviceKind, deviceId: string): void;
  /** Names from the provisioning profile, used when this computer remembers none. */
  seedRememberedDevices(names: DeviceNames): void;
  setMicProblem(text: string | null): void;
  setMediaState(state: string): void;
  testSpeaker(): Promise<void>;
  readInputLevel(): number;
}

export const DEVICE_STORAGE_KEY = 'agentSoftphone.devices';

function loadRemembered(storage: Services['storage']): DeviceNames {
  try {
    const raw = storage?.getItem(DEVICE_STORAGE_KEY);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: DeviceNames = {};
    for (const kind of DEVICE_KINDS) {
      const v = (parsed as Record<string, unknown>)[kind];
      if (typeof v === 'string' && v) out[kind] = v;
    }
    return out;
  } catch {
    return {};
  }
}

function numbered(list: DeviceInfoLike[], fallback: string): DeviceOption[] {
  // Labels are empty until microphone permission is granted; still offer something readable.
  return list
    .filter((d) => d.deviceId !== 'default' && d.deviceId !== 'communications' && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${fallback} ${i + 1}` }));
}

export const createDevicesSlice =
  (services: Services): StateCreator<AppState, [], [], DevicesSlice> =>
  (set, get) => {
    const remembered = loadRemembered(services.storage);

    function apply(kind: DeviceKind, deviceId: string): void {
      const id = deviceId || undefined;
      const media = services.media.current;
      const failed = () => get().addNotice('error', `Switching the ${kind} failed — pick it again in Settings`);
      try {
        if (kind === 'microphone' && media) {
          const hadProblem = get().micProblem !== null;
          Promise.resolve(media.setMicrophone(id))
            // After a failed start there is no audio connection yet: a working microphone can now start it.
            .then(() => (hadProblem && media.micReady ? media.start() : undefined))
            .then(() => {
              if (media.micReady) set({ micProblem: null });
            })
            .catch(failed);
        } else if (kind === 'speaker') {
          void Promise.resolve(media?.setSpeaker(id)).catch(failed);
        } else if (kind === 'ringer') {
          services.sound.setRingerSink(id);
        }
      } catch {
        failed();
      }
    }

    function persist(names: DeviceNames): void {
      try {
        services.storage?.setItem(DEVICE_STORAGE_KEY, JSON.stringify(names));
      } catch {
        // Storage full or disabled: the choice still holds for this session.
      }
    }

    return {
      inputs: [],
      outputs: [],
      selected: { microphone: '', speaker: '', ringer: '' },
      remembered,
      micProblem: null,
      mediaState: 'idle',
      setMediaDevices(devices) {
        const inputs = numbered(devices.filter((d) => d.kind === 'audioinput'), 'Microphone');
        const outputs = numbered(devices.filter((d) => d.kind === 'audiooutput'), 'Speaker');
        const prev = get().selected;
        const names = get().remembered;
        const next: Record<DeviceKind, string> = { ...prev };
        for (const kind of DEVICE_KINDS) {
          const list = kind === 'microphone' ? inputs : outputs;
          const wanted = names[kind];
          const match = wanted ? list.find((d) => d.label === wanted) : undefined;
          next[kind] = match ? match.deviceId : '';
          if (next[kind] === prev[kind]) continue;
          apply(kind, next[kind]);
          if (match) get().addNotice('info', `Using ${match.label} as ${kind}`);
          // The media engine already announces an unplugged microphone or speaker; the ringer is ours.
          else if (wanted && prev[kind] && kind === 'ringer') {
            get().addNotice('warning', `${wanted} is not connected — ringing on the system default speaker until it is back`);
          }
        }
        set({ inputs, outputs, selected: next });
      },
      chooseDevice(kind, deviceId) {
        const list = kind === 'microphone' ? get().inputs : get().outputs;
        const device = list.find((d) => d.deviceId === deviceId);
        const names: DeviceNames = { ...get().remembered };
        if (device) names[kind] = device.label;
        else delete names[kind];
        set({ selected: { ...get().selected, [kind]: device ? device.deviceId : '' }, remembered: names });
        persist(names);
        apply(kind, device ? device.deviceId : '');
      },
      seedRememberedDevices(names) {
        if (Object.keys(get().remembered).length > 0) return;
        const clean: DeviceNames = {};
        for (const kind of DEVICE_KINDS) if (names[kind]) clean[kind] = names[kind];
        if (Object.keys(clean).length === 0) return;
        set({ remembered: clean });
      },
      setMicProblem(text) {
        set({ micProblem: text });
      },
      setMediaState(state) {
        set({ mediaState: state });
      },
      async testSpeaker() {
        try {
          await services.sound.playTestTone(get().selected.speaker || undefined);
        } catch {
          get().addNotice('error', 'The test tone could not be played on this speaker — pick another one');
        }
      },
      readInputLevel() {
        const level = services.media.current?.inputLevel() ?? 0;
        return Number.isFinite(level) ? Math.min(1, Math.max(0, level)) : 0;
      },
    };
  };
