// Sorts a media problem for the UI: the agent's microphone (calls would be silent) or something
// else. The words for known DOMException names come from the media engine, so the agent reads
// the same sentence whichever path reported the failure.
import { knownMicrophoneProblem } from '../../media/engine';

export interface MediaProblem {
  /** True when calls would be silent: the agent's microphone cannot be used. */
  microphone: boolean;
  text: string;
}

export function describeMediaError(error: unknown): MediaProblem {
  const known = knownMicrophoneProblem(error);
  if (known) return { microphone: true, text: known };
  const message =
    typeof error === 'string'
      ? error
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : '';
  const microphone = /microphone|getUserMedia/i.test(message);
  if (message) return { microphone, text: message };
  return { microphone: false, text: 'The audio connection to the phone service failed — restart the app if calls have no sound.' };
}

/** Anything the engine reports as a notice (string or {message}) in plain words. */
export function noticeText(notice: unknown): string {
  if (typeof notice === 'string') return notice;
  if (typeof notice === 'object' && notice !== null && 'message' in notice) return String((notice as { message: unknown }).message);
  return '';
}
