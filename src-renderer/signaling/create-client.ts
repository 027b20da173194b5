// Picks the transport: Electron's preload bridge when present, else the browser shell's WebSocket.
import { SignalingClient } from './client';
import { IpcTransport } from './ipc-transport';
import { WebSocketTransport, webSocketUrlFromLocation } from './ws-transport';

export function createSignalingClient(win: Window = window): SignalingClient {
  const transport = win.softphoneBridge
    ? new IpcTransport(win.softphoneBridge)
    : new WebSocketTransport({ url: webSocketUrlFromLocation(win.location) });
  return new SignalingClient(transport);
}
