// Toasts: core notices, failed commands and device changes, in plain words.
import type { StateCreator } from 'zustand';
import type { AppState } from './app-state';

export type NoticeLevel = 'info' | 'warning' | 'error';
export interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
}

export interface NoticesSlice {
  notices: Notice[];
  addNotice(level: NoticeLevel, message: string): void;
  dismissNotice(id: number): void;
}

/** Info and warnings fade on their own; errors stay until the agent dismisses them. */
const AUTO_DISMISS_MS = 8000;
const MAX_NOTICES = 5;

export const createNoticesSlice = (): StateCreator<AppState, [], [], NoticesSlice> => {
  let nextId = 1;
  return (set, get) => ({
    notices: [],
    addNotice(level, message) {
      if (!message) return;
      // The same text twice in a row (e.g. repeated retries) is one toast.
      if (get().notices.some((n) => n.message === message && n.level === level)) return;
      const id = nextId++;
      set((s) => ({ notices: [...s.notices, { id, level, message }].slice(-MAX_NOTICES) }));
      if (level !== 'error') setTimeout(() => get().dismissNotice(id), AUTO_DISMISS_MS);
    },
    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },
  });
};
