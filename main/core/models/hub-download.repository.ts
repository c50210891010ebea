// Downloads a model's files from the Hugging Face Hub (or a mirror) into the library's model cache.
// Each file is fetched to a .part file (resumed with a Range request after an interruption), checked
// against the size and sha256 the Hub announces, and the folder is renamed into place only when every
// file is complete, so a half-downloaded model is never loaded.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

export interface DownloadProgress {
  file: string;
  loadedBytes: number;
  totalBytes: number | null;
  /** Bytes per second over the download so far. */
  rate: number;
  etaSeconds: number | null;
}

export interface DownloadRequest {
  repo: string;
  revision: string;
  files: string[];
  /** Final folder for the model; must not exist yet. */
  destination: string;
  hubUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export class ModelDownloadError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function fileSize(file: string): Promise<number> {
  return fs.stat(file).then((s) => s.size, () => 0);
}

export async function downloadModel(request: DownloadRequest): Promise<void> {
  const hub = (request.hubUrl ?? process.env.PHOTOBIND_HUB_URL ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const staging = `${request.destination}.partial`;
  await fs.mkdir(staging, { recursive: true });
  const started = Date.now();
  let loadedTotal = 0;
  for (const file of request.files) {
    const target = path.join(staging, file);
    const part = `${target}.part`;
    if (await fs.access(target).then(() => true, () => false)) continue;
    await fs.mkdir(path.dirname(target), { recursive: true });
    const url = `${hub}/${request.repo}/resolve/${encodeURIComponent(request.revision)}/${file}`;
    let offset = await fileSize(part);
    let response: Response;
    try {
      response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal: request.signal ?? null, redirect: 'follow' });
    } catch (error) {
      throw new ModelDownloadError(`Could not reach ${hub} to download ${request.repo} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}).`, true);
    }
    if (response.status === 404) throw new ModelDownloadError(`${request.repo} has no file ${file} at ${hub} (HTTP 404).`, false);
    if (!response.ok || !response.body) throw new ModelDownloadError(`Downloading ${file} of ${request.repo} failed with HTTP ${response.status}.`, response.status >= 500);
    if (offset > 0 && response.status !== 206) offset = 0; // the server ignored the Range: start over
    const expectedSize = Number(response.headers.get('x-linked-size') ?? Number(response.headers.get('content-length') ?? NaN) + offset);
    const expectedSha = (response.headers.get('x-linked-etag') ?? '').replaceAll('"', '');
    let loaded = offset;
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      loaded += chunk.length;
      loadedTotal += chunk.length;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? loadedTotal / seconds : 0;
      const total = Number.isFinite(expectedSize) ? expectedSize : null;
      request.onProgress?.({ file, loadedBytes: loaded, totalBytes: total, rate, etaSeconds: total && rate > 0 ? (total - loaded) / rate : null });
    });
    try {
      await pipeline(body, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
    } catch (error) {
      throw new ModelDownloadError(`The download of ${file} (${request.repo}) was interrupted: ${(error as Error).message}. Run the command again to resume.`, true);
    }
    const size = await fileSize(part);
    if (Number.isFinite(expectedSize) && size !== expectedSize) {
      throw new ModelDownloadError(`${file} of ${request.repo} arrived with ${size} bytes instead of ${expectedSize}; run the command again to resume.`, true);
    }
    if (/^[0-9a-f]{64}$/.test(expectedSha) && (await sha256OfFile(part)) !== expectedSha) {
      await fs.rm(part, { force: true });
      throw new ModelDownloadError(`${file} of ${request.repo} is corrupted (its sha256 does not match the Hub's); it was deleted, run the command again.`, true);
    }
    await fs.rename(part, target);
  }
  await fs.rm(request.destination, { recursive: true, force: true });
  await fs.rename(staging, request.destination);
}
