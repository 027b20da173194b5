// Splits a TCP byte stream into SIP messages by Content-Length (RFC 3261 18.3). A chunk may
// hold part of a message or several; CRLF keepalives (RFC 5626 3.5.1) sit between messages.

export type FramedItem = { type: 'message'; text: string } | { type: 'ping' } | { type: 'pong' };

/** The stream cannot be resynchronised (header block too big or bad Content-Length). */
export class SipFramingError extends Error {
  override readonly name = 'SipFramingError';
}

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

export class SipStreamFramer {
  #buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the complete items found. Throws SipFramingError on an unusable stream. */
  push(chunk: Buffer): FramedItem[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const out: FramedItem[] = [];
    for (;;) {
      // Keepalives: a double CRLF is a ping, a single CRLF a pong.
      if (this.#buffer.subarray(0, 4).equals(HEAD_END)) {
        out.push({ type: 'ping' });
        this.#buffer = this.#buffer.subarray(4);
        continue;
      }
      if (this.#buffer.subarray(0, 2).equals(CRLF)) {
        if (this.#buffer.length < 4 && HEAD_END.subarray(0, this.#buffer.length).equals(this.#buffer)) break; // maybe a ping in two pieces
        out.push({ type: 'pong' });
        this.#buffer = this.#buffer.subarray(2);
        continue;
      }
      const headEnd = this.#buffer.indexOf(HEAD_END);
      if (headEnd < 0) {
        if (this.#buffer.length > MAX_HEADER_BYTES) throw new SipFramingError('SIP header block larger than 64 KiB');
        break;
      }
      const head = this.#buffer.subarray(0, headEnd).toString('utf8');
      const lengthMatch = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)/im.exec(head);
      let bodyLength = 0;
      if (lengthMatch) {
        bodyLength = Number(lengthMatch[1]);
        if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_BODY_BYTES) {
          throw new SipFramingError(`bad Content-Length "${lengthMatch[1] ?? ''}"`);
        }
      }
      const total = headEnd + 4 + bodyLength;
      if (this.#buffer.length < total) break;
      out.push({ type: 'message', text: this.#buffer.subarray(0, total).toString('utf8') });
      this.#buffer = this.#buffer.subarray(total);
    }
    return out;
  }

  /** Bytes waiting for the rest of a message. */
  get pending(): number {
    return this.#buffer.length;
  }

  reset(): void {
    this.#buffer = Buffer.alloc(0);
  }
}
