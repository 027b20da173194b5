// RendererConnection edge cases against a werift renderer.
import { describe, expect, it } from 'vitest';
import { PCMU } from '../../src-main/core/gateway/codecs';
import { RendererConnection, type RendererSlot, type SlotOwner } from '../../src-main/core/gateway/renderer-connection';
import { nullLogger } from '../../src-main/core/log/logger';
import { FakeRenderer } from './fake-renderer';
import { waitFor } from './helpers';

function owner(label: string): SlotOwner & { ready: Promise<RendererSlot> } {
  let resolve!: (s: RendererSlot) => void;
  const ready = new Promise<RendererSlot>((r) => (resolve = r));
  return { label, ready, onRendererRtp: () => undefined, onRendererReady: (s) => resolve(s), onRendererLost: () => undefined };
}

describe('RendererConnection', () => {
  it('offers again when the renderer never answers (offer lost on a signalling reconnect)', async () => {
    const conn = new RendererConnection(nullLogger, { answerTimeoutMs: 150 });
    let dropNextOffer = true;
    const offers: string[] = [];
    const renderer = new FakeRenderer((d) => void conn.handleRemoteDescription(d).catch(() => undefined));
    conn.on('description', (d) => {
      if (d.type === 'offer') {
        offers.push(d.sdp);
        if (dropNextOffer) {
          dropNextOffer = false;
          return;
        }
      }
      void renderer.handle(d).catch(() => undefined);
    });
    const connected = waitFor<void>((r) => conn.on('state', (s) => s === 'connected' && r()));
    await renderer.start();
    await connected;
    const o = owner('call x');
    conn.attach(o, PCMU, false);
    const slot = await o.ready;
    expect(offers.length).toBe(2);
    expect(slot.mid).toBe('0');
    await conn.dispose();
    await renderer.close();
  });

  it('gives a call that starts before the renderer connects its slot once the renderer offers', async () => {
    const conn = new RendererConnection(nullLogger);
    const renderer = new FakeRenderer((d) => void conn.handleRemoteDescription(d).catch(() => undefined));
    conn.on('description', (d) => void renderer.handle(d).catch(() => undefined));
    const o = owner('early call');
    conn.attach(o, PCMU, true);
    await renderer.start();
    const slot = await o.ready;
    expect(slot.negotiated?.telephoneEvent).toBe(true);
    await conn.dispose();
    await renderer.close();
  });
});
