// Just enough SIP parsing for the transport layer: classify a message, find its transaction
// key (top Via branch + CSeq method) and fix the top Via's port. sip.js does the real parsing;
// this only has to be robust against garbage from the network (returns undefined, never throws).

export interface WireRequest {
  kind: 'request';
  method: string;
  branch: string;
  cseqMethod: string;
  callId: string;
}

export interface WireResponse {
  kind: 'response';
  status: number;
  reason: string;
  branch: string;
  cseqMethod: string;
  callId: string;
}

export type WireMessage = WireRequest | WireResponse;

const COMPACT: Record<string, string> = { v: 'via', i: 'call-id', l: 'content-length' };

function headerName(raw: string): string {
  const name = raw.trim().toLowerCase();
  return COMPACT[name] ?? name;
}

/** Splits head and body at the first blank line; returns undefined if there is none. */
function splitHead(text: string): { head: string[]; body: string } | undefined {
  const idx = text.indexOf('\r\n\r\n');
  const idxLf = idx < 0 ? text.indexOf('\n\n') : -1;
  if (idx < 0 && idxLf < 0) return undefined;
  const headText = idx >= 0 ? text.slice(0, idx) : text.slice(0, idxLf);
  const body = idx >= 0 ? text.slice(idx + 4) : text.slice(idxLf + 2);
  // Unfold continuation lines (RFC 3261 7.3.1).
  const head = headText.split(/\r?\n/).reduce<string[]>((acc, line) => {
    if (/^[ \t]/.test(line) && acc.length) acc[acc.length - 1] += ' ' + line.trim();
    else acc.push(line);
    return acc;
  }, []);
  return { head, body };
}

function firstHeader(head: string[], name: string): string | undefined {
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (headerName(line.slice(0, colon)) === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** Classifies one SIP message; undefined when it is not a usable SIP message. */
export function peekMessage(text: string): WireMessage | undefined {
  const split = splitHead(text);
  if (!split) return undefined;
  const start = split.head[0] ?? '';
  const via = firstHeader(split.head, 'via');
  const cseq = firstHeader(split.head, 'cseq');
  const callId = firstHeader(split.head, 'call-id');
  if (!via || !cseq || !callId) return undefined;
  const branch = /;\s*branch=([^;,\s]+)/i.exec(via)?.[1];
  const cseqMethod = /^\d+\s+([A-Za-z]+)/.exec(cseq)?.[1]?.toUpperCase();
  if (!branch || !cseqMethod) return undefined;
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(start);
  if (response) {
    return { kind: 'response', status: Number(response[1]), reason: response[2] ?? '', branch, cseqMethod, callId };
  }
  const request = /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/.exec(start);
  if (request) return { kind: 'request', method: (request[1] ?? '').toUpperCase(), branch, cseqMethod, callId };
  return undefined;
}

function rewriteTopVia(text: string, rewrite: (value: string) => string): string {
  const lines = text.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') break;
    const m = /^(via|v)(\s*:\s*)(.*)$/i.exec(line);
    if (m) {
      lines[i] = `${m[1]}${m[2]}${rewrite(m[3] ?? '')}`;
      break;
    }
  }
  return lines.join('\r\n');
}

/** Outgoing request: "SIP/2.0/UDP host;branch" -> "SIP/2.0/UDP host:port;branch" (sip.js leaves the port out). */
export function addViaPort(text: string, host: string, port: number): string {
  return rewriteTopVia(text, (value) => {
    const m = /^(SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+)([^;,\s]+)(.*)$/.exec(value);
    if (!m || m[2] !== host) return value;
    return `${m[1]}${host}:${port}${m[3]}`;
  });
}

/** Incoming response: "host:port" in the top Via back to "host", or sip.js drops the response. */
export function stripViaPort(text: string, host: string): string {
  return rewriteTopVia(text, (value) => {
    const m = /^(SIP\s*\/\s*2\.0\s*\/\s*[A-Za-z]+\s+)([^;,\s]+)(.*)$/.exec(value);
    if (!m) return value;
    const sentBy = m[2] ?? '';
    if (sentBy.startsWith(`${host}:`) && /^\d+$/.test(sentBy.slice(host.length + 1))) return `${m[1]}${host}${m[3]}`;
    return value;
  });
}

/**
 * A 408 Request Timeout for one of our requests, as if from the network (RFC 3261 8.1.3.1: a
 * transaction timeout is treated as a 408). Lets the transport's timers end transactions.
 */
export function timeoutResponseFor(requestText: string): string | undefined {
  const split = splitHead(requestText);
  if (!split) return undefined;
  const keep = split.head.slice(1).filter((line) => /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i.test(line));
  return ['SIP/2.0 408 Request Timeout', ...keep, 'Content-Length: 0', '', ''].join('\r\n');
}
