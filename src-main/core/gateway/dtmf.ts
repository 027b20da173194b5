// RFC 4733 telephone-event packet generation. Pure: returns the packets and when to send them;
// the RTP leg stamps sequence numbers and sends them on its clock.

const EVENT_CODES: Record<string, number> = {
  '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9,
  '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15,
};

export function dtmfEventCode(digit: string): number | undefined {
  return EVENT_CODES[digit.toUpperCase()];
}

export interface DtmfPacket {
  /** ms after the start of this digit at which to send the packet. */
  atMs: number;
  marker: boolean;
  /** 4-byte RFC 4733 payload: event, E|R|volume, duration. */
  payload: Buffer;
  /** True for the (three) end packets. */
  end: boolean;
}

export interface DtmfOptions {
  /** Tone length, ms (default 100). */
  durationMs?: number;
  /** Update interval, ms (the packet time, default 20 ms). */
  intervalMs?: number;
  /** Attenuation in dBm0, 0..63 (default 10). */
  volume?: number;
  /** telephone-event clock rate (8000). */
  clockRate?: number;
}

export function dtmfPayload(event: number, end: boolean, volume: number, duration: number): Buffer {
  const out = Buffer.alloc(4);
  out[0] = event & 0xff;
  out[1] = (end ? 0x80 : 0) | (volume & 0x3f);
  out.writeUInt16BE(Math.min(0xffff, duration), 2);
  return out;
}

/**
 * Packets for one digit: the first carries the marker bit, updates follow every interval with a
 * growing duration (all with the event's start timestamp), and the final packet, with the E bit
 * and the full duration, is sent three times (RFC 4733 §2.5.1.4).
 */
export function dtmfPackets(digit: string, opts: DtmfOptions = {}): DtmfPacket[] {
  const event = dtmfEventCode(digit);
  if (event === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
  const durationMs = opts.durationMs ?? 100;
  const intervalMs = opts.intervalMs ?? 20;
  const volume = opts.volume ?? 10;
  const unitsPerMs = (opts.clockRate ?? 8000) / 1000;
  const packets: DtmfPacket[] = [];
  for (let t = intervalMs; t < durationMs; t += intervalMs) {
    packets.push({ atMs: t - intervalMs, marker: t === intervalMs, payload: dtmfPayload(event, false, volume, Math.round(t * unitsPerMs)), end: false });
  }
  const total = Math.round(durationMs * unitsPerMs);
  const endAt = Math.max(0, durationMs - intervalMs);
  for (let i = 0; i < 3; i++) {
    packets.push({ atMs: endAt + i * intervalMs, marker: packets.length === 0, payload: dtmfPayload(event, true, volume, total), end: true });
  }
  return packets;
}
