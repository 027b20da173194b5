// Secrets never reach a log line or a diagnostics archive: Authorization headers, digest
// responses and anything that looks like a password are replaced before a line is written.

const PATTERNS: Array<[RegExp, string]> = [
  // SIP/HTTP auth headers, whole value (digest response, basic credentials), wherever they
  // stand: at a line start, mid-line ("proxy said: Authorization: ..."), or inside a SIP
  // message logged on one line with escaped "\r\n" (the value stops at the escape).
  [/(?:(?<=\\[rn])|(?<![\w-]))((?:Proxy-)?Authorization)\s*:\s*(?!\[redacted\])(?:(?!\\r|\\n)[^\r\n])*/gi, '$1: [redacted]'],
  [/\b(response|cnonce)="[^"]*"/gi, '$1="[redacted]"'],
  // JSON and key=value passwords and tokens.
  [/("(?:password|secret|token|passwd|pwd)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
  [/\b(password|passwd|pwd|secret|token)=([^\s&;,"]+)/gi, '$1=[redacted]'],
];

export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  for (const secret of extraSecrets) {
    if (secret.length >= 3) out = out.split(secret).join('[redacted]');
  }
  return out;
}
