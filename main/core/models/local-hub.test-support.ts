// A local stand-in for the Hugging Face Hub for tests (node:http on 127.0.0.1, a free port): it serves
// model files in the Hub's URL layout (`/<org>/<name>/resolve/<rev>/<file>`) with the Hub's headers —
// weights (*.onnx) answer with a 302 to a CDN path carrying x-linked-size and x-linked-etag (sha256),
// small files with a relative 307 to `/api/resolve-cache/…` that serves them with content-length —
// supports Range requests, records every request,
// and can inject the faults real networks have: a connection dropped after N bytes, corrupted bytes, and
// a slow line (a rate limit, so a download in a test lasts long enough to be watched, paused and resumed).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { MODELS, modelFiles, type ModelDtype } from './model-catalog.ts';

export interface HubRequest {
  method: string;
  path: string;
  range: string | null;
}

export interface LocalHub {
  url: string;
  requests: HubRequest[];
  /** Ends the next `times` responses with `file`'s content after `bytes` bytes by destroying the socket. */
  dropConnection(file: string, bytes: number, times?: number): void;
  /** Serves `file`'s content with one byte changed (same length, so only the sha256 check can notice). */
  corrupt(file: string): void;
  /** Sends every body at about `bytesPerSecond` from now on (null: as fast as it can). */
  throttle(bytesPerSecond: number | null): void;
  close(): Promise<void>;
}

export const TEST_COMMIT = '0123456789abcdef0123456789abcdef01234567';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Serves `repos`: repo id → (file path in the repo → bytes). */
export async function startLocalHub(repos: Record<string, Record<string, Buffer>>): Promise<LocalHub> {
  const requests: HubRequest[] = [];
  const drops = new Map<string, { bytes: number; times: number }>();
  const corrupted = new Set<string>();
  let rate: number | null = null;
  // Faults are keyed by content (sha256), as the CDN serves content: a file and its copies under other names share them.
  const blobs = new Map<string, Buffer>();
  const shaOfFile = new Map<string, string>();
  for (const files of Object.values(repos)) {
    for (const [file, data] of Object.entries(files)) {
      blobs.set(sha256(data), data);
      shaOfFile.set(file, sha256(data));
    }
  }
  const keyOf = (file: string) => {
    const sha = shaOfFile.get(file);
    if (!sha) throw new Error(`the local hub serves no file ${file}`);
    return sha;
  };

  function sendBody(req: http.IncomingMessage, res: http.ServerResponse, stored: Buffer, headers: Record<string, string>): void {
    const key = sha256(stored);
    let data = stored;
    if (corrupted.has(key)) {
      data = Buffer.from(stored);
      const middle = data.length >> 1;
      data[middle] = (data[middle] ?? 0) ^ 0xff;
    }
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = data.length - 1;
    if (match) {
      start = Number(match[1]);
      if (match[2]) end = Math.min(end, Number(match[2]));
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
    }
    const slice = data.subarray(start, end + 1);
    res.writeHead(match ? 206 : 200, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': String(slice.length),
      ...(match ? { 'content-range': `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const drop = drops.get(key);
    if (drop && drop.times > 0) {
      drop.times--;
      res.write(slice.subarray(0, drop.bytes), () => res.socket?.destroy());
      return;
    }
    if (rate) return sendSlowly(res, slice, rate);
    res.end(slice);
  }

  /** Writes `data` in tenth-of-a-second pieces at `bytesPerSecond`; stops when the client goes away. */
  function sendSlowly(res: http.ServerResponse, data: Buffer, bytesPerSecond: number): void {
    const piece = Math.max(1, Math.round(bytesPerSecond / 10));
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) return void clearInterval(timer);
      const next = data.subarray(sent, sent + piece);
      sent += next.length;
      if (sent >= data.length) {
        clearInterval(timer);
        res.end(next);
      } else res.write(next);
    }, 100);
    res.once('close', () => clearInterval(timer));
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), range: req.headers.range ?? null });
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      const blob = blobs.get(cdn[1]!);
      if (!blob) return void res.writeHead(404).end();
      return sendBody(req, res, blob, { 'content-type': 'application/octet-stream' });
    }
    const cached = /^\/api\/resolve-cache\/models\/([^/]+\/[^/]+)\/[0-9a-f]{40}\/(.+)$/.exec(url.pathname);
    if (cached) {
      const data = repos[decodeURIComponent(cached[1]!)]?.[decodeURIComponent(cached[2]!)];
      if (!data) return void res.writeHead(404).end();
      return sendBody(req, res, data, { 'x-repo-commit': TEST_COMMIT, etag: `"${createHash('sha1').update(data).digest('hex')}"`, 'content-type': 'application/json' });
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repo = resolve ? repos[decodeURIComponent(resolve[1]!)] : undefined;
    const file = resolve ? decodeURIComponent(resolve[3]!) : '';
    const data = repo?.[file];
    if (!data) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    const common = { 'x-repo-commit': TEST_COMMIT };
    if (file.endsWith('.onnx')) {
      // Weights are LFS files: the Hub redirects to its CDN and puts the size and sha256 on the redirect.
      const sha = sha256(data);
      return void res.writeHead(302, { ...common, location: `/cdn/${sha}`, 'x-linked-size': String(data.length), 'x-linked-etag': `"${sha}"` }).end();
    }
    // Small files: a relative redirect to the resolve cache, which serves them (what the Hub does today).
    res.writeHead(307, { ...common, location: `/api/resolve-cache/models/${resolve![1]}/${TEST_COMMIT}/${resolve![3]}` }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    dropConnection: (file, bytes, times = 1) => drops.set(keyOf(file), { bytes, times }),
    corrupt: (file) => corrupted.add(keyOf(file)),
    throttle: (bytesPerSecond) => (rate = bytesPerSecond),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released): fetching from it fails like being offline. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export interface ClipFixture {
  /** The model's files by path (config.json, tokenizer files, onnx/text_model.onnx, onnx/vision_model.onnx). */
  files: Record<string, Buffer>;
  /** True when these are the real bundled toy-clip's files (loadable by transformers.js). */
  real: boolean;
}

const TOY_CLIP = MODELS['photobind/toy-clip']!;

/**
 * The bundled toy CLIP's files when they are all there (read once: the folder may be rebuilt while
 * tests run), else small stand-in files with the same names and a CLIP config.
 */
export async function clipFixture(): Promise<ClipFixture> {
  if (TOY_CLIP.source.kind === 'bundled') {
    const folder = TOY_CLIP.source.folder;
    const names = modelFiles(TOY_CLIP, 'fp32');
    if (names.every((f) => existsSync(path.join(folder, f)))) {
      try {
        const files: Record<string, Buffer> = {};
        for (const name of names) files[name] = await fs.readFile(path.join(folder, name));
        return { files, real: true };
      } catch {
        // being rebuilt right now: use the stand-in
      }
    }
  }
  const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + seed * 7) & 0xff));
  return {
    real: false,
    files: {
      'config.json': Buffer.from(JSON.stringify({ model_type: 'clip', projection_dim: 64 })),
      'tokenizer.json': Buffer.from(JSON.stringify({ version: '1.0', model: { type: 'BPE' } })),
      'tokenizer_config.json': Buffer.from(JSON.stringify({ tokenizer_class: 'CLIPTokenizer' })),
      'preprocessor_config.json': Buffer.from(JSON.stringify({ image_processor_type: 'CLIPImageProcessor' })),
      'onnx/text_model.onnx': bytes(600_000, 1),
      'onnx/vision_model.onnx': bytes(1_200_000, 2),
    },
  };
}

/** The fixture's files under the names a catalog CLIP entry has at `dtype` (the same bytes for every dtype). */
export function asHubRepo(fixture: ClipFixture, id: string, dtypes: ModelDtype[]): Record<string, Buffer> {
  const entry = MODELS[id]!;
  const out: Record<string, Buffer> = {};
  for (const dtype of dtypes) {
    for (const [i, name] of modelFiles(entry, dtype).entries()) out[name] = fixture.files[modelFiles(TOY_CLIP, 'fp32')[i]!]!;
  }
  return out;
}

/** Writes the fixture as a model folder (the layout `photobind models import` takes). */
export async function writeFolder(dir: string, files: Record<string, Buffer>): Promise<void> {
  for (const [name, data] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), data);
  }
}
