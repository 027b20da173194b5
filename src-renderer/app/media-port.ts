// The part of the media teammate's MediaEngine (src-renderer/media/engine.ts) the app uses.
// Callback parameters are `unknown` on purpose: whatever the engine reports is turned into
// plain words here, so the two sides can evolve without breaking each other's types.
export interface RtcDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface AudioProcessing {
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
}

export interface MediaEngineCallbacks {
  sendDescription(description: RtcDescription): void;
  onStateChange(state: unknown): void;
  onError(error: unknown): void;
  onDeviceNotice(notice: unknown): void;
}

export interface MediaPort {
  start(): Promise<void> | void;
  handleDescription(description: RtcDescription): Promise<void> | void;
  setMicrophone(deviceId?: string): Promise<void> | void;
  setSpeaker(deviceId?: string): Promise<void> | void;
  setAudioProcessing(options: AudioProcessing): Promise<void> | void;
  /** 0..1 */
  inputLevel(): number;
  readonly micReady: boolean;
  dispose(): void;
}

export type CreateMedia = (callbacks: MediaEngineCallbacks) => MediaPort;
