// Web mode's guards: a per-run secret (URL once, then a cookie or header), the Host allowlist against
// DNS rebinding, the Origin check for the WebSocket, and the headers every response carries.
// [Note: web mode security]
// The server listens on 127.0.0.1 only, but any web page the user visits can still make the browser
// send requests to it. Three checks stop that: (1) every request needs the secret printed in the URL
// (a page elsewhere cannot read it); (2) the Host header must be 127.0.0.1:PORT or localhost:PORT, so a
// rebound DNS name pointing at 127.0.0.1 gets nothing; (3) the WebSocket upgrade must come from our own
// Origin. Pixels are served by content hash, looked up in the library: a client never names a file path.
// The cookie: browsers do not scope cookies by port, so a cookie set by 127.0.0.1:PORT is also sent to
// every other service on 127.0.0.1 the user visits, which could replay it. So the cookie is scoped by
// PATH instead: the app lives under a per-run path (`/s/<run id>/`) and the cookie has that Path, so the
// browser sends it only to URLs under that path (no other service is visited there). The cookie is
// HttpOnly, SameSite=Strict, named for the port, and its value is not the secret but an HMAC of it bound
// to the port, so even a leaked cookie is no bearer token and is worth nothing on another port. A
// cookie-only WebSocket upgrade must carry our Origin (browsers always send one): a non-browser client
// authenticates with the secret itself (X-Photobind-Token or Authorization: Bearer). A browser that opens
// the app's page at the root (`http://127.0.0.1:PORT/#/photo/<hash>`) sends no cookie there, so it is
// redirected into the run path (the fragment kept), where the cookie decides; nothing else is redirected.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A per-run path the app is served under; the cookie's Path (see the note). Not secret, only unique. */
export function newRunPath(): string {
  return `/s/${randomBytes(9).toString('base64url')}`;
}

export function cookieName(port: number): string {
  return `photobind_${port}`;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export function hostAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).has(host);
}

/** A WebSocket upgrade from a browser page must come from our own origin (non-browser clients send none). */
export function originAllowed(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  return origin === undefined || allowedOrigins(port).has(origin.toLowerCase());
}

/** True when the request carries one of our origins (not merely no origin). */
export function hasOwnOrigin(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && allowedOrigins(port).has(origin.toLowerCase());
}

/** The cookie's value: an HMAC of the secret bound to the port, so the cookie is never the secret itself. */
export function cookieValue(secret: string, port: number): string {
  return createHmac('sha256', secret).update(`photobind-cookie:${port}`).digest('base64url');
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * How a request proves it knows the secret: 'secret' (the X-Photobind-Token header or Authorization:
 * Bearer, for non-browser clients), 'cookie' (the browser's port-bound cookie), or null.
 */
export function authentication(request: IncomingMessage, secret: string, port: number): 'secret' | 'cookie' | null {
  const header = request.headers['x-photobind-token'];
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if ([typeof header === 'string' ? header : undefined, bearer].some((given) => sameSecret(given, secret))) return 'secret';
  if (sameSecret(readCookie(request, cookieName(port)), cookieValue(secret, port))) return 'cookie';
  return null;
}

export function isAuthenticated(request: IncomingMessage, secret: string, port: number): boolean {
  return authentication(request, secret, port) !== null;
}

export function tokenInQuery(url: URL, secret: string): boolean {
  return sameSecret(url.searchParams.get('token') ?? undefined, secret);
}

export function sessionCookie(secret: string, port: number, runPath: string): string {
  return `${cookieName(port)}=${cookieValue(secret, port)}; HttpOnly; SameSite=Strict; Path=${runPath}/`;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self'",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
