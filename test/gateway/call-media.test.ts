// CallMediaImpl on its own, with a stand-in renderer connection.
import { afterEach, describe, expect, it } from 'vitest';
import { CallMediaImpl, RendererConnectionLostError } from '../../src-main/core/gateway/call-media';
import type { RendererConnection } from '../../src-main/core/gateway/renderer-connection';
import { nullLogger } from '../../src-main/core/log/logger';

const fakeRenderer = (): RendererConnection => ({ attach: () => undefined, detach: () => undefined }) as unknown as RendererConnection;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('CallMediaImpl', () => {
  it('issue: a renderer reload is recognised by willReattach, not by the wording of the reason', () => {
    const media = new CallMediaImpl({ callId: 'c1', localAddress: '127.0.0.1', renderer: fakeRenderer(), log: nullLogger });
    cleanups.push(() => media.dispose());
    const errors: Error[] = [];
    media.on('error', (e) => errors.push(e));
    media.onRendererLost('renderer peer connection replaced', { willReattach: true });
    expect(errors).toEqual([]);
    media.onRendererLost('renderer connection failed', { willReattach: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RendererConnectionLostError);
  });
});
