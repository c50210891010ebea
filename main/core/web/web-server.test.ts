// Web mode's server against a real library: the secret, the Host and Origin checks, and media routes
// that serve only files of the library (real HTTP, real WebSocket, real LanceDB, real files).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { photobindApi } from '../../../common/api/photobind.contract.ts';
import { createClient } from '../../../common/api/rpc.ts';
import { webSocketTransport, type WebSocketLike } from '../../../common/api/transports/websocket.transport.ts';
import { LibrarySession } from '../api/library-session.ts';
import { contentFingerprint } from '../indexer/content-fingerprint.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { startWebServer, type RunningWebServer } from './web-server.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(port: number, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: pathname, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

function upgrade(port: number, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => {});
  });
}

describe('photobind serve (web mode)', () => {
  let dir: string;
  let session: LibrarySession;
  let server: RunningWebServer;
  let auth: Record<string, string>;
  let photo: { path: string; hash: string };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-web-'));
    const renderer = path.join(dir, 'renderer');
    await fs.mkdir(path.join(renderer, 'assets'), { recursive: true });
    await fs.writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Photobind</title>');
    await fs.writeFile(path.join(renderer, 'assets', 'app.js'), 'console.log(1);');
    await fs.writeFile(path.join(dir, 'secret.txt'), 'not for the browser');
    const album = path.join(dir, 'album');
    const { files } = await renderDemoAlbum({ outDir: album, count: 2, seed: 5 });
    session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
    // The album indexed through the application layer (toy models), as the app would.
    const file = await fs.realpath(files[0]!);
    photo = { path: file, hash: await contentFingerprint(file) };
    await (await session.core()).index.index([await fs.realpath(album)]);
    server = await startWebServer({ session, rendererDir: renderer, port: 0 });
    auth = { 'X-Photobind-Token': server.secret };
  });

  afterAll(async () => {
    await server?.close();
    await session?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL carrying the secret', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.secret}`);
    expect(server.secret.length).toBeGreaterThanOrEqual(40);
  });

  it('swaps the secret in the URL for an HttpOnly, SameSite=Strict cookie named for its port', async () => {
    const reply = await get(server.port, `/?token=${server.secret}`);
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const cookie = reply.headers['set-cookie']![0]!;
    expect(cookie).toMatch(new RegExp(`^photobind_${server.port}=${server.secret};`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get(server.port, '/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never redirects to another site after taking the secret', async () => {
    for (const target of ['//evil.example/x', '/\\evil.example/x', '/%5C%5Cevil.example']) {
      const reply = await get(server.port, `${target}?token=${server.secret}`);
      expect(reply.status).toBe(303);
      expect(reply.headers.location).toMatch(/^\/[^/\\]/);
    }
  });

  it('refuses requests without the secret, or with a wrong one', async () => {
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/?token=wrong')).status).toBe(401);
    expect((await get(server.port, `/photo/${photo.hash}`)).status).toBe(401);
    expect((await get(server.port, '/', { Cookie: `photobind_${server.port}=wrong` })).status).toBe(401);
  });

  it('refuses a foreign Host header even with the secret (DNS rebinding)', async () => {
    expect((await get(server.port, '/', { ...auth, Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.port, `/?token=${server.secret}`, { Host: 'evil.example' })).status).toBe(403);
    expect((await get(server.port, '/', { ...auth, Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('serves a library photo and its thumbnail by content hash', async () => {
    const reply = await get(server.port, `/photo/${photo.hash}`, auth);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('image/jpeg');
    expect(reply.body.equals(await fs.readFile(photo.path))).toBe(true);
    // No thumbnail was written (no model run): the photo stands in for it.
    expect((await get(server.port, `/thumb/${photo.hash}`, auth)).status).toBe(200);
  });

  it('serves nothing that is not a library file', async () => {
    const outside = createHash('sha256').update(await fs.readFile(path.join(dir, 'secret.txt'))).digest('hex').slice(0, 40);
    expect((await get(server.port, `/photo/${outside}`, auth)).status).toBe(404);
    expect((await get(server.port, `/photo/${encodeURIComponent(path.join(dir, 'secret.txt'))}`, auth)).status).toBe(404);
    expect((await get(server.port, '/photo/../../secret.txt', auth)).status).toBe(404);
    expect((await get(server.port, '/%2e%2e/secret.txt', auth)).status).toBe(404);
    expect((await get(server.port, '/..%2fsecret.txt', auth)).status).toBe(404);
    expect((await get(server.port, '/', auth, 'POST')).status).toBe(405);
  });

  it('opens the API WebSocket only with the secret, our Host and our Origin', async () => {
    expect(await upgrade(server.port, {})).toBe(401);
    expect(await upgrade(server.port, { ...auth, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(server.port, { ...auth, Host: 'evil.example' })).toBe(403);
    expect(await upgrade(server.port, { ...auth, Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
  });

  it('serves the API over the WebSocket', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: auth });
    const client = createClient(photobindApi, webSocketTransport(socket as unknown as WebSocketLike));
    await client.ready();
    await expect(client.library.overview({})).resolves.toMatchObject({ photoCount: 2, modelSet: 'toy' });
    await expect(client.photos.get({ path: photo.path })).resolves.toMatchObject({ photo: { contentHash: photo.hash } });
    client.close();
  });
});
