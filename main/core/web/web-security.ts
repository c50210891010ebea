// Web mode's guards: a per-run secret (URL once, then a cookie or header), the Host allowlist against
// DNS rebinding, the Origin check for the WebSocket, and the headers every response carries.
// [Note: web mode security]
// The server listens on 127.0.0.1 only, but any web page the user visits can still make the browser
// send requests to it. Three checks stop that: (1) every request needs the secret printed in the URL
// (a page elsewhere cannot read it; the cookie is HttpOnly, SameSite=Strict and named per port);
// (2) the Host header must be 127.0.0.1:PORT or localhost:PORT, so a rebound DNS name pointing at
// 127.0.0.1 gets nothing; (3) the WebSocket upgrade must come from our own Origin. Pixels are served
// by content hash, looked up in the library: a client never names a file path.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
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

/** The secret from the cookie, the X-Photobind-Token header or an Authorization: Bearer header. */
export function isAuthenticated(request: IncomingMessage, secret: string, port: number): boolean {
  const header = request.headers['x-photobind-token'];
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  return [readCookie(request, cookieName(port)), typeof header === 'string' ? header : undefined, bearer].some((given) => sameSecret(given, secret));
}

export function tokenInQuery(url: URL, secret: string): boolean {
  return sameSecret(url.searchParams.get('token') ?? undefined, secret);
}

export function sessionCookie(secret: string, port: number): string {
  return `${cookieName(port)}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
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
