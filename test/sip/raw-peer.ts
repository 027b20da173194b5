// A hand-driven SIP peer on a UDP socket for tests that need what scripted peers cannot do
// easily: withhold responses or ACKs, retransmit on purpose, send garbage. Only loopback.
import dgram from 'node:dgram';

export interface RawMessage {
  text: string;
  from: { address: string; port: number };
  startLine: string;
  method?: string;
  status?: number;
  header(name: string): string | undefined;
  body: string;
}

export function parseRaw(text: string, from: { address: string; port: number }): RawMessage {
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split + 4) : '';
  const lines = head.split('\r\n');
  const startLine = lines[0] ?? '';
  const status = /^SIP\/2\.0 (\d{3})/.exec(startLine)?.[1];
  const method = status ? undefined : startLine.split(' ')[0];
  return {
    text,
    from,
    startLine,
    ...(method ? { method } : {}),
    ...(status ? { status: Number(status) } : {}),
    body,
    header(name: string) {
      const lower = name.toLowerCase();
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c > 0 && l.slice(0, c).trim().toLowerCase() === lower) return l.slice(c + 1).trim();
      }
      return undefined;
    },
  };
}

export class RawSipPeer {
  readonly received: RawMessage[] = [];
  #waiters = new Set<() => void>();
  onMessage: ((m: RawMessage) => void) | undefined;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (buf, rinfo) => {
      const m = parseRaw(buf.toString('utf8'), { address: rinfo.address, port: rinfo.port });
      this.received.push(m);
      this.onMessage?.(m);
      for (const w of [...this.#waiters]) w();
    });
  }

  static async start(): Promise<RawSipPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RawSipPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get uri(): string {
    return `sip:127.0.0.1:${this.port};transport=udp`;
  }

  send(text: string, to: { address: string; port: number }): void {
    this.socket.send(Buffer.from(text), to.port, to.address);
  }

  /** Resolves with the n-th (1-based) received message matching, past or future. */
  waitFor(pred: (m: RawMessage) => boolean, nth = 1, timeoutMs = 10_000): Promise<RawMessage> {
    return new Promise((resolve, reject) => {
      const check = (): RawMessage | undefined => this.received.filter(pred)[nth - 1];
      const hit = check();
      if (hit) return resolve(hit);
      const timer = setTimeout(() => {
        this.#waiters.delete(on);
        reject(new Error(`raw peer: timed out waiting for message #${nth}`));
      }, timeoutMs);
      const on = (): void => {
        const h = check();
        if (!h) return;
        clearTimeout(timer);
        this.#waiters.delete(on);
        resolve(h);
      };
      this.#waiters.add(on);
    });
  }

  count(pred: (m: RawMessage) => boolean): number {
    return this.received.filter(pred).length;
  }

  close(): void {
    this.socket.close();
  }
}

/** A response to `req` echoing its Via/From/To/Call-ID/CSeq (To gets `toTag` if given). */
export function responseTo(req: RawMessage, status: number, reason: string, opts: { toTag?: string; headers?: string[]; body?: string; contact?: string } = {}): string {
  const vias = req.text
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .filter((l) => /^(via|v)\s*:/i.test(l));
  const to = req.header('To') ?? '';
  const body = opts.body ?? '';
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...vias,
    `From: ${req.header('From')}`,
    `To: ${opts.toTag && !/;tag=/.test(to) ? `${to};tag=${opts.toTag}` : to}`,
    `Call-ID: ${req.header('Call-ID')}`,
    `CSeq: ${req.header('CSeq')}`,
    ...(opts.contact ? [`Contact: ${opts.contact}`] : []),
    ...(opts.headers ?? []),
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

export function sdpOffer(port: number, opts: { pts?: string; rtpmaps?: string[]; direction?: string; version?: number } = {}): string {
  return [
    'v=0',
    `o=raw 1 ${opts.version ?? 1} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${opts.pts ?? '0 101'}`,
    ...(opts.rtpmaps ?? ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000']),
    `a=${opts.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

/** Answers REGISTERs with 200 (echoing the Contact with an expiry). */
export function autoRegister(peer: RawSipPeer, expires = 600): void {
  const prev = peer.onMessage;
  peer.onMessage = (m) => {
    if (m.method === 'REGISTER') {
      const contact = m.header('Contact')?.replace(/;expires=\d+/, '') ?? '';
      peer.send(responseTo(m, 200, 'OK', { toTag: 'reg1', contact: `${contact};expires=${expires}` }), m.from);
      return;
    }
    prev?.(m);
  };
}
