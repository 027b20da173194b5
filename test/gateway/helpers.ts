// Test helpers: random port ranges (never fixed ports), bounded packet pumps.

/** A random even base for an RTP range, so parallel test runs do not collide. */
export function randomPortRange(width: number): { rtpPortMin: number; rtpPortMax: number } {
  const base = 20000 + 2 * Math.floor(Math.random() * 15000);
  return { rtpPortMin: base, rtpPortMax: base + width - 1 };
}

/**
 * Calls `send` every `intervalMs` (like an RTP source) until `done()` holds; rejects after
 * `maxSends`. Bounded by packet count, not wall time.
 */
export function pumpUntil(send: (i: number) => void, done: () => boolean, maxSends = 250, intervalMs = 20): Promise<number> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        resolve(i);
        return;
      }
      if (i >= maxSends) {
        clearInterval(timer);
        reject(new Error(`condition not met after ${maxSends} packets`));
        return;
      }
      send(i++);
    }, intervalMs);
  });
}

export function waitFor<T>(subscribe: (resolve: (v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve) => subscribe(resolve));
}
