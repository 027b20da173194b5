// Provisioning profile: what IT deploys and what the settings screen edits (same fields).
// Validated here so the core and the settings screen report the same field-level errors.
import { z } from 'zod';
import type { FieldError, Profile } from './types';

const sipUri = z
  .string()
  .regex(/^sips?:[^@\s]+@[^@\s]+$/, 'must be a SIP address like sip:1001@example.com');
const proxyUri = z
  .string()
  .regex(/^sips?:[^\s]+$/, 'must be a SIP URI like sip:10.0.0.5:5060;transport=udp');
const port = z.number().int().min(1024, 'must be 1024 or higher').max(65535, 'must be 65535 or lower');
const ipv4 = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, 'must be an IPv4 address like 192.168.1.20');

export const sipSchema = z
  .object({
    uri: sipUri,
    authUser: z.string().min(1).optional(),
    password: z.string().optional(),
    outboundProxy: proxyUri.optional(),
    localAddress: ipv4.optional(),
    registerExpires: z.number().int().min(60, 'must be at least 60 seconds').max(86400).optional(),
    transport: z.enum(['udp', 'tcp', 'tls']).optional(),
    tlsCaFile: z.string().min(1, 'must be the path of a PEM file with the CA certificate(s)').optional(),
  })
  .strict();

export const mediaSchema = z
  .object({ rtpPortMin: port.optional(), rtpPortMax: port.optional() })
  .strict()
  .refine((m) => m.rtpPortMin === undefined || m.rtpPortMax === undefined || m.rtpPortMax - m.rtpPortMin >= 3, {
    message: 'rtpPortMax must be at least rtpPortMin + 3 (each call needs an RTP and an RTCP port)',
    path: ['rtpPortMax'],
  });

export const devicesSchema = z
  .object({ microphone: z.string().optional(), speaker: z.string().optional(), ringer: z.string().optional() })
  .strict();

export const audioSchema = z
  .object({
    echoCancellation: z.boolean().optional(),
    noiseSuppression: z.boolean().optional(),
    autoGainControl: z.boolean().optional(),
  })
  .strict();

export const behaviourSchema = z
  .object({
    bringToFrontOnRing: z.boolean().optional(),
    startAtLogin: z.boolean().optional(),
    autoAnswer: z.boolean().optional(),
  })
  .strict();

export const hotkeysSchema = z
  .object({ answer: z.string().optional(), hangup: z.string().optional(), mute: z.string().optional() })
  .strict();

export const updatesSchema = z
  .object({
    enabled: z.boolean().optional(),
    url: z.string().url('must be an http(s) URL').optional(),
    checkIntervalMinutes: z.number().int().min(5).max(1440).optional(),
    channel: z.string().optional(),
  })
  .strict();

export const profileSchema = z
  .object({
    displayName: z.string().max(100).optional(),
    sip: sipSchema,
    media: mediaSchema.optional(),
    devices: devicesSchema.optional(),
    audio: audioSchema.optional(),
    behaviour: behaviourSchema.optional(),
    hotkeys: hotkeysSchema.optional(),
    updates: updatesSchema.optional(),
    /** Field paths ("sip.uri", "updates") that the agent may not change. */
    locked: z.array(z.string()).optional(),
  })
  .strict();

export type ValidatedProfile = z.infer<typeof profileSchema>;

function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Turns zod issues into one error per field, with the field named in the message. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = issuePath([...issue.path, key]);
        out.push({ field, message: `${field}: unknown field` });
      }
      continue;
    }
    const field = issuePath(issue.path) || '(profile)';
    const message = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message;
    out.push({ field, message: `${field}: ${message}` });
  }
  return out;
}

export interface ProfileValidation {
  /** The profile if it is valid as a whole. */
  profile?: Profile;
  errors: FieldError[];
}

export function validateProfile(input: unknown): ProfileValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { errors: [{ field: '(profile)', message: 'the profile must be a JSON object' }] };
  }
  const result = profileSchema.safeParse(input);
  if (result.success) {
    return { profile: result.data as Profile, errors: [] };
  }
  return { errors: toFieldErrors(result.error) };
}

/** Parses profile JSON text; a syntax error is reported with its position. */
export function parseProfileJson(text: string): ProfileValidation {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { errors: [{ field: '(profile)', message: `the profile is not valid JSON: ${msg}` }] };
  }
  return validateProfile(data);
}
