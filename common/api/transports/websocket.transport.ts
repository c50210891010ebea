// WebSocket transport (web mode). Works over the browser's WebSocket and over the `ws` package's,
// which share the WHATWG event interface; messages are JSON text frames.
import { ApiError } from '../api-error.ts';
import { Listeners, type Transport, type WireMessage } from '../transport.ts';

/** The part of the WHATWG WebSocket interface this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
}

const CONNECTING = 0;
const OPEN = 1;
/** Close code for a message over the size limit (RFC 6455 "Message Too Big"). */
export const MESSAGE_TOO_BIG = 1009;

export interface WebSocketTransportOptions {
  /** Longest text message accepted; a longer one closes the connection with 1009 and a reason saying the limit. */
  maxMessageChars?: number;
}

export function webSocketTransport(socket: WebSocketLike, options: WebSocketTransportOptions = {}): Transport {
  const messages = new Listeners<[unknown]>();
  const closes = new Listeners<[]>();
  let closed = socket.readyState > OPEN;
  const opened = new Promise<void>((resolve, reject) => {
    if (socket.readyState === OPEN) return resolve();
    if (socket.readyState !== CONNECTING) return reject(new ApiError('disconnected', 'The connection to Photobind is closed.', true));
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('close', () => reject(new ApiError('disconnected', 'Could not connect to Photobind.', true)));
  });
  opened.catch(() => {});
  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    if (options.maxMessageChars !== undefined && event.data.length > options.maxMessageChars) {
      // A close reason is at most 123 bytes: keep it short.
      socket.close(MESSAGE_TOO_BIG, `Message too big: the limit is ${options.maxMessageChars} characters.`);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    messages.fire(message);
  });
  socket.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    closes.fire();
  });
  return {
    send(message: WireMessage) {
      if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
    },
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    ready: () => opened,
    close() {
      socket.close(1000, 'closed');
      if (!closed) {
        closed = true;
        closes.fire();
      }
    },
  };
}
