// What the renderer adds to a diagnostics bundle: device names and states, no secrets.
import type { AppState } from '../store/app-state';
import type { MediaPort } from './media-port';

export function rendererDiagnostics(state: AppState, media: MediaPort | null): Record<string, unknown> {
  return {
    userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : undefined,
    connection: state.connection,
    mediaState: state.mediaState,
    micReady: media?.micReady ?? false,
    micProblem: state.micProblem,
    devices: {
      inputs: state.inputs.map((d) => d.label),
      outputs: state.outputs.map((d) => d.label),
      remembered: state.remembered,
    },
    snapshotSeq: state.snapshot?.seq,
  };
}
