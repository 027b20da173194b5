// The plumbing every peer relies on: free ports are really free and distinct; a missing tool
// fails with a readable error (not an uncaught spawn error); stop() ends the whole process group.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePorts } from '../../../e2e/peers/ports';
import { spawnPeer } from '../../../e2e/peers/process';

describe('e2e/peers plumbing', () => {
  it('findFreePorts returns distinct ports that can be bound for UDP and TCP', async () => {
    const ports = await findFreePorts(4);
    expect(new Set(ports).size).toBe(4);
    for (const port of ports) {
      const u = dgram.createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        u.once('error', reject);
        u.bind(port, '127.0.0.1', resolve);
      });
      const t = net.createServer();
      await new Promise<void>((resolve, reject) => {
        t.once('error', reject);
        t.listen(port, '127.0.0.1', resolve);
      });
      u.close();
      t.close();
    }
  });

  it('rtpPair ports are even with the next port free too', async () => {
    const [port] = await findFreePorts(1, { tcp: false, rtpPair: true });
    expect(port! % 2).toBe(0);
  });

  it('a missing tool gives a readable error', () => {
    expect(() => spawnPeer('nothing', 'softphone-no-such-tool-xyz', [])).toThrow(/could not start softphone-no-such-tool-xyz/);
  });

  it('stop() ends the process group, children included', async () => {
    const peer = spawnPeer('sh', 'sh', ['-c', 'sleep 30 & echo child $!; wait']);
    const line = await peer.waitForLine(/child \d+/);
    const childPid = Number(line.split(' ')[1]);
    await peer.stop(1000);
    // Gone, or a zombie waiting for init to reap it: either way no longer running.
    let state = 'gone';
    try {
      state = fs.readFileSync(`/proc/${childPid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
    } catch {
      /* gone */
    }
    expect(['gone', 'Z', 'X']).toContain(state);
  });
});
