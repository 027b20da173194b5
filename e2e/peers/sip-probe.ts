// A tiny SIP-over-UDP client for probing peers (readiness pings, registrar checks in tests).
// Not a SIP stack: one request, its final response, optional digest retry.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { LOOPBACK } from './ports';

export interface SipResponse {
  status: number;
  reason: string;
  headers: Record<string, string[]>;
  raw: string;
  header(name: string): string | undefined;
}

export function parseSipResponse(raw: string): SipResponse | undefined {
  const [head] = raw.split('\r\n\r\n');
  const lines = (head ?? '').split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string[]> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, raw, header: (n) => headers[n.toLowerCase()]?.[0] };
}

export interface SipRequestOptions {
  host?: string;
  port: number;
  method: string;
  requestUri: string;
  from?: string;
  to?: string;
  extraHeaders?: string[];
  /** Digest credentials: answers one 401/407 challenge. */
  auth?: { user: string; password: string };
  timeoutMs?: number;
}

const md5 = (s: string): string => crypto.createHash('md5').update(s).digest('hex');

function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return out;
}

export function digestAuthorization(challenge: string, method: string, uri: string, user: string, password: string): string {
  const p = digestParams(challenge);
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const ha1 = md5(`${user}:${realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  if (p.qop && p.qop.split(',').map((q) => q.trim()).includes('auth')) {
    const nc = '00000001';
    const cnonce = crypto.randomBytes(8).toString('hex');
    const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
  }
  return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${md5(`${ha1}:${nonce}:${ha2}`)}", algorithm=MD5`;
}

/** Sends one request over UDP (retransmitting every 500 ms) and resolves with its final response. */
export async function sipRequest(options: SipRequestOptions): Promise<SipResponse> {
  const host = options.host ?? LOOPBACK;
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  const localPort = socket.address().port;
  const callId = crypto.randomBytes(8).toString('hex');
  const from = options.from ?? `sip:probe@${LOOPBACK}`;
  const to = options.to ?? from;
  const fromTag = crypto.randomBytes(4).toString('hex');
  const build = (cseq: number, authHeader?: string): string =>
    [
      `${options.method} ${options.requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${LOOPBACK}:${localPort};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
      `Max-Forwards: 70`,
      `From: <${from}>;tag=${fromTag}`,
      `To: <${to}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${options.method}`,
      `Contact: <sip:probe@${LOOPBACK}:${localPort}>`,
      ...(authHeader ? [authHeader] : []),
      ...(options.extraHeaders ?? []),
      `Content-Length: 0`,
      '',
      '',
    ].join('\r\n');
  const once = (message: string): Promise<SipResponse> =>
    new Promise<SipResponse>((resolve, reject) => {
      const send = (): void => socket.send(message, options.port, host);
      const retransmit = setInterval(send, 500);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no final SIP response from ${host}:${options.port} to ${options.method} within ${options.timeoutMs ?? 5000} ms`));
      }, options.timeoutMs ?? 5000);
      const onMessage = (buf: Buffer): void => {
        const r = parseSipResponse(buf.toString('utf8'));
        if (!r || r.status < 200) return;
        cleanup();
        resolve(r);
      };
      const cleanup = (): void => {
        clearInterval(retransmit);
        clearTimeout(timer);
        socket.off('message', onMessage);
      };
      socket.on('message', onMessage);
      send();
    });
  try {
    let response = await once(build(1));
    if (options.auth && (response.status === 401 || response.status === 407)) {
      const challenge = response.header(response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate') ?? '';
      const value = digestAuthorization(challenge, options.method, options.requestUri, options.auth.user, options.auth.password);
      response = await once(build(2, `${response.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${value}`));
    }
    return response;
  } finally {
    socket.close();
  }
}

/** Resolves once something answers SIP OPTIONS on host:port (UDP), polling each 100 ms up to `timeoutMs`. */
export async function waitForSipOptions(port: number, timeoutMs = 10_000, host = LOOPBACK): Promise<SipResponse> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await sipRequest({ host, port, method: 'OPTIONS', requestUri: `sip:${host}:${port}`, timeoutMs: Math.min(1000, Math.max(100, deadline - Date.now())) });
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`nothing answered SIP OPTIONS on ${host}:${port} within ${timeoutMs} ms: ${String(lastError)}`);
}
