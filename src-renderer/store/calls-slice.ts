// Mirrors the core's AppSnapshot (calls, registration, history, agent, profile status) and turns
// the agent's call actions into commands. Call state is never derived here: the core owns it.
import type { StateCreator } from 'zustand';
import type { AppSnapshot } from '../../shared/types';
import type { CommandPayload, CommandType } from '../../shared/protocol';
import type { AppState } from './app-state';
import type { Services } from './services';
import { isLive } from '../features/calls/call-labels';

export interface CallsSlice {
  snapshot: AppSnapshot | null;
  /** Highest snapshot seq applied on the current link (-1 after a reconnect: the core may have restarted). */
  lastSeq: number;
  dialString: string;
  /** Call ids whose keypad is open. */
  keypadOpen: Record<string, boolean>;
  /** Call ids with the transfer form open. */
  transferOpen: Record<string, boolean>;
  applySnapshot(snapshot: AppSnapshot): void;
  setDialString(value: string): void;
  dial(): Promise<void>;
  answer(callId: string): Promise<void>;
  decline(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  setHold(callId: string, hold: boolean): Promise<void>;
  setMute(callId: string, mute: boolean): Promise<void>;
  toggleKeypad(callId: string): void;
  sendDtmf(callId: string, digits: string): Promise<void>;
  toggleTransfer(callId: string): void;
  transfer(callId: string, target: string): Promise<boolean>;
  /** Conference this call with the agent's other live call (exactly two live calls). */
  conference(callId: string): Promise<void>;
  retryRegistration(): Promise<void>;
}

export const createCallsSlice =
  (services: Services): StateCreator<AppState, [], [], CallsSlice> =>
  (set, get) => {
    /** Sends a command and turns a failure into a toast that says what failed. */
    async function run<T extends CommandType>(what: string, type: T, payload: CommandPayload<T>): Promise<boolean> {
      const result = await services.commands.request(type, payload);
      if (!result.ok) get().addNotice('error', `${what} failed: ${result.error ?? 'the phone service gave no reason'}`);
      return result.ok;
    }

    /** A call without a working microphone is a silent call: refuse it and say why. */
    function micBlocks(what: string): boolean {
      const problem = get().micProblem;
      if (!problem) return false;
      get().addNotice('error', `${what}: ${problem}`);
      return true;
    }

    return {
      snapshot: null,
      lastSeq: -1,
      dialString: '',
      keypadOpen: {},
      transferOpen: {},
      applySnapshot(snapshot) {
        if (snapshot.seq < get().lastSeq) return; // stale, overtaken by a newer one
        set({ snapshot, lastSeq: snapshot.seq });
      },
      setDialString(value) {
        set({ dialString: value });
      },
      async dial() {
        const target = get().dialString.trim();
        if (!target) {
          get().addNotice('warning', 'Type a number to call first');
          return;
        }
        if (micBlocks('Cannot place the call')) return;
        const ok = await run(`Call to ${target}`, 'call.dial', { target });
        if (ok && get().dialString.trim() === target) set({ dialString: '' });
      },
      async answer(callId) {
        if (micBlocks('Cannot answer the call')) return;
        await run('Answer', 'call.answer', { callId });
      },
      async decline(callId) {
        await run('Decline', 'call.decline', { callId, reason: 'decline' });
      },
      async hangup(callId) {
        await run('Hang up', 'call.hangup', { callId });
      },
      async setHold(callId, hold) {
        await run(hold ? 'Hold' : 'Resume', 'call.hold', { callId, hold });
      },
      async setMute(callId, mute) {
        await run(mute ? 'Mute' : 'Unmute', 'call.mute', { callId, mute });
      },
      toggleKeypad(callId) {
        set((s) => ({ keypadOpen: { ...s.keypadOpen, [callId]: !s.keypadOpen[callId] } }));
      },
      async sendDtmf(callId, digits) {
        if (!/^[0-9*#A-Da-d]{1,32}$/.test(digits)) return;
        await run(`Sending ${digits}`, 'call.dtmf', { callId, digits });
      },
      toggleTransfer(callId) {
        set((s) => ({ transferOpen: { ...s.transferOpen, [callId]: !s.transferOpen[callId] } }));
      },
      async transfer(callId, target) {
        const to = target.trim();
        if (!to) {
          get().addNotice('warning', 'Type the number to transfer the call to');
          return false;
        }
        const ok = await run(`Transfer to ${to}`, 'call.transfer', { callId, target: to });
        if (ok) set((s) => ({ transferOpen: { ...s.transferOpen, [callId]: false } }));
        return ok;
      },
      async conference(callId) {
        const live = (get().snapshot?.calls ?? []).filter(isLive);
        const other = live.find((c) => c.id !== callId);
        if (live.length !== 2 || !other || !live.some((c) => c.id === callId)) {
          get().addNotice('warning', 'Conference needs exactly two calls: put the first call on hold, call the second party, then press Conference');
          return;
        }
        // The held call first: the order the agent built the conference in.
        const ids: [string, string] = other.state === 'held' ? [other.id, callId] : [callId, other.id];
        await run('Conference', 'call.conference', { callIds: ids });
      },
      async retryRegistration() {
        await run('Registration retry', 'registration.retry', {});
      },
    };
  };
