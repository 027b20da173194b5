// Wires the core's events into the store, the media engine and the ring tone. The store mirrors;
// this file only routes. Returns a dispose function.
import type { SignalingClient } from '../signaling/client';
import type { AppStore } from '../store/store';
import type { Services } from '../store/services';
import type { DeviceInfoLike, DeviceNames } from '../store/devices-slice';
import type { RingPlayer } from '../features/devices/sound';
import { describeMediaError, noticeText } from '../features/devices/describe-media-error';
import { isInboundRinging, remotePartyName } from '../features/calls/call-labels';
import type { RtcConnectionState } from '../../shared/types';
import type { AudioProcessing, CreateMedia, MediaPort } from './media-port';

export interface MediaDevicesLike {
  enumerateDevices(): Promise<DeviceInfoLike[]>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

export interface ControllerDeps {
  client: SignalingClient;
  store: AppStore;
  services: Services;
  createMedia: CreateMedia;
  ringer: RingPlayer;
  mediaDevices?: MediaDevicesLike;
  /** Window title: shows a ringing call in the taskbar even when the window is behind others. */
  setTitle?: (title: string) => void;
}

/**
 * Waits before each attempt to rebuild a failed audio connection. The core re-attaches live
 * calls to a fresh connection (it sees a new DTLS fingerprint), so a call survives a broken
 * connection with a short gap instead of staying silent until the agent restarts the app.
 */
export const MEDIA_RECOVERY_DELAYS_MS: readonly number[] = [500, 1000, 2000, 4000, 8000];

export function startController({ client, store, services, createMedia, ringer, mediaDevices, setTitle }: ControllerDeps): () => void {
  const state = () => store.getState();
  const subs: Array<() => void> = [];
  let media: MediaPort | null = null;
  let disposed = false;
  let appliedAudio = '';
  let lastRtc: RtcConnectionState | null = null;
  let recoveryAttempts = 0;
  let recoveryTimer: ReturnType<typeof setTimeout> | undefined;

  function log(level: 'info' | 'warn' | 'error', subsystem: string, message: string): void {
    client.send('log', { level, subsystem, message: message.slice(0, 4000) });
  }

  function mediaError(error: unknown): void {
    const problem = describeMediaError(error);
    log('error', 'media', `${problem.microphone ? 'microphone' : 'media'}: ${problem.text}`);
    if (problem.microphone) state().setMicProblem(problem.text);
    else state().addNotice('error', problem.text);
  }

  async function refreshDevices(retryMic = false): Promise<void> {
    if (!mediaDevices) return;
    try {
      const list = await mediaDevices.enumerateDevices();
      if (disposed) return;
      state().setMediaDevices(list);
      if (!list.some((d) => d.kind === 'audioinput')) {
        state().setMicProblem(describeMediaError({ name: 'NotFoundError' }).text);
      } else if (retryMic && state().micProblem && media) {
        // A microphone was plugged in after a failure: try again instead of waiting for a restart.
        if (!media.micReady) await Promise.resolve(media.start()).catch(mediaError);
        if (media.micReady) state().setMicProblem(null);
      }
    } catch (err) {
      log('warn', 'devices', `enumerateDevices failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  function applyAudioProcessing(): void {
    const audio = state().snapshot?.profile.values?.['audio'];
    const wanted: AudioProcessing = typeof audio === 'object' && audio !== null ? (audio as AudioProcessing) : {};
    const key = JSON.stringify(wanted);
    if (!media || key === appliedAudio) return;
    appliedAudio = key;
    Promise.resolve()
      .then(() => media?.setAudioProcessing(wanted))
      .catch(mediaError);
  }

  /** The connection (not the microphone) failed: start a fresh engine after a bounded backoff. */
  function scheduleMediaRecovery(): void {
    if (disposed || recoveryTimer) return;
    const delay = MEDIA_RECOVERY_DELAYS_MS[recoveryAttempts];
    if (delay === undefined) {
      log('error', 'media', `audio connection still failing after ${recoveryAttempts} attempts; giving up`);
      state().addNotice('error', 'The audio connection inside the app could not be restored — restart Agent Softphone.');
      return;
    }
    recoveryAttempts += 1;
    log('warn', 'media', `audio connection failed; reconnecting in ${delay} ms (attempt ${recoveryAttempts} of ${MEDIA_RECOVERY_DELAYS_MS.length})`);
    recoveryTimer = setTimeout(() => {
      recoveryTimer = undefined;
      if (!disposed) restartMedia('the audio connection failed');
    }, delay);
  }

  async function startMedia(): Promise<void> {
    const engine: MediaPort = createMedia({
      sendDescription: (d) => client.send('rtc.description', { type: d.type, sdp: d.sdp }),
      onStateChange: (s) => {
        if (media !== engine) return; // a disposed engine's last words
        state().setMediaState(String(s));
        if (state().micProblem && engine.micReady) state().setMicProblem(null);
        if (s === 'connected') recoveryAttempts = 0;
        // With a working microphone, 'failed' is the connection; microphone failures are
        // retried when a device appears (refreshDevices), not by rebuilding the connection.
        else if (s === 'failed' && engine.micReady) scheduleMediaRecovery();
      },
      onError: mediaError,
      onDeviceNotice: (n) => {
        const text = noticeText(n);
        if (text) state().addNotice('info', text);
        void refreshDevices();
      },
    });
    media = engine;
    services.media.current = media;
    try {
      await media.start();
    } catch (err) {
      mediaError(err);
    }
    if (disposed) return;
    // A restarted engine starts on the defaults: give it the devices already chosen.
    const chosen = state().selected;
    if (chosen.microphone) await Promise.resolve(media.setMicrophone(chosen.microphone)).catch(mediaError);
    if (chosen.speaker) await Promise.resolve(media.setSpeaker(chosen.speaker)).catch(mediaError);
    // Labels are only available once microphone permission is granted, i.e. after start().
    await refreshDevices();
    applyAudioProcessing();
  }

  /**
   * The core reports rtc 'idle' again after it replaced its media gateway (new media settings)
   * or restarted: the old peer connection leads nowhere, so a fresh engine offers again.
   */
  function restartMedia(why: string): void {
    log('info', 'media', `${why}; restarting the media engine`);
    media?.dispose();
    media = null;
    services.media.current = null;
    appliedAudio = '';
    void startMedia();
  }

  subs.push(client.onStatus((s) => state().setConnection(s)));
  subs.push(
    client.on('snapshot', (snapshot) => {
      state().applySnapshot(snapshot);
      const devices = snapshot.profile.values?.['devices'];
      if (typeof devices === 'object' && devices !== null) state().seedRememberedDevices(devices as DeviceNames);
      const ringing = snapshot.calls.filter(isInboundRinging);
      ringer.keepOnly(ringing.map((c) => c.id));
      setTitle?.(ringing[0] ? `Incoming call: ${remotePartyName(ringing[0].remote)} — Agent Softphone` : 'Agent Softphone');
      const rtcWentIdle = lastRtc !== null && lastRtc !== 'idle' && snapshot.rtc === 'idle';
      lastRtc = snapshot.rtc;
      if (!media) void startMedia();
      else if (rtcWentIdle) restartMedia('the core asked for a new audio connection (rtc idle)');
      else applyAudioProcessing();
    }),
  );
  subs.push(
    client.on('rtc.description', (d) => {
      if (!media) {
        log('warn', 'media', `rtc.description (${d.type}) arrived before the media engine started; ignored`);
        return;
      }
      Promise.resolve()
        .then(() => media?.handleDescription(d))
        .catch(mediaError);
    }),
  );
  subs.push(client.on('notice', (n) => state().addNotice(n.level, n.message)));
  subs.push(client.on('ring', (r) => ringer.ring(r.callId, r.ringing)));
  subs.push(
    client.on('result', (r) => {
      if (r.id === client.currentHelloId && !r.ok) {
        state().addNotice('error', `The phone service refused this window: ${r.error ?? 'version mismatch'} — restart Agent Softphone`);
      }
    }),
  );

  const onDeviceChange = () => void refreshDevices(true);
  if (mediaDevices) {
    mediaDevices.addEventListener('devicechange', onDeviceChange);
    subs.push(() => mediaDevices.removeEventListener('devicechange', onDeviceChange));
  }

  return () => {
    disposed = true;
    if (recoveryTimer) clearTimeout(recoveryTimer);
    for (const unsub of subs) unsub();
    ringer.dispose();
    media?.dispose();
    services.media.current = null;
  };
}
