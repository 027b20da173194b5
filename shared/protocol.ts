// The one protocol between the renderer and the core. It rides Electron IPC (one preload
// function per command) or a WebSocket on 127.0.0.1 in the browser shell. Every command is
// validated with these schemas at the edge before it reaches the core.
import { z } from 'zod';
import type { AppSnapshot, FieldError } from './types';

export const PROTOCOL_VERSION = 1;

const callId = z.string().min(1).max(64);
const sdp = z.string().min(1).max(64 * 1024);

/** Commands: renderer -> core. Each carries an id; the core answers with a `result` event. */
export const commandSchemas = {
  /** First message of a connection: the renderer is ready; the core answers with a snapshot and flushes queued events. */
  hello: z.object({ protocol: z.number().int() }).strict(),
  'profile.save': z.object({ profile: z.unknown() }).strict(),
  'registration.retry': z.object({}).strict(),
  'call.dial': z.object({ target: z.string().trim().min(1).max(256) }).strict(),
  'call.answer': z.object({ callId }).strict(),
  'call.decline': z.object({ callId, reason: z.enum(['busy', 'decline']).optional() }).strict(),
  'call.hangup': z.object({ callId }).strict(),
  'call.hold': z.object({ callId, hold: z.boolean() }).strict(),
  'call.mute': z.object({ callId, mute: z.boolean() }).strict(),
  'call.dtmf': z.object({ callId, digits: z.string().regex(/^[0-9*#A-Da-d]{1,32}$/) }).strict(),
  'call.transfer': z.object({ callId, target: z.string().trim().min(1).max(256) }).strict(),
  /** Local 3-way conference of two live calls (held ones are resumed); the result's data is { conferenceId }. */
  'call.conference': z
    .object({ callIds: z.tuple([callId, callId]) })
    .strict()
    .refine((p) => p.callIds[0] !== p.callIds[1], { message: 'must name two different calls', path: ['callIds'] }),
  'agent.setState': z
    .object({ state: z.enum(['ready', 'not-ready', 'after-call-work']), reason: z.string().max(64).optional() })
    .strict(),
  /** WebRTC signaling of the one long-lived renderer<->core peer connection (full SDP, no trickle). */
  'rtc.description': z.object({ type: z.enum(['offer', 'answer']), sdp }).strict(),
  'echoTest.start': z.object({}).strict(),
  'echoTest.stop': z.object({}).strict(),
  'diagnostics.save': z.object({ renderer: z.unknown().optional() }).strict(),
  /** Renderer log lines (devices, media errors) forwarded to the core's log files. */
  log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), subsystem: z.string().max(32), message: z.string().max(4096) }).strict(),
} as const;

export type CommandType = keyof typeof commandSchemas;
export type CommandPayload<T extends CommandType> = z.infer<(typeof commandSchemas)[T]>;
export type Command = { [T in CommandType]: { type: T; id: number; payload: CommandPayload<T> } }[CommandType];

/** Events: core -> renderer. */
export interface EventMap {
  snapshot: AppSnapshot;
  result: { id: number; ok: boolean; error?: string; fieldErrors?: FieldError[]; data?: unknown };
  'rtc.description': { type: 'offer' | 'answer'; sdp: string };
  /** Something the agent should read (a toast), e.g. "Call to 404 failed: Not found". */
  notice: { level: 'info' | 'warning' | 'error'; message: string };
  /** Incoming call started/stopped ringing: the renderer plays the ring tone on the ringer device. */
  ring: { callId: string; ringing: boolean };
}
export type EventType = keyof EventMap;
export type CoreEvent = { [T in EventType]: { type: T; payload: EventMap[T] } }[EventType];

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Validates an untrusted message (already JSON-parsed) as a command. Throws ProtocolError with a readable reason. */
export function parseCommand(raw: unknown): Command {
  if (typeof raw !== 'object' || raw === null) throw new ProtocolError('message is not an object');
  const { type, id, payload } = raw as { type?: unknown; id?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !(type in commandSchemas)) throw new ProtocolError(`unknown command type ${JSON.stringify(type)}`);
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new ProtocolError('command id must be an integer');
  const schema = commandSchemas[type as CommandType];
  const result = schema.safeParse(payload ?? {});
  if (!result.success) {
    const first = result.error.issues[0];
    throw new ProtocolError(`invalid ${type}: ${first ? `${first.path.join('.') || 'payload'} ${first.message}` : 'bad payload'}`);
  }
  return { type, id, payload: result.data } as Command;
}

/** Channel names for Electron IPC: one per command, plus one for events. */
export const IPC_COMMAND_PREFIX = 'softphone:cmd:';
export const IPC_EVENT_CHANNEL = 'softphone:event';
