// Electron transport: the preload exposes one function per command and one event subscription.
// IPC cannot drop like a socket, so there is no queue or reconnect here.
import type { Command } from '../../shared/protocol';
import { parseEvent } from './parse-event';
import type { SoftphoneBridge, Transport, TransportHandlers } from './transport';

export class IpcTransport implements Transport {
  private unsubscribe: (() => void) | null = null;
  private handlers: TransportHandlers | null = null;

  constructor(private readonly bridge: SoftphoneBridge) {}

  start(handlers: TransportHandlers, hello: () => Command): void {
    this.handlers = handlers;
    this.unsubscribe = this.bridge.onEvent((raw) => {
      let event;
      try {
        event = parseEvent(raw);
      } catch {
        return;
      }
      handlers.onEvent(event);
    });
    handlers.onStatus('open');
    this.send(hello());
  }

  send(command: Command): void {
    const fn = this.bridge.invoke[command.type];
    if (typeof fn !== 'function') {
      // An older preload without this command: report it as lost so the caller sees an error.
      this.handlers?.onLost([command.id]);
      return;
    }
    fn({ id: command.id, payload: command.payload });
  }

  retry(): void {}

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
