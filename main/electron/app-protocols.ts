// Electron's two custom protocols: photobind-app:// serves the built renderer (with a strict CSP), and
// photobind-media:// serves photos, thumbnails and videos (byte ranges), only files the core host finds in the library.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { parseMediaPath } from '../../common/api/media-routes.ts';
import type { ApiClient } from '../../common/api/contract-kit.ts';
import { parseByteRange } from '../core/web/byte-ranges.ts';
import type { coreHostApi } from './core-host.contract.ts';

export const APP_SCHEME = 'photobind-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const MEDIA_SCHEME = 'photobind-media';

/** The renderer's Content Security Policy: our own scripts and styles, pixels from the media protocol, nothing remote. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${MEDIA_SCHEME}: data: blob:`,
  `media-src ${MEDIA_SCHEME}:`,
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Must run before the app is ready. */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

const notFound = () => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Streams a file read with fs (not net.fetch of file://, which the session refuses for everyone); a
 * `Range` request gets that part (videos stream and seek this way).
 */
async function fileResponse(file: string, headers: Record<string, string>, rangeHeader?: string | null): Promise<Response> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return notFound();
  const common = { 'X-Content-Type-Options': 'nosniff', 'Accept-Ranges': 'bytes', ...headers };
  const range = parseByteRange(rangeHeader ?? undefined, stat.size);
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...common, 'Content-Range': `bytes */${stat.size}` } });
  if (range.kind === 'part') {
    const body = Readable.toWeb(createReadStream(file, { start: range.start, end: range.end })) as ReadableStream<Uint8Array>;
    return new Response(body, { status: 206, headers: { ...common, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${stat.size}` } });
  }
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers: { 'Content-Length': String(stat.size), ...common } });
}

export function handleProtocols(rendererDir: string, host: Promise<ApiClient<typeof coreHostApi>>): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return notFound();
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep)) return notFound();
    return fileResponse(file, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CONTENT_SECURITY_POLICY });
  });
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const route = parseMediaPath(url.pathname);
    if (url.host !== 'library' || !route) return notFound();
    const { media } = await (await host).media.resolve(route);
    if (!media) return notFound();
    return fileResponse(media.file, { 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=86400' }, request.headers.get('Range'));
  });
}
