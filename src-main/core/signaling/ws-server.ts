// The browser shell's end of the signaling protocol: a WebSocket on the shell's HTTP server,
// one renderer at a time, every message handed to the core session as text (the core parses
// and validates it and answers malformed input with an error result).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Core } from '../index';
import type { Logger } from '../log/logger';
import { checkUpgrade, type GuardOptions } from './guard';

/** What the server needs from the core. */
export type SessionHost = Pick<Core, 'attach'>;

export interface SignalingServerOptions extends GuardOptions {
  server: Server;
  core: SessionHost;
  log: Logger;
  /** Largest message accepted; SDP is the biggest thing the renderer sends. Default 256 KiB. */
  maxMessageBytes?: number;
}

export interface SignalingServer {
  /** Open connections (for tests and diagnostics). */
  readonly clients: number;
  dispose(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, status: 400 | 403 | 404): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

export function attachSignalingServer(options: SignalingServerOptions): SignalingServer {
  const { server, core, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 256 * 1024 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const verdict = checkUpgrade(req, options);
    if (!verdict.ok) {
      log.warn(`refused a WebSocket connection: ${verdict.reason}`);
      refuse(socket, verdict.status);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    log.info('renderer connected');
    const session = core.attach({
      send: (event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      },
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.send(JSON.stringify({ type: 'result', payload: { id: -1, ok: false, error: 'Rejected: binary messages are not part of the protocol' } }));
        return;
      }
      session.handle(rawToText(data));
    });
    ws.on('error', (err) => log.warn('signaling socket error', err));
    ws.on('close', (code) => {
      log.info(`renderer disconnected (${code})`);
      session.detach();
    });
  });

  return {
    get clients() {
      return wss.clients.size;
    },
    async dispose() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'app closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
