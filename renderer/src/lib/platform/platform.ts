// Picks the transport once at start-up (Electron MessagePort or web-mode WebSocket) and the matching
// pixel URLs; the rest of the app only sees the typed client and this object, never the transport.
import { API_PORT_CHANNEL } from '$common/api/shell-channels.ts';
import { mediaPath, type MediaKind } from '$common/api/media-routes.ts';
import { photobindApi, type PhotobindClient } from '$common/api/photobind.contract.ts';
import { createClient } from '$common/api/rpc.ts';
import { messagePortTransport } from '$common/api/transports/message-port.transport.ts';
import { webSocketTransport } from '$common/api/transports/websocket.transport.ts';

/** What the Electron preload exposes (see preload/preload.ts); absent in a browser. */
export interface ShellBridge {
  readonly kind: 'electron';
  pickFolder(): Promise<string | null>;
  showInFolder(path: string): Promise<boolean>;
}

export interface Platform {
  readonly kind: 'web' | 'electron';
  readonly client: PhotobindClient;
  mediaUrl(kind: MediaKind, contentHash: string): string;
  /** A native folder picker where the shell has one. */
  readonly pickFolder: (() => Promise<string | null>) | null;
  /** Shows a library photo in the system's file manager where the shell can (Electron); null in a browser. */
  readonly showInFolder: ((path: string) => Promise<boolean>) | null;
}

/** The message the preload posts to this window with the API port (the shell's channel name). */
export const API_PORT_MESSAGE = API_PORT_CHANNEL;
/** Electron's media protocol (main/electron/app-protocols.ts). */
const ELECTRON_MEDIA_BASE = 'photobind-media://library';

function waitForPort(): Promise<MessagePort> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== window || event.data !== API_PORT_MESSAGE || !event.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(event.ports[0]);
    };
    window.addEventListener('message', onMessage);
  });
}

export async function connectPlatform(): Promise<Platform> {
  const shell = (window as { photobindShell?: ShellBridge }).photobindShell;
  if (shell?.kind === 'electron') {
    const client = createClient(photobindApi, messagePortTransport(await waitForPort()));
    await client.ready();
    return {
      kind: 'electron',
      client,
      mediaUrl: (kind, hash) => ELECTRON_MEDIA_BASE + mediaPath(kind, hash),
      pickFolder: () => shell.pickFolder(),
      showInFolder: (path) => shell.showInFolder(path),
    };
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // The app lives under a per-run path (`/s/<id>/`, the session cookie's Path): the API and pixels too.
  // See [Note: web mode security] in main/core/web/web-security.ts.
  const base = location.pathname.replace(/\/[^/]*$/, '');
  const client = createClient(photobindApi, webSocketTransport(new WebSocket(`${scheme}://${location.host}${base}/api`)));
  await client.ready();
  return {
    kind: 'web',
    client,
    mediaUrl: (kind, hash) => location.origin + base + mediaPath(kind, hash),
    pickFolder: null,
    showInFolder: null,
  };
}
