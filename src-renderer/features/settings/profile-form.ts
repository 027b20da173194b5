// The settings form as plain strings/booleans, and its conversion to and from the profile.
// Pure functions so the screen has no logic of its own and the conversion is testable.
import { profileSchema } from '../../../shared/profile';
import type { FieldError, ProfileView } from '../../../shared/types';

/** Sections the profile schema knows; anything else in the loaded values is what made it invalid. `locked` is IT's, never ours to send. */
const SAVABLE_SECTIONS = new Set(Object.keys(profileSchema.shape).filter((k) => k !== 'locked'));

export interface ProfileDraft {
  displayName: string;
  uri: string;
  authUser: string;
  /** Write-only: empty means "keep the stored password". */
  password: string;
  outboundProxy: string;
  localAddress: string;
  transport: '' | 'udp' | 'tcp' | 'tls';
  /** PEM file of a private CA for SIP over TLS (IT gives it). */
  tlsCaFile: string;
  registerExpires: string;
  rtpPortMin: string;
  rtpPortMax: string;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  bringToFrontOnRing: boolean;
  startAtLogin: boolean;
  hotkeyAnswer: string;
  hotkeyHangup: string;
  hotkeyMute: string;
}

export type DraftKey = keyof ProfileDraft;

/** Profile path of each form field: used for field errors and IT locks. */
export const FIELD_PATHS: Record<DraftKey, string> = {
  displayName: 'displayName',
  uri: 'sip.uri',
  authUser: 'sip.authUser',
  password: 'sip.password',
  outboundProxy: 'sip.outboundProxy',
  localAddress: 'sip.localAddress',
  transport: 'sip.transport',
  tlsCaFile: 'sip.tlsCaFile',
  registerExpires: 'sip.registerExpires',
  rtpPortMin: 'media.rtpPortMin',
  rtpPortMax: 'media.rtpPortMax',
  echoCancellation: 'audio.echoCancellation',
  noiseSuppression: 'audio.noiseSuppression',
  autoGainControl: 'audio.autoGainControl',
  bringToFrontOnRing: 'behaviour.bringToFrontOnRing',
  startAtLogin: 'behaviour.startAtLogin',
  hotkeyAnswer: 'hotkeys.answer',
  hotkeyHangup: 'hotkeys.hangup',
  hotkeyMute: 'hotkeys.mute',
};

type Section = Record<string, unknown> | undefined;

function section(values: ProfileView | undefined, name: string): Section {
  const v = values?.[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

export function draftFromProfile(values: ProfileView | undefined): ProfileDraft {
  const sip = values?.sip;
  const media = section(values, 'media');
  const audio = section(values, 'audio');
  const behaviour = section(values, 'behaviour');
  const hotkeys = section(values, 'hotkeys');
  const transport = sip?.transport;
  return {
    displayName: str(values?.displayName),
    uri: str(sip?.uri),
    authUser: str(sip?.authUser),
    password: '',
    outboundProxy: str(sip?.outboundProxy),
    localAddress: str(sip?.localAddress),
    transport: transport === 'udp' || transport === 'tcp' || transport === 'tls' ? transport : '',
    tlsCaFile: str(sip?.tlsCaFile),
    registerExpires: str(sip?.registerExpires),
    rtpPortMin: str(media?.rtpPortMin),
    rtpPortMax: str(media?.rtpPortMax),
    // WebRTC's own defaults: processing on.
    echoCancellation: bool(audio?.echoCancellation, true),
    noiseSuppression: bool(audio?.noiseSuppression, true),
    autoGainControl: bool(audio?.autoGainControl, true),
    bringToFrontOnRing: bool(behaviour?.bringToFrontOnRing, true),
    startAtLogin: bool(behaviour?.startAtLogin, false),
    hotkeyAnswer: str(hotkeys?.answer),
    hotkeyHangup: str(hotkeys?.hangup),
    hotkeyMute: str(hotkeys?.mute),
  };
}

/** Empty text means "not set"; a number field that is not a number is sent as typed so the core names the field. */
function text(v: string): string | undefined {
  const t = v.trim();
  return t === '' ? undefined : t;
}
function num(v: string): number | string | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}
function compact<T extends Record<string, unknown>>(o: T): Partial<T> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? (out as Partial<T>) : undefined;
}

/** Removes a dotted path from a plain object tree (in place); empty parents go too. */
function deletePath(obj: Record<string, unknown>, path: string): void {
  const [head, ...rest] = path.split('.');
  if (!head || !(head in obj)) return;
  if (rest.length === 0) {
    delete obj[head];
    return;
  }
  const child = obj[head];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return;
  const copy = { ...(child as Record<string, unknown>) };
  deletePath(copy, rest.join('.'));
  if (Object.keys(copy).length === 0) delete obj[head];
  else obj[head] = copy;
}

/**
 * The profile to send with profile.save: the draft over the loaded values (other sections kept).
 * Locked paths are left out: the core fills in IT's values, and sending our defaults for them
 * (e.g. a checkbox IT never set) would be refused as a change to a locked field.
 */
export function profileFromDraft(
  draft: ProfileDraft,
  values: ProfileView | undefined,
  locked: readonly string[] = [],
  devices?: Partial<Record<'microphone' | 'speaker' | 'ringer', string>>,
): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values ?? {})) if (SAVABLE_SECTIONS.has(k)) base[k] = v;
  const sip = compact({
    uri: draft.uri.trim(),
    authUser: text(draft.authUser),
    password: draft.password === '' ? undefined : draft.password,
    outboundProxy: text(draft.outboundProxy),
    localAddress: text(draft.localAddress),
    transport: draft.transport === '' ? undefined : draft.transport,
    registerExpires: num(draft.registerExpires),
    tlsCaFile: text(draft.tlsCaFile),
  });
  const media = compact({ rtpPortMin: num(draft.rtpPortMin), rtpPortMax: num(draft.rtpPortMax) });
  const hotkeys = compact({ answer: text(draft.hotkeyAnswer), hangup: text(draft.hotkeyHangup), mute: text(draft.hotkeyMute) });
  const out: Record<string, unknown> = {
    ...base,
    displayName: text(draft.displayName),
    sip: sip ?? { uri: '' },
    media,
    audio: {
      echoCancellation: draft.echoCancellation,
      noiseSuppression: draft.noiseSuppression,
      autoGainControl: draft.autoGainControl,
    },
    behaviour: { ...(section(values, 'behaviour') ?? {}), bringToFrontOnRing: draft.bringToFrontOnRing, startAtLogin: draft.startAtLogin },
    hotkeys,
  };
  // Device choices are made live in the Devices section (remembered by name); they reach the
  // profile with the next save rather than on every pick, because a save restarts the SIP account.
  if (devices && Object.keys(devices).length > 0) out.devices = { ...devices };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  for (const path of locked) deletePath(out, path);
  return out;
}

/** A field is locked when IT locked its path or a section containing it. */
export function isLocked(locked: readonly string[], path: string): boolean {
  return locked.some((p) => p === path || path.startsWith(`${p}.`));
}

/**
 * Errors to show: those from the last save win over the snapshot's for the same field.
 * Returns per-field errors and the rest (fields the form has no input for).
 */
export function splitFieldErrors(
  snapshotErrors: readonly FieldError[],
  saveErrors: readonly FieldError[],
): { byField: Map<string, string[]>; other: string[] } {
  const savedFields = new Set(saveErrors.map((e) => e.field));
  const all = [...saveErrors, ...snapshotErrors.filter((e) => !savedFields.has(e.field))];
  const known = new Set(Object.values(FIELD_PATHS));
  const byField = new Map<string, string[]>();
  const other: string[] = [];
  for (const e of all) {
    if (known.has(e.field)) {
      const list = byField.get(e.field) ?? [];
      if (!list.includes(e.message)) list.push(e.message);
      byField.set(e.field, list);
    } else if (!other.includes(e.message)) {
      other.push(e.message);
    }
  }
  return { byField, other };
}
