// SDP munging for the renderer<->core peer connection. Pure string functions (unit-tested).

function splitLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((line, i, all) => line.length > 0 || i < all.length - 1);
}

function joinLines(lines: string[]): string {
  const body = lines.filter((l) => l.length > 0).join('\r\n');
  return `${body}\r\n`;
}

/**
 * Removes every ICE candidate. The core's side listens on 127.0.0.1 only and learns the
 * browser's address from its connectivity checks (peer-reflexive), so browser candidates
 * (mDNS names, LAN addresses) are never needed and would only leak addresses.
 */
export function stripCandidates(sdp: string): string {
  return joinLines(splitLines(sdp).filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates'));
}

/**
 * Keeps telephone-event only at 8 kHz: the gateway matches codecs by name, so a 48 kHz
 * telephone-event would be taken for the 8 kHz one (and SIP peers use 8 kHz).
 */
export function onlyNarrowbandTelephoneEvent(sdp: string): string {
  const lines = splitLines(sdp);
  const drop = new Set<string>();
  for (const line of lines) {
    const m = /^a=rtpmap:(\d+) telephone-event\/(\d+)/i.exec(line);
    if (m && m[2] !== '8000') drop.add(m[1]!);
  }
  if (drop.size === 0) return sdp;
  const out = lines
    .filter((line) => {
      const m = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[ \s]/.exec(line);
      return !(m && drop.has(m[1]!));
    })
    .map((line) => {
      if (!line.startsWith('m=audio ')) return line;
      const parts = line.split(' ');
      return [...parts.slice(0, 3), ...parts.slice(3).filter((pt) => !drop.has(pt))].join(' ');
    });
  return joinLines(out);
}

/** What the renderer sends to the core: full SDP, no candidates, telephone-event 8 kHz only. */
export function prepareLocalDescription(sdp: string): string {
  return stripCandidates(onlyNarrowbandTelephoneEvent(sdp));
}
