// SIP over TLS: the stream transport (framing, keepalive, reconnect) over node:tls, with the
// server's certificate always verified (chain to a trusted CA, name or IP, dates). There is no
// switch to turn verification off: an agent's credentials and calls must not go to whoever
// answers. Failures become SipTlsError with a kind the account turns into plain words.
import type net from 'node:net';
import tls from 'node:tls';
import { StreamTransport, type OpeningStream, type StreamTransportOptions } from './stream';

export interface TlsTransportOptions extends StreamTransportOptions {
  /** The proxy's DNS name (SNI and the name checked on the certificate); omit for an IP literal: its IP SAN is checked. */
  servername?: string;
  /** CA certificates (PEM) to trust; default: Node's CA store. */
  ca?: string[];
}

export type TlsFailureKind = 'untrusted' | 'mismatch' | 'expired' | 'not-yet-valid' | 'handshake';

/** The TLS connection failed before SIP could flow: certificate not accepted or handshake failed. */
export class SipTlsError extends Error {
  override readonly name = 'SipTlsError';
  readonly kind: TlsFailureKind;
  /** Node/OpenSSL code, e.g. SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID. */
  readonly code: string | undefined;
  /** For 'mismatch': the names and IPs the certificate is for. */
  readonly certNames: string[];
  /** For 'handshake': what went wrong, in plain words. */
  readonly detail: string | undefined;
  constructor(kind: TlsFailureKind, message: string, options: { code?: string; certNames?: string[]; detail?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.code = options.code;
    this.certNames = options.certNames ?? [];
    this.detail = options.detail;
  }
}

// OpenSSL verification results that mean "no chain to a CA we trust".
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);

/** "IP Address:127.0.0.1, DNS:sip.example.com" -> ['127.0.0.1', 'sip.example.com']. */
function namesOf(subjectaltname: string | undefined, subjectCn: string | undefined): string[] {
  const names = (subjectaltname ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return names.length ? names : subjectCn ? [subjectCn] : [];
}

/** What the TLS handshake error means for someone who is not a TLS expert. */
function handshakeDetail(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') return 'the server did not answer in TLS';
  if (code === 'ECONNRESET' || /closed|socket disconnected/i.test(error.message)) return 'the server closed the connection';
  if (/CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE/.test(code)) return 'the server wants a client certificate';
  if (/PROTOCOL_VERSION|HANDSHAKE_FAILURE|NO_SHARED_CIPHER|UNSUPPORTED_PROTOCOL/.test(code)) return 'no TLS version or cipher in common';
  if (/within \d+ ms/.test(error.message)) return 'no answer to the handshake';
  return code || error.message;
}

export class TlsTransport extends StreamTransport {
  readonly protocol = 'TLS';
  readonly #tls: TlsTransportOptions;
  /** Sockets whose TCP connection was made (a failure after that is a TLS failure, not a refused connection). */
  readonly #tcpUp = new WeakSet<net.Socket>();

  // sip.js constructs transports as `new transportConstructor(logger, transportOptions)`.
  constructor(_logger: unknown, options: unknown) {
    const o = options as TlsTransportOptions;
    super(o);
    this.#tls = o;
  }

  protected openStream(): OpeningStream {
    const { host, port } = this.options.remote;
    // tls.connect hands these to net's connect, which honours localAddress (its typings omit it).
    const options: tls.ConnectionOptions & Pick<net.TcpSocketConnectOpts, 'localAddress'> = {
      host,
      port,
      localAddress: this.options.localAddress,
      // Verification stays on whatever the profile says; Node checks chain, dates and the name
      // (servername) or, without one, the IP SAN against `host`.
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(this.#tls.servername ? { servername: this.#tls.servername } : {}),
      ...(this.#tls.ca ? { ca: this.#tls.ca } : {}),
    };
    const socket = tls.connect(options);
    socket.once('connect', () => this.#tcpUp.add(socket));
    return { socket, readyEvent: 'secureConnect' };
  }

  protected override connectError(error: Error, socket: net.Socket): Error {
    const e = error as NodeJS.ErrnoException & { cert?: { subjectaltname?: string; subject?: { CN?: string } } };
    const code = e.code;
    const { host, port } = this.options.remote;
    const where = `TLS to ${this.#tls.servername ?? host}:${port}`;
    if (code && UNTRUSTED.has(code)) return new SipTlsError('untrusted', `${where}: certificate not trusted (${code})`, { code, cause: error });
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      const certNames = namesOf(e.cert?.subjectaltname, e.cert?.subject?.CN);
      return new SipTlsError('mismatch', `${where}: certificate is for ${certNames.join(', ') || 'another server'}`, { code, certNames, cause: error });
    }
    if (code === 'CERT_HAS_EXPIRED') return new SipTlsError('expired', `${where}: certificate expired`, { code, cause: error });
    if (code === 'CERT_NOT_YET_VALID') return new SipTlsError('not-yet-valid', `${where}: certificate not valid yet`, { code, cause: error });
    // Refused, unreachable, timed out before TCP connected: the same words as for TCP.
    if (!this.#tcpUp.has(socket)) return error;
    const detail = handshakeDetail(e);
    return new SipTlsError('handshake', `${where}: handshake failed (${detail})`, { ...(code ? { code } : {}), detail, cause: error });
  }
}
