// The core host's open renderer connections, one per window: a reload's new port replaces (and closes)
// the old one, and a closed window's port is closed, so reloads do not pile up served ports.
// [Note: one core port per window]
// Each load of a window's page gets a fresh MessagePort to the core (the page's old port died with the
// old page). Chromium does not reliably tell the core host's end that the page went away: the old port
// then stays open and served, with its event subscriptions, for as long as the app runs. So main names
// the window with every renderer port and the core host keeps one connection per window, closing the
// previous one when a new one arrives and when main reports the window closed.
import type { Transport } from '../../common/api/transport.ts';

interface Connection {
  transport: Transport;
  stopServing: () => void;
}

export class RendererConnections {
  private readonly byWindow = new Map<number, Connection>();

  /** Serves `transport` for `window`, closing that window's previous connection. */
  open(window: number, transport: Transport, serve: (transport: Transport) => () => void): void {
    this.close(window);
    const connection = { transport, stopServing: serve(transport) };
    this.byWindow.set(window, connection);
    transport.onClose(() => {
      if (this.byWindow.get(window) === connection) this.byWindow.delete(window);
    });
  }

  /** Closes the window's connection, if it has one. */
  close(window: number): void {
    const connection = this.byWindow.get(window);
    if (!connection) return;
    this.byWindow.delete(window);
    connection.stopServing();
    connection.transport.close();
  }

  get size(): number {
    return this.byWindow.size;
  }
}
