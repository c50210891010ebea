// Web mode's server against a real library: the secret, the Host and Origin checks, and media routes
// that serve only files of the library (real HTTP, real WebSocket, real LanceDB, real files).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { Socket } from 'node:net';
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
import { testPatternMp4 } from '../video/video-test-files.test-support.ts';
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

  it('swaps the secret in the URL for an HttpOnly, SameSite=Strict cookie scoped to a per-run path', async () => {
    const reply = await get(server.port, `/?token=${server.secret}`);
    expect(reply.status).toBe(303);
    expect(server.runPath).toMatch(/^\/s\/[\w-]{8,}$/);
    expect(reply.headers.location).toBe(`${server.runPath}/`);
    const cookie = reply.headers['set-cookie']![0]!;
    expect(cookie).toMatch(new RegExp(`^photobind_${server.port}=[\\w-]{40,};`));
    // The cookie's value is bound to the port and is not the secret: a leaked cookie is no bearer token.
    expect(cookie).not.toContain(server.secret);
    expect(cookie).toContain(`Path=${server.runPath}/`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get(server.port, `${server.runPath}/`, { Cookie: cookie.split(';')[0]! });
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

  it('leads a browser that opens the page at the root into the run path, where the cookie still decides', async () => {
    const navigate = { 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
    const reply = await get(server.port, '/', navigate);
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`${server.runPath}/`);
    expect((await get(server.port, `${server.runPath}/`, navigate)).status).toBe(401);
    // Only the page itself: a script, an image or a media route outside the run path is refused.
    expect((await get(server.port, '/', { 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' })).status).toBe(401);
    expect((await get(server.port, `/photo/${photo.hash}`, navigate)).status).toBe(401);
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

  it('serves byte ranges of a media file, as video players ask to stream and seek', async () => {
    const bytes = await fs.readFile(photo.path);
    const part = await get(server.port, `/photo/${photo.hash}`, { ...auth, Range: 'bytes=100-199' });
    expect([part.status, part.headers['content-range'], part.headers['accept-ranges'], part.headers['content-length']]).toEqual([206, `bytes 100-199/${bytes.length}`, 'bytes', '100']);
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await get(server.port, `/photo/${photo.hash}`, { ...auth, Range: 'bytes=-10' });
    expect(tail.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const outside = await get(server.port, `/photo/${photo.hash}`, { ...auth, Range: `bytes=${bytes.length}-` });
    expect([outside.status, outside.headers['content-range']]).toEqual([416, `bytes */${bytes.length}`]);
  });

  it('streams a library video by content hash, in byte ranges, and no photo as a video', async () => {
    // A video indexed through the application layer (its moments stage, toy models), then removed again.
    const folder = path.join(dir, 'videos');
    await fs.mkdir(folder);
    const file = await fs.realpath(await testPatternMp4(path.join(folder, 'clip.mp4'), 1));
    const stat = await fs.stat(file);
    const hash = await contentFingerprint(file);
    const core = await session.core();
    await core.index.index([await fs.realpath(folder)]);
    const part = await get(server.port, `/video/${hash}`, { ...auth, Range: 'bytes=0-' });
    expect([part.status, part.headers['content-type'], part.headers['content-range']]).toEqual([206, 'video/mp4', `bytes 0-${stat.size - 1}/${stat.size}`]);
    expect(part.body.equals(await fs.readFile(file))).toBe(true);
    expect((await get(server.port, `/thumb/${hash}`, auth)).headers['content-type']).toBe('image/jpeg');
    expect((await get(server.port, `/video/${photo.hash}`, auth)).status).toBe(404);
    await fs.rm(file);
    await core.index.index([await fs.realpath(folder)]);
    expect((await get(server.port, `/video/${hash}`, auth)).status).toBe(404);
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

  it('answers 400, not 500, to malformed percent-encoding and URLs', async () => {
    expect((await get(server.port, '/%E0%A4%A', auth)).status).toBe(400);
    expect((await get(server.port, '/assets/%ZZ.js', auth)).status).toBe(400);
    expect((await get(server.port, `${server.runPath}/%C0%AF`, auth)).status).toBe(400);
    expect((await get(server.port, '/', auth)).status).toBe(200);
  });

  it('takes the cookie alone only from a browser page of its own origin', async () => {
    const reply = await get(server.port, `/?token=${server.secret}`);
    const cookie = { Cookie: reply.headers['set-cookie']![0]!.split(';')[0]! };
    // The cookie is no replacement for the secret in the header.
    expect((await get(server.port, '/', { 'X-Photobind-Token': cookie.Cookie.split('=')[1]! })).status).toBe(401);
    // A non-browser client with the cookie and no Origin does not get the API.
    expect(await upgrade(server.port, cookie)).toBe(403);
    expect(await upgrade(server.port, { ...cookie, Origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(await upgrade(server.port, { ...cookie, Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
    // A cookie for another port (or the raw secret in a cookie) is nothing.
    expect((await get(server.port, '/', { Cookie: `photobind_${server.port}=${server.secret}` })).status).toBe(401);
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

  it('survives 1,000 malformed WebSocket frames and still answers', async () => {
    const counts = await sendMalformedFrames(server.port, auth, 1000);
    expect(counts.sent).toBe(1000);
    // Each frame `ws` cannot accept closes only its own connection, with the code that says why.
    expect(counts.closes[1007]).toBe(125); // invalid UTF-8
    expect(counts.closes[1002]).toBe(250); // reserved opcode, unmasked frame
    // Over the size limits: 1009, or 1006 when the server cut a 4 MiB frame off while it was still being sent.
    expect((counts.closes[1009] ?? 0) + (counts.closes[1006] ?? 0)).toBe(125);
    expect(counts.closes[1009]).toBeGreaterThan(0);
    expect(counts.tooBigReasons.every((reason) => reason === '' || /limit/.test(reason))).toBe(true);
    expect(counts.tooBigReasons.filter((reason) => /limit is 1048576 characters/.test(reason)).length).toBeGreaterThan(0);
    // The server is still up: HTTP answers, and a new API connection works.
    expect((await get(server.port, '/', auth)).status).toBe(200);
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: auth });
    const client = createClient(photobindApi, webSocketTransport(socket as unknown as WebSocketLike));
    await client.ready();
    await expect(client.library.overview({})).resolves.toMatchObject({ photoCount: 2, modelSet: 'toy' }); // as in 'serves the API over the WebSocket'
    client.close();
  }, 120_000);
});

interface FrameCounts {
  sent: number;
  closes: Record<number, number>;
  tooBigReasons: string[];
}

/** One WebSocket frame as a client would put it on the wire (masked unless told not to). */
function rawFrame(opcode: number, payload: Buffer, masked = true): Buffer {
  const header = [0x80 | opcode];
  const length = payload.length;
  if (length < 126) header.push((masked ? 0x80 : 0) | length);
  else if (length < 65536) header.push((masked ? 0x80 : 0) | 126, length >> 8, length & 0xff);
  else throw new Error('rawFrame: payload too long for this helper');
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

function openSocket(port: number, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `total` malformed frames of eight kinds; the ones that end a connection each get a fresh one. */
async function sendMalformedFrames(port: number, headers: Record<string, string>, total: number): Promise<FrameCounts> {
  const counts: FrameCounts = { sent: 0, closes: {}, tooBigReasons: [] };
  const shared = await openSocket(port, headers);
  const sharedSend = (data: string | Buffer, binary: boolean) => new Promise<void>((resolve, reject) => shared.send(data, { binary }, (error) => (error ? reject(error) : resolve())));
  const garbageJson = ['null', '[]', '{"kind":"call"}', '{"kind":"call","id":"x","method":1}', '{"kind":"call","id":1,"method":"__proto__.constructor","input":{}}',
    '{"kind":"call","id":2,"method":"search.query","input":{"text":{"$gt":1}}}', '{"kind":"cancel","id":-1}', '{"kind":"result","id":1,"output":null}', '"\\u0000"', '1e999999'];
  for (let index = 0; index < total; index += 1) {
    const kind = index % 8;
    counts.sent += 1;
    if (kind === 2) await sharedSend(`{not json ${index} \u0000 ${'['.repeat(index % 50)}`, false);
    else if (kind === 3) await sharedSend(garbageJson[index % garbageJson.length]!, false);
    else if (kind === 4) await sharedSend(Buffer.from(Array.from({ length: 64 }, (_, at) => (at * index) & 0xff)), true);
    else if (kind === 7) await sharedSend(JSON.stringify({ kind: 'call', id: index, method: `nope.method${index}`, input: { x: 'y'.repeat(index) } }), false);
    else {
      const socket = await openSocket(port, headers);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      socket.on('error', () => {});
      const wire = (socket as unknown as { _socket: Socket })._socket;
      if (kind === 0) socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]), { binary: false }); // invalid UTF-8 text
      else if (kind === 1) socket.send(index % 16 === 1 ? 'x'.repeat((4 << 20) + 10) : '"' + 'y'.repeat(1_200_000) + '"', { binary: false }); // over the limits
      else if (kind === 5) wire.write(rawFrame(0x3, Buffer.from('reserved'))); // reserved opcode
      else wire.write(rawFrame(0x1, Buffer.from('{"kind":"call"}'), false)); // unmasked client frame
      const { code, reason } = await closed;
      counts.closes[code] = (counts.closes[code] ?? 0) + 1;
      if (code === 1009) counts.tooBigReasons.push(reason);
    }
  }
  shared.close();
  return counts;
}
