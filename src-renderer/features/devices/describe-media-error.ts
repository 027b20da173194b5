// getUserMedia and friends fail with DOMException names; the agent needs to know what to do.
export interface MediaProblem {
  /** True when calls would be silent: the agent's microphone cannot be used. */
  microphone: boolean;
  text: string;
}

export function describeMediaError(error: unknown): MediaProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  const message =
    typeof error === 'string'
      ? error
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        microphone: true,
        text: 'Microphone access was denied — allow microphone access for Agent Softphone, then restart the app. Callers would not hear you.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return { microphone: true, text: 'No microphone found — plug in your headset, then choose it under Settings → Microphone.' };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        microphone: true,
        text: 'The microphone is in use by another program or not working — close other call apps or pick another microphone in Settings.',
      };
    default: {
      const microphone = /microphone|getUserMedia/i.test(message);
      if (message) return { microphone, text: message };
      return { microphone: false, text: 'The audio connection to the phone service failed — restart the app if calls have no sound.' };
    }
  }
}

/** Anything the engine reports as a notice (string or {message}) in plain words. */
export function noticeText(notice: unknown): string {
  if (typeof notice === 'string') return notice;
  if (typeof notice === 'object' && notice !== null && 'message' in notice) return String((notice as { message: unknown }).message);
  return '';
}
