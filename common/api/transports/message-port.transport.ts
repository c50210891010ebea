// MessagePort transport (Electron: renderer ↔ core). Works over the DOM MessagePort and Node's
// worker_threads MessagePort, which share the event interface; Electron's MessagePortMain is adapted
// to it in main/electron. Messages travel by structured clone.
import { Listeners, type Transport, type WireMessage } from '../transport.ts';

/** The part of the DOM MessagePort interface this transport uses. */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Fired when the other end goes away (Chromium and Electron). */
  addEventListener(type: 'close', listener: () => void): void;
  start?(): void;
  close(): void;
}

export function messagePortTransport(port: MessagePortLike): Transport {
  const messages = new Listeners<[unknown]>();
  const closes = new Listeners<[]>();
  let closed = false;
  const closeOnce = () => {
    if (closed) return;
    closed = true;
    closes.fire();
  };
  port.addEventListener('message', (event) => messages.fire(event.data));
  port.addEventListener('close', closeOnce);
  port.start?.();
  return {
    send(message: WireMessage) {
      if (!closed) port.postMessage(message);
    },
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    ready: () => Promise.resolve(),
    close() {
      port.close();
      closeOnce();
    },
  };
}
