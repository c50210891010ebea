// Web mode: HTTP + WebSocket on 127.0.0.1 only. Serves the built renderer, the API over a WebSocket
// (/api), and pixels at /photo/<hash> and /thumb/<hash>. See [Note: web mode security] in web-security.ts.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { parseMediaPath, type MediaRoute } from '../../../common/api/media-routes.ts';
import { serve } from '../../../common/api/rpc.ts';
import { webSocketTransport, type WebSocketLike } from '../../../common/api/transports/websocket.transport.ts';
import { createPhotobindApi } from '../api/photobind-api.ts';
import type { LibrarySession } from '../api/library-session.ts';
import { resolveMedia } from '../api/media-resolver.ts';
import { contentSecurityPolicy, hostAllowed, isAuthenticated, newSecret, originAllowed, sessionCookie, setSecurityHeaders, tokenInQuery } from './web-security.ts';

export interface WebServerOptions {
  session: LibrarySession;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed secret (tests); a random one per run otherwise. */
  secret?: string;
}

export interface RunningWebServer {
  port: number;
  secret: string;
  /** The URL to open: carries the secret once, which the server swaps for a cookie. */
  url: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const secret = options.secret ?? newSecret();
  const api = createPhotobindApi(options.session);
  const rendererDir = path.resolve(options.rendererDir);
  let port = 0;

  const sendText = (response: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8') => {
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    response.end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    setSecurityHeaders(response);
    if (!hostAllowed(request, port)) return sendText(response, 403, 'Forbidden: Photobind only answers to 127.0.0.1 and localhost.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.searchParams.has('token')) {
      if (!tokenInQuery(url, secret)) return sendText(response, 401, 'This link has an old or wrong secret; open the link that `photobind serve` printed this time.');
      url.searchParams.delete('token');
      // One leading slash: "//host" or "/\\host" would be a redirect to another site.
      const location = '/' + url.pathname.replace(/^[/\\]+/, '') + url.search;
      response.writeHead(303, { 'Set-Cookie': sessionCookie(secret, port), Location: location, 'Cache-Control': 'no-store' });
      return response.end();
    }
    if (!isAuthenticated(request, secret, port)) {
      return sendText(response, 401, 'Open Photobind with the link that `photobind serve` printed: it carries this session\'s secret.');
    }
    const media = parseMediaPath(url.pathname);
    if (media) return serveMedia(media, request, response);
    if (/^\/(photo|thumb)\//.test(url.pathname)) return sendText(response, 404, 'Not found.');
    return serveStatic(url.pathname, response);
  };

  const serveMedia = async (route: MediaRoute, request: IncomingMessage, response: ServerResponse) => {
    const media = await resolveMedia(await options.session.core(), route.kind, route.contentHash);
    if (!media) return sendText(response, 404, 'That photo is not in this library.');
    const etag = `"${route.kind}-${route.contentHash}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304);
      return response.end();
    }
    const stat = await fs.stat(media.file);
    response.writeHead(200, { 'Content-Type': media.contentType, 'Content-Length': stat.size, ETag: etag, 'Cache-Control': 'private, max-age=86400' });
    if (request.method === 'HEAD') return response.end();
    createReadStream(media.file).on('error', () => response.destroy()).pipe(response);
  };

  const serveStatic = async (pathname: string, response: ServerResponse) => {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(rendererDir, relative);
    if (file !== rendererDir && !file.startsWith(rendererDir + path.sep)) return sendText(response, 404, 'Not found.');
    const body = await fs.readFile(file).catch(() => null);
    if (!body) return sendText(response, 404, 'Not found.');
    const type = STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': relative.startsWith('assets/') ? 'private, max-age=31536000, immutable' : 'no-cache' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy(port);
    response.writeHead(200, headers);
    response.end(body);
  };

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  sockets.on('connection', (socket) => {
    serve(api, webSocketTransport(socket as unknown as WebSocketLike));
  });

  const refuseUpgrade = (socket: Duplex, status: number, reason: string) => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `Photobind could not answer: ${(error as Error).message}`);
      else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(request, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!originAllowed(request, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (url.pathname !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (!isAuthenticated(request, secret, port) && !tokenInQuery(url, secret)) return refuseUpgrade(socket, 401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    port,
    secret,
    url: `http://127.0.0.1:${port}/?token=${secret}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
