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
import { parseByteRange } from './byte-ranges.ts';
import { isSameOrInside } from '../shared/path-inside.ts';
import { authentication, contentSecurityPolicy, hasOwnOrigin, hostAllowed, newRunPath, newSecret, originAllowed, sessionCookie, setSecurityHeaders, tokenInQuery } from './web-security.ts';

export interface WebServerOptions {
  session: LibrarySession;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed secret (tests); a random one per run otherwise. */
  secret?: string;
}

/** Longest API message a client may send (the largest valid call is far smaller); see [Note: hostile frames]. */
export const MAX_MESSAGE_CHARS = 1 << 20;
/** Hard cap per WebSocket frame, checked by `ws` itself before a message is assembled. */
const MAX_FRAME_BYTES = 4 << 20;

export interface RunningWebServer {
  port: number;
  secret: string;
  /** The per-run path the app is served under after the secret is swapped for a cookie (`/s/<id>`). */
  runPath: string;
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
  const runPath = newRunPath();
  let port = 0;

  const sendText = (response: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8') => {
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    response.end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    setSecurityHeaders(response);
    if (!hostAllowed(request, port)) return sendText(response, 403, 'Forbidden: Photobind only answers to 127.0.0.1 and localhost.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'Method not allowed.');
    const url = parseRequestUrl(request);
    if (!url) return sendText(response, 400, 'Bad request: the address is not a valid URL.');
    if (url.searchParams.has('token')) {
      if (!tokenInQuery(url, secret)) return sendText(response, 401, 'This link has an old or wrong secret; open the link that `photobind serve` printed this time.');
      url.searchParams.delete('token');
      // One leading slash: "//host" or "/\\host" would be a redirect to another site.
      const location = runPath + '/' + withinRun(url.pathname).replace(/^[/\\]+/, '') + url.search;
      response.writeHead(303, { 'Set-Cookie': sessionCookie(secret, port, runPath), Location: location, 'Cache-Control': 'no-store' });
      return response.end();
    }
    if (!authentication(request, secret, port)) {
      // A browser opening the app's own page outside the run path (`http://127.0.0.1:PORT/#/photo/<hash>`, typed
      // or from a link): its cookie is scoped to the run path, so lead it there. The fragment (`#/photo/...`)
      // rides along (a Location without one keeps the request's). The run path is not secret; the cookie still
      // decides there. See [Note: web mode security].
      if (isPageNavigation(request) && (url.pathname === '/' || url.pathname === '/index.html')) {
        response.writeHead(307, { Location: runPath + '/' + url.search, 'Cache-Control': 'no-store' });
        return response.end();
      }
      return sendText(response, 401, 'Open Photobind with the link that `photobind serve` printed: it carries this session\'s secret.');
    }
    if (url.pathname === runPath) {
      response.writeHead(308, { Location: runPath + '/' + url.search, 'Cache-Control': 'no-store' });
      return response.end();
    }
    const pathname = withinRun(url.pathname);
    const media = parseMediaPath(pathname);
    if (media) return serveMedia(media, request, response);
    if (/^\/(photo|thumb|video|preview|motion)\//.test(pathname)) return sendText(response, 404, 'Not found.');
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendText(response, 400, 'Bad request: the address has malformed percent-encoding.');
    }
    return serveStatic(decoded, response);
  };

  /** The request URL, or null when it cannot be parsed. */
  const parseRequestUrl = (request: IncomingMessage): URL | null => {
    try {
      return new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return null;
    }
  };

  /** A browser navigating to a page (Fetch Metadata), not a script, an image or a non-browser client. */
  const isPageNavigation = (request: IncomingMessage): boolean =>
    request.headers['sec-fetch-mode'] === 'navigate' && (request.headers['sec-fetch-dest'] ?? 'document') === 'document';

  /** The path inside the per-run path (`/s/<id>/x` → `/x`); other paths unchanged (header-authenticated clients). */
  const withinRun = (pathname: string): string => (pathname.startsWith(runPath + '/') ? pathname.slice(runPath.length) : pathname);

  const serveMedia = async (route: MediaRoute, request: IncomingMessage, response: ServerResponse) => {
    const media = await resolveMedia(await options.session.core(), route.kind, route.contentHash);
    if (!media) return sendText(response, 404, 'That photo is not in this library.');
    const etag = `"${route.kind}-${route.contentHash}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304);
      return response.end();
    }
    const stat = await fs.stat(media.file);
    const headers = { 'Content-Type': media.contentType, ETag: etag, 'Cache-Control': 'private, max-age=86400', 'Accept-Ranges': 'bytes' };
    // Videos play and seek through byte ranges (a browser asks for "bytes=0-", then for where it seeks).
    const range = parseByteRange(request.headers.range, stat.size);
    if (range.kind === 'unsatisfiable') {
      response.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}` });
      return response.end();
    }
    const part = range.kind === 'part' ? range : { start: 0, end: stat.size - 1 };
    if (range.kind === 'part') response.writeHead(206, { ...headers, 'Content-Range': `bytes ${part.start}-${part.end}/${stat.size}`, 'Content-Length': part.end - part.start + 1 });
    else response.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (request.method === 'HEAD' || stat.size === 0) return response.end();
    createReadStream(media.file, { start: part.start, end: part.end }).on('error', () => response.destroy()).pipe(response);
  };

  const serveStatic = async (pathname: string, response: ServerResponse) => {
    const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    const file = path.resolve(rendererDir, relative);
    if (!isSameOrInside(file, rendererDir)) return sendText(response, 404, 'Not found.');
    const body = await fs.readFile(file).catch(() => null);
    if (!body) return sendText(response, 404, 'Not found.');
    const type = STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': relative.startsWith('assets/') ? 'private, max-age=31536000, immutable' : 'no-cache' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy(port);
    response.writeHead(200, headers);
    response.end(body);
  };

  // [Note: hostile frames]
  // One bad frame must cost only its own connection. `ws` reports a frame it cannot accept (invalid
  // UTF-8 in a text frame, a reserved opcode, an unmasked client frame, a frame over MAX_FRAME_BYTES) by
  // closing that connection with the matching code (1007, 1002, 1009) and then emitting 'error' on the
  // socket: with no listener that error is thrown and ends the whole server, so every connection gets
  // one. A message under the frame cap but over MAX_MESSAGE_CHARS is closed by the transport with 1009
  // and a reason naming the limit; text that is not JSON, or JSON that is not a call, is ignored.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  sockets.on('connection', (socket) => {
    socket.on('error', () => {
      // `ws` has already closed this connection with a code saying why; nothing else to do.
    });
    serve(api, webSocketTransport(socket as unknown as WebSocketLike, { maxMessageChars: MAX_MESSAGE_CHARS }));
  });
  sockets.on('error', () => {});

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
    socket.on('error', () => socket.destroy());
    const url = parseRequestUrl(request);
    if (!url) return refuseUpgrade(socket, 400, 'Bad Request');
    if (!hostAllowed(request, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!originAllowed(request, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (withinRun(url.pathname) !== API_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const auth = tokenInQuery(url, secret) ? 'secret' : authentication(request, secret, port);
    if (!auth) return refuseUpgrade(socket, 401, 'Unauthorized');
    // The cookie alone is a browser's proof, and browsers always send an Origin (see [Note: web mode security]).
    if (auth === 'cookie' && !hasOwnOrigin(request, port)) return refuseUpgrade(socket, 403, 'Forbidden');
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
    runPath,
    url: `http://127.0.0.1:${port}/?token=${secret}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
