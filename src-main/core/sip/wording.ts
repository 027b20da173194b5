// Plain words for registration failures and call endings: what failed and what to do.
import type { TlsFailureKind } from './transport/tls';

export interface StatusLike {
  status: number;
  reason: string;
}

/** "Registration failed: <this>" on the status line of the app. */
export function registrationFailureReason(failure: StatusLike, proxy: string, user: string): string {
  const { status } = failure;
  const reason = failure.reason.trim() || defaultReasonPhrase(status);
  if (status === 401 || status === 407 || status === 403) {
    return `${status} ${reason} — check the user name and password in Settings`;
  }
  if (status === 408) return `no answer from ${proxy} — check the network and the outbound proxy in Settings`;
  if (status === 404) return `404 ${reason} — the server does not know user ${user}; check the SIP address in Settings`;
  if (status >= 500 && status <= 599) return `${status} ${reason} from the server — try again later or call IT`;
  return `${status} ${reason} — check the SIP settings or call IT`;
}

export function connectFailureReason(proxy: string, detail: string): string {
  return `cannot connect to ${proxy} (${plainConnectDetail(detail)}) — check the network and the outbound proxy in Settings`;
}

/** Socket errors as words; unknown ones are kept as they are (they still help IT). */
function plainConnectDetail(detail: string): string {
  if (/ECONNREFUSED/.test(detail)) return 'connection refused';
  if (/EHOSTUNREACH|ENETUNREACH/.test(detail)) return 'no route to the server';
  if (/ETIMEDOUT|within \d+ ms/.test(detail)) return 'no answer';
  return detail;
}

export interface TlsFailureLike {
  kind: TlsFailureKind;
  /** 'mismatch': who the certificate is for. */
  certNames?: string[];
  /** 'handshake': what went wrong. */
  detail?: string;
}

/** Why a TLS connection to the SIP server was not made, for "Registration failed: <this>". */
export function tlsFailureReason(failure: TlsFailureLike, proxy: string, options: { host: string; caFileSet: boolean }): string {
  switch (failure.kind) {
    case 'untrusted':
      return options.caFileSet
        ? "the SIP server's certificate is not trusted (not signed by the CA in sip.tlsCaFile, or self-signed) — ask IT for the right CA file for sip.tlsCaFile"
        : "the SIP server's certificate is not trusted (self-signed or unknown CA) — ask IT for the CA file and set sip.tlsCaFile";
    case 'mismatch': {
      const names = failure.certNames?.length ? failure.certNames.join(', ') : 'another server';
      return `the SIP server's certificate does not match ${options.host} (it is for ${names}) — set the outbound proxy in Settings to the name on the certificate, or ask IT`;
    }
    case 'expired':
      return "the SIP server's certificate has expired — ask IT to renew it (or check this computer's date)";
    case 'not-yet-valid':
      return "the SIP server's certificate is not valid yet — check this computer's date and time, or ask IT";
    case 'handshake':
      return `TLS handshake with ${proxy} failed (${failure.detail ?? 'unknown reason'}) — check that the outbound proxy's port speaks SIP over TLS (usually 5061), or call IT`;
  }
}

/** Why an outbound call failed, from the final response the far end (or proxy) sent. */
export function callFailureReason(status: number, reasonPhrase?: string): string {
  switch (status) {
    case 486:
    case 600:
      return 'Busy';
    case 404:
    case 604:
    case 484:
      return 'Number not found';
    case 480:
      return 'Not available';
    case 487:
      return 'Cancelled';
    case 603:
      return 'Declined';
    case 408:
      return 'No answer';
    case 488:
    case 606:
      return 'No common audio codec';
    case 401:
    case 403:
    case 407:
      return 'Not allowed to call this number';
    default: {
      const phrase = reasonPhrase?.trim() || defaultReasonPhrase(status);
      return status >= 500 ? `Call failed: ${status} ${phrase} from the server` : `Call failed: ${status} ${phrase}`;
    }
  }
}

function defaultReasonPhrase(status: number): string {
  const phrases: Record<number, string> = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    407: 'Proxy Authentication Required',
    408: 'Request Timeout',
    480: 'Temporarily Unavailable',
    486: 'Busy Here',
    487: 'Request Terminated',
    488: 'Not Acceptable Here',
    500: 'Server Internal Error',
    503: 'Service Unavailable',
    603: 'Decline',
  };
  return phrases[status] ?? 'Error';
}
