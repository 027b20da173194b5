// SIP over TCP: the stream transport (framing, keepalive, reconnect) over a plain net socket.
import net from 'node:net';
import { StreamTransport, type OpeningStream, type StreamTransportOptions } from './stream';

export type TcpTransportOptions = StreamTransportOptions;

export class TcpTransport extends StreamTransport {
  readonly protocol = 'TCP';

  // sip.js constructs transports as `new transportConstructor(logger, transportOptions)`.
  constructor(_logger: unknown, options: unknown) {
    super(options as TcpTransportOptions);
  }

  protected openStream(): OpeningStream {
    const { host, port } = this.options.remote;
    return { socket: net.connect({ host, port, localAddress: this.options.localAddress }), readyEvent: 'connect' };
  }
}
