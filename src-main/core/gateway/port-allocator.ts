// Allocates RTP/RTCP socket pairs (even RTP port, RTCP = RTP + 1) from a configured range.
// Ports are probed by binding: something outside this process may hold any of them.
import dgram from 'node:dgram';
import { PortRangeExhaustedError } from './errors';

export interface SocketPair {
  rtpPort: number;
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
  /** Closes both sockets and returns the pair to the allocator. Safe to call twice. */
  release(): void;
}

function bind(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export class PortAllocator {
  readonly #inUse = new Set<number>();
  readonly #first: number;
  readonly #last: number;
  /** Next port to probe. Rotating (not lowest-first) so a just-freed pair is not handed out again at once: late packets of the old call would land in the new one. */
  #cursor: number;

  constructor(
    readonly address: string,
    readonly min: number,
    readonly max: number,
  ) {
    this.#first = min % 2 === 0 ? min : min + 1;
    this.#last = max % 2 === 0 ? max - 1 : max; // last usable RTP port leaves room for RTCP <= max
    this.#cursor = this.#first;
  }

  /** Number of pairs the range can hold. */
  get capacity(): number {
    return this.#last < this.#first ? 0 : Math.floor((this.#last - this.#first) / 2) + 1;
  }

  get inUse(): number {
    return this.#inUse.size;
  }

  async allocate(): Promise<SocketPair> {
    const capacity = this.capacity;
    for (let i = 0; i < capacity; i++) {
      const port = this.#cursor;
      this.#cursor = port + 2 > this.#last ? this.#first : port + 2;
      if (this.#inUse.has(port)) continue;
      this.#inUse.add(port); // reserve before awaiting so concurrent allocations skip it
      let rtp: dgram.Socket | undefined;
      try {
        rtp = await bind(this.address, port);
        const rtcp = await bind(this.address, port + 1);
        return this.#pair(port, rtp, rtcp);
      } catch {
        rtp?.close();
        this.#inUse.delete(port);
      }
    }
    throw new PortRangeExhaustedError(this.min, this.max);
  }

  #pair(rtpPort: number, rtp: dgram.Socket, rtcp: dgram.Socket): SocketPair {
    let released = false;
    return {
      rtpPort,
      rtp,
      rtcp,
      release: () => {
        if (released) return;
        released = true;
        for (const socket of [rtp, rtcp]) {
          try {
            socket.close();
          } catch {
            // already closed (e.g. after a socket error)
          }
        }
        this.#inUse.delete(rtpPort);
      },
    };
  }
}
