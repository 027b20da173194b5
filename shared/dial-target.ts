// tel:, sip:/sips: and callto: links -> what the dialer dials. Both shells use it: Electron for
// OS protocol-handler launches (argv / open-url) and the browser shell for a link given on
// its command line. Anything that is not such a link, or carries characters a dial string
// never has, is refused: a link comes from outside (a web page, a CRM) and is not trusted.

export type DialLinkScheme = 'tel' | 'sip' | 'sips' | 'callto';

export interface DialTarget {
  scheme: DialLinkScheme;
  /** What to pass to `call.dial`: a number ("+15551234567", "1001") or a SIP URI ("sip:2000@pbx.example.com"). */
  target: string;
}

const MAX_LINK_LENGTH = 512;
const MAX_TARGET_LENGTH = 256;
/** Visual separators RFC 3966 allows in a phone number (and people paste). */
const VISUAL_SEPARATORS = /[\s\-.()]/g;
const NUMBER = /^\+?[0-9*#A-Da-d]{1,64}$/;
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(:\d{1,5})?$/;

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function parseNumber(raw: string): string | undefined {
  // Parameters (;phone-context=..., ;ext=...) and headers (?...) are not part of what is dialled.
  const decoded = safeDecode(raw.split(/[;?]/, 1)[0] ?? '');
  if (decoded === undefined) return undefined;
  const number = decoded.replace(VISUAL_SEPARATORS, '');
  return NUMBER.test(number) ? number : undefined;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string): string | undefined {
  // URI headers (?Subject=...) could smuggle SIP headers into the INVITE: drop them. Keep URI
  // parameters such as ;user=phone only if harmless; transport/maddr would redirect the call.
  const withoutHeaders = rest.split('?', 1)[0] ?? '';
  const [addr] = withoutHeaders.split(';', 1);
  if (!addr) return undefined;
  const at = addr.lastIndexOf('@');
  const user = at >= 0 ? addr.slice(0, at) : undefined;
  const host = at >= 0 ? addr.slice(at + 1) : addr;
  if (!HOST.test(host)) return undefined;
  if (user !== undefined) {
    if (!user || !SIP_USER.test(user)) return undefined;
    const decodedUser = safeDecode(user);
    if (decodedUser === undefined || /[\s<>"@]/.test(decodedUser)) return undefined;
  }
  return `${scheme}:${user !== undefined ? `${user}@` : ''}${host}`;
}

/** Parses one link; returns undefined for anything that is not a dialable tel:/sip:/sips:/callto: link. */
export function parseDialLink(link: string): DialTarget | undefined {
  const text = link.trim();
  if (!text || text.length > MAX_LINK_LENGTH) return undefined;
  const match = /^(tel|sips?|callto):(.*)$/is.exec(text);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase() as DialLinkScheme;
  let rest = match[2]!;
  let target: string | undefined;
  if (scheme === 'tel') {
    target = parseNumber(rest);
  } else if (scheme === 'sip' || scheme === 'sips') {
    target = parseSipUri(scheme, rest);
  } else {
    // callto:1001, callto://1001, callto://+1-555-0100, callto:sip:2000@pbx (Skype-era forms).
    rest = rest.replace(/^\/\//, '').replace(/\/$/, '');
    const nested = /^(sips?):(.*)$/i.exec(rest);
    if (nested) target = parseSipUri(nested[1]!.toLowerCase() as 'sip' | 'sips', nested[2]!);
    else target = parseNumber(rest);
  }
  if (!target || target.length > MAX_TARGET_LENGTH) return undefined;
  return { scheme, target };
}

/**
 * Finds the dial link in a command line (process.argv of a second instance, or the browser
 * shell's own). Flags and their values are skipped; the first argument that parses wins.
 */
export function findDialLinkInArgs(args: readonly string[]): DialTarget | undefined {
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    const target = parseDialLink(arg);
    if (target) return target;
  }
  return undefined;
}
