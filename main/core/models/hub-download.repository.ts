// Downloads a model's files from the Hugging Face Hub (or a mirror) into a staging folder.
// See [Note: resumable, verified downloads].
import { ProgressMeter } from '../shared/progress-meter.ts';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// [Note: resumable, verified downloads]
// A file is first asked for with HEAD (redirects not followed): the Hub answers a weights file with a
// redirect to its CDN that carries `x-linked-size` and `x-linked-etag` (the sha256 of the content),
// and a small file with `content-length`. Knowing every size before the first byte lets the caller
// check the free disk space and gives an honest overall ETA. Each file is then streamed to
// `<file>.part`; after an interruption the next attempt (in the same call, or a later run) asks for
// `Range: bytes=<part size>-` and appends. A finished file must have the announced size and, where
// the Hub gives one, the announced sha256, or it is deleted and never installed; only then is it
// renamed to its final name inside the staging folder. Installing the folder (an atomic rename) is
// the cache's job (model-cache.repository.ts), so a half-downloaded model is never loaded.

export const DEFAULT_HUB_URL = 'https://huggingface.co';

export interface DownloadProgress {
  /** The file being downloaded (path inside the model folder). */
  file: string;
  fileLoadedBytes: number;
  fileTotalBytes: number | null;
  /** Bytes of the whole model on disk so far (including what earlier runs left). */
  loadedBytes: number;
  /** Size of the whole model, or null when the server did not say for some file. */
  totalBytes: number | null;
  /** Bytes per second over the last few seconds of this run. */
  rate: number;
  etaSeconds: number | null;
}

export interface RemoteFile {
  file: string;
  size: number | null;
  sha256: string | null;
}

export interface DownloadRequest {
  repo: string;
  revision: string;
  files: string[];
  /** Folder the files are downloaded into (created; what is already there is resumed). */
  staging: string;
  /** Base URL of the Hub or a mirror; default $PHOTOBIND_HUB_URL, else https://huggingface.co. */
  hubUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Called once every size is known, with the bytes still to fetch; throw to stop before downloading. */
  beforeDownload?: (plan: { remainingBytes: number; filesOfUnknownSize: string[] }) => Promise<void>;
  /** Further attempts per file after a dropped connection, resuming each time (default 2). */
  retries?: number;
  /** Wait before the n-th retry: n × this (default 1000 ms). */
  retryDelayMs?: number;
}

export interface DownloadedFile {
  file: string;
  size: number;
  sha256: string;
}

export interface DownloadResult {
  /** The commit the Hub resolved the revision to (x-repo-commit), when it said. */
  commit: string | null;
  files: DownloadedFile[];
}

export type DownloadFailure = 'offline' | 'not-found' | 'refused' | 'http' | 'interrupted' | 'size' | 'corrupt' | 'cancelled';

/** A download that failed; `detail` is a capitalised clause (no final full stop) that callers build sentences from. */
export class ModelDownloadError extends Error {
  constructor(
    readonly kind: DownloadFailure,
    readonly detail: string,
    readonly retryable: boolean,
  ) {
    super(`${detail}.`);
    this.name = 'ModelDownloadError';
  }
}

export function hubBaseUrl(hubUrl?: string): string {
  return (hubUrl ?? process.env.PHOTOBIND_HUB_URL ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
}

export function hubFileUrl(hub: string, repo: string, revision: string, file: string): string {
  return `${hub}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

function causeOf(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

function formatMb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} KB`;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error as Error).name === 'AbortError';
}

function cancelled(): ModelDownloadError {
  return new ModelDownloadError('cancelled', 'The download was cancelled; run the command again to resume it', true);
}

function httpError(status: number, file: string, url: string): ModelDownloadError {
  if (status === 404) return new ModelDownloadError('not-found', `${new URL(url).origin} has no file ${file} there (HTTP 404)`, false);
  if (status === 401 || status === 403) return new ModelDownloadError('refused', `${new URL(url).origin} refused ${file} (HTTP ${status}): the repository may be gated or private`, false);
  return new ModelDownloadError('http', `${new URL(url).origin} answered HTTP ${status} for ${file}`, status >= 500 || status === 429);
}

const MAX_REDIRECTS = 5;
/**
 * Sent with every request. `identity`: Node's fetch would transparently un-gzip a compressed answer,
 * and then the bytes written would no longer match the announced size.
 */
const HEADERS = { 'accept-encoding': 'identity', 'user-agent': 'photobind (model downloader)' };

/** Size, sha256 and commit of one file, from HEAD requests that stop at the Hub's CDN redirect. */
async function remoteFile(url: string, file: string, hub: string, signal?: AbortSignal): Promise<RemoteFile & { commit: string | null }> {
  let current = url;
  let commit: string | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(current, { method: 'HEAD', redirect: 'manual', headers: HEADERS, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (isAbort(error, signal)) throw cancelled();
      throw new ModelDownloadError('offline', `Could not reach ${hub} (${causeOf(error)})`, true);
    }
    commit = response.headers.get('x-repo-commit') ?? commit;
    const linkedSize = response.headers.get('x-linked-size');
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && !linkedSize && location) {
      current = new URL(location, current).toString(); // a renamed repository: follow to find the file
      continue;
    }
    if (response.status === 405 || response.status === 501) return { file, size: null, sha256: null, commit }; // HEAD not supported
    if (response.status >= 400) throw httpError(response.status, file, url);
    const size = Number(linkedSize ?? response.headers.get('content-length') ?? NaN);
    const etag = (response.headers.get('x-linked-etag') ?? '').replace(/^W\//, '').replaceAll('"', '');
    return {
      file,
      size: Number.isFinite(size) ? size : null,
      sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : null,
      commit,
    };
  }
  throw new ModelDownloadError('http', `${hub} redirected ${file} more than ${MAX_REDIRECTS} times`, false);
}

/** GET from `offset`, following redirects by hand so the Range header goes to the CDN too. */
async function openBody(url: string, file: string, hub: string, offset: number, signal?: AbortSignal): Promise<{ response: Response; offset: number }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(current, { redirect: 'manual', headers: { ...HEADERS, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) }, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (isAbort(error, signal)) throw cancelled();
      throw new ModelDownloadError('offline', `Could not reach ${hub} (${causeOf(error)})`, true);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    if (response.status === 416) {
      await response.body?.cancel();
      return { response, offset };
    }
    if (!response.ok || !response.body) throw httpError(response.status, file, url);
    if (offset > 0 && response.status === 206) {
      const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (start !== undefined && Number(start) === offset) return { response, offset };
      await response.body.cancel();
      return openBody(url, file, hub, 0, signal); // a range we did not ask for: start the file over
    }
    return { response, offset: 0 }; // 200: the server ignored the Range, so the file starts over
  }
  throw new ModelDownloadError('http', `${hub} redirected ${file} more than ${MAX_REDIRECTS} times`, false);
}

async function sizeOf(file: string): Promise<number> {
  return fs.stat(file).then((s) => s.size, () => 0);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Downloads `files` of `repo` into `staging`, resuming what earlier attempts left there, and checks
 * each file's size and sha256. Throws a ModelDownloadError; a partial file is kept only when a later
 * run can resume it.
 */
export async function downloadToStaging(request: DownloadRequest): Promise<DownloadResult> {
  const hub = hubBaseUrl(request.hubUrl);
  const { signal } = request;
  const retries = request.retries ?? 2;
  const retryDelayMs = request.retryDelayMs ?? 1000;
  const urlOf = (file: string) => hubFileUrl(hub, request.repo, request.revision, file);

  const remote = [];
  for (const file of request.files) remote.push(await remoteFile(urlOf(file), file, hub, signal));
  const commit = remote.find((r) => r.commit)?.commit ?? null;

  const onDisk = new Map<string, number>();
  for (const r of remote) {
    const target = path.join(request.staging, r.file);
    const done = await exists(target) ? await sizeOf(target) : null;
    // A finished file of another size (the repository changed since) is fetched again.
    if (done !== null && r.size !== null && done !== r.size) await fs.rm(target, { force: true });
    onDisk.set(r.file, done !== null && (r.size === null || done === r.size) ? done : Math.min(await sizeOf(`${target}.part`), r.size ?? Infinity));
  }
  const known = remote.every((r) => r.size !== null);
  const totalBytes = known ? remote.reduce((sum, r) => sum + r.size!, 0) : null;
  const remainingBytes = remote.reduce((sum, r) => sum + Math.max(0, (r.size ?? 0) - onDisk.get(r.file)!), 0);
  await request.beforeDownload?.({ remainingBytes, filesOfUnknownSize: remote.filter((r) => r.size === null).map((r) => r.file) });
  await fs.mkdir(request.staging, { recursive: true });

  const meter = new ProgressMeter(5_000, Date.now, 0); // bytes: no burst to wait out (see the meter's note)
  meter.record(0);
  let loadedOther = [...onDisk.values()].reduce((a, b) => a + b, 0);
  let lastEmit = 0;
  const emit = (file: string, fileLoaded: number, fileTotal: number | null, force: boolean) => {
    if (!request.onProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < 100) return;
    lastEmit = now;
    const loadedBytes = loadedOther + fileLoaded;
    const rate = meter.rate();
    request.onProgress({
      file,
      fileLoadedBytes: fileLoaded,
      fileTotalBytes: fileTotal,
      loadedBytes,
      totalBytes,
      rate,
      etaSeconds: totalBytes !== null && rate > 0 ? Math.max(0, totalBytes - loadedBytes) / rate : null,
    });
  };

  const results: DownloadedFile[] = [];
  for (const r of remote) {
    const target = path.join(request.staging, r.file);
    const part = `${target}.part`;
    loadedOther -= onDisk.get(r.file)!;
    if (await exists(target)) {
      // Verified by an earlier run (files are only renamed into place after their checks).
      const size = await sizeOf(target);
      results.push({ file: r.file, size, sha256: r.sha256 ?? (await sha256OfFile(target)) });
      emit(r.file, size, r.size, true);
      loadedOther += size;
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await downloadFile(r, urlOf(r.file), part, hub, signal, meter, (loaded, force) => emit(r.file, loaded, r.size, force));
        break;
      } catch (error) {
        if (!(error instanceof ModelDownloadError) || error.kind !== 'interrupted' || attempt >= retries) throw error;
        await sleep(retryDelayMs * (attempt + 1), undefined, signal ? { signal } : {}).catch(() => {
          throw cancelled();
        });
      }
    }
    const size = await sizeOf(part);
    if (r.size !== null && size !== r.size) {
      await fs.rm(part, { force: true });
      throw new ModelDownloadError('size', `${r.file} arrived with ${size} bytes instead of the ${r.size} announced, so it was deleted`, true);
    }
    const sha256 = await sha256OfFile(part);
    if (r.sha256 !== null && sha256 !== r.sha256) {
      await fs.rm(part, { force: true });
      throw new ModelDownloadError('corrupt', `${r.file} did not match the sha256 that ${hub} publishes for it, so it was deleted`, true);
    }
    await fs.rename(part, target);
    results.push({ file: r.file, size, sha256 });
    emit(r.file, size, r.size, true);
    loadedOther += size;
  }
  return { commit, files: results };
}

/** One attempt at one file: appends to `part` from its current size. */
async function downloadFile(
  remote: RemoteFile,
  url: string,
  part: string,
  hub: string,
  signal: AbortSignal | undefined,
  meter: ProgressMeter,
  onBytes: (fileLoaded: number, force: boolean) => void,
): Promise<void> {
  let offset = await sizeOf(part);
  if (remote.size !== null && offset > remote.size) {
    await fs.rm(part, { force: true });
    offset = 0;
  }
  if (remote.size !== null && offset === remote.size) return; // complete: only the checks remain
  const opened = await openBody(url, remote.file, hub, offset, signal);
  if (opened.response.status === 416) {
    // The server has nothing past our offset: the part is stale; start over on the next attempt.
    await fs.rm(part, { force: true });
    throw new ModelDownloadError('interrupted', `The server could not continue ${remote.file} from byte ${offset}`, true);
  }
  let loaded = opened.offset;
  onBytes(loaded, true);
  // Chunks are written as they come and the file is closed properly even when the connection drops,
  // so every byte received is kept for the next attempt to resume from.
  const out = createWriteStream(part, { flags: opened.offset > 0 ? 'a' : 'w' });
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', resolve);
    out.once('error', reject);
  });
  let failure: unknown = null;
  try {
    for await (const chunk of Readable.fromWeb(opened.response.body as WebReadableStream<Uint8Array>)) {
      if (signal?.aborted) throw signal.reason;
      const buffer = chunk as Buffer;
      if (!out.write(buffer)) await once(out, 'drain');
      loaded += buffer.length;
      meter.add(buffer.length);
      onBytes(loaded, false);
    }
  } catch (error) {
    failure = error;
  }
  out.end();
  await closed;
  if (failure !== null) {
    if (isAbort(failure, signal)) throw cancelled();
    const total = remote.size !== null ? ` of ${formatMb(remote.size)}` : '';
    throw new ModelDownloadError('interrupted', `The connection dropped during ${remote.file} after ${formatMb(await sizeOf(part))}${total} (${causeOf(failure)})`, true);
  }
  if (remote.size !== null && loaded < remote.size) {
    throw new ModelDownloadError('interrupted', `The connection ended early during ${remote.file} after ${formatMb(loaded)} of ${formatMb(remote.size)}`, true);
  }
}
