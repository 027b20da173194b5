// Plain words for registration failures and call endings: what failed and what to do.

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
  return `cannot connect to ${proxy} (${detail}) — check the network and the outbound proxy in Settings`;
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
