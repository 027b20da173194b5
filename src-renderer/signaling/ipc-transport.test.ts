// Electron: commands go through the preload's one-function-per-command bridge.
import { describe, expect, it } from 'vitest';
import type { CommandType, CoreEvent } from '../../shared/protocol';
import { SignalingClient } from './client';
import { IpcTransport } from './ipc-transport';
import type { SoftphoneBridge } from './transport';

describe('IPC signaling client', () => {
  it('sends hello then commands through their own bridge function and resolves results', async () => {
    const calls: Array<[string, { id: number; payload: unknown }]> = [];
    let emit: (e: CoreEvent) => void = () => {};
    const invoke = new Proxy({} as SoftphoneBridge['invoke'], {
      get: (_t, type: string) => (cmd: { id: number; payload: unknown }) => calls.push([type, cmd]),
    });
    const bridge: SoftphoneBridge = {
      invoke,
      onEvent: (cb) => {
        emit = cb;
        return () => {};
      },
    };
    const client = new SignalingClient(new IpcTransport(bridge));
    client.start();
    const answered = client.request('call.answer', { callId: 'in1' });
    expect(calls.map(([t]) => t as CommandType)).toEqual(['hello', 'call.answer']);
    emit({ type: 'result', payload: { id: calls[1]![1].id, ok: true } });
    await expect(answered).resolves.toMatchObject({ ok: true });
    expect(client.connectionStatus).toBe('open');
  });
});
