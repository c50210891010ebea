// Real downloads from a local HTTP server in the Hub's layout (127.0.0.1, never the internet):
// progress up to the total, resume with a Range request after a dropped connection, rejection of
// corrupted bytes, every size known before the first byte, clear errors offline and for a 404.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadToStaging, ModelDownloadError, type DownloadProgress, type DownloadRequest } from './hub-download.repository.ts';
import { MODELS, modelFiles } from './model-catalog.ts';
import { asHubRepo, clipFixture, closedPortUrl, startLocalHub, TEST_COMMIT, type LocalHub } from './local-hub.test-support.ts';

const ID = 'Xenova/clip-vit-base-patch32';
const FILES = modelFiles(MODELS[ID]!, 'q8');
const WEIGHTS = 'onnx/vision_model_quantized.onnx';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const exists = (file: string) => fs.access(file).then(() => true, () => false);

let repo: Record<string, Buffer>;
let total: number;
let tmp: string;
let hub: LocalHub;
let staging: string;

function request(extra: Partial<DownloadRequest> = {}): DownloadRequest {
  return { repo: ID, revision: 'main', files: FILES, staging, hubUrl: hub.url, retries: 0, ...extra };
}

beforeAll(async () => {
  repo = asHubRepo(await clipFixture(), ID, ['q8']);
  total = FILES.reduce((sum, f) => sum + repo[f]!.length, 0);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-download-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  hub = await startLocalHub({ [ID]: repo });
  staging = await fs.mkdtemp(path.join(tmp, 'staging-'));
});
afterEach(async () => hub.close());

describe('downloadToStaging', () => {
  it('reports progress that reaches the total and stores every file with its published sha256', async () => {
    const events: DownloadProgress[] = [];
    const result = await downloadToStaging(request({ onProgress: (e) => events.push(e) }));
    expect(events.length).toBeGreaterThan(FILES.length - 1);
    expect(events.every((e) => e.totalBytes === total)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.loadedBytes).toBeGreaterThanOrEqual(events[i - 1]!.loadedBytes);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ file: FILES.at(-1), loadedBytes: total, totalBytes: total });
    expect(last.etaSeconds === null || last.etaSeconds === 0).toBe(true);
    expect(events.some((e) => e.rate > 0 && e.etaSeconds !== null && e.etaSeconds > 0)).toBe(true);
    expect(result.commit).toBe(TEST_COMMIT);
    for (const file of FILES) {
      const data = await fs.readFile(path.join(staging, file));
      expect(sha256(data)).toBe(sha256(repo[file]!));
      expect(result.files.find((f) => f.file === file)).toEqual({ file, size: data.length, sha256: sha256(data) });
      expect(await exists(path.join(staging, `${file}.part`))).toBe(false);
    }
    // Weights came through the CDN redirect, small files directly.
    expect(hub.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/cdn/'))).toHaveLength(2);
  });

  it('resumes a file whose connection dropped: the next call asks for the rest with a Range request', async () => {
    hub.dropConnection(WEIGHTS, 300_000);
    const first = await downloadToStaging(request()).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ModelDownloadError);
    expect(first).toMatchObject({ kind: 'interrupted', retryable: true });
    expect((first as Error).message).toMatch(/^The connection dropped during onnx\/vision_model_quantized\.onnx after \d+ KB of [\d.]+ MB \(.+\)\.$/);
    // Every byte that arrived before the drop is kept (the server sent 300 000).
    const kept = (await fs.stat(path.join(staging, `${WEIGHTS}.part`))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(300_000);
    expect(await exists(path.join(staging, WEIGHTS))).toBe(false);

    const before = hub.requests.length;
    const second = await downloadToStaging(request());
    const secondRequests = hub.requests.slice(before);
    const cdnPath = `/cdn/${sha256(repo[WEIGHTS]!)}`;
    expect(secondRequests).toContainEqual({ method: 'GET', path: cdnPath, range: `bytes=${kept}-` });
    // Files finished by the first call are not fetched again.
    expect(secondRequests.filter((r) => r.method === 'GET' && r.path.endsWith('/config.json'))).toHaveLength(0);
    const data = await fs.readFile(path.join(staging, WEIGHTS));
    expect(sha256(data)).toBe(sha256(repo[WEIGHTS]!));
    expect(second.files.find((f) => f.file === WEIGHTS)?.sha256).toBe(sha256(repo[WEIGHTS]!));
  });

  it('resumes within the same call when retries are allowed', async () => {
    hub.dropConnection(WEIGHTS, 200_000, 2);
    await downloadToStaging(request({ retries: 2, retryDelayMs: 1 }));
    const cdnPath = `/cdn/${sha256(repo[WEIGHTS]!)}`;
    const starts = hub.requests.filter((r) => r.path === cdnPath && r.method === 'GET').map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? 'bytes=0-')?.[1]));
    expect(starts).toHaveLength(3); // the first try, then two resumes, each further on
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBeGreaterThan(0);
    expect(starts[2]).toBeGreaterThan(starts[1]!);
    expect(sha256(await fs.readFile(path.join(staging, WEIGHTS)))).toBe(sha256(repo[WEIGHTS]!));
  });

  it('rejects bytes that do not match the announced sha256: deleted, never put in place', async () => {
    const victim = 'onnx/text_model_quantized.onnx';
    hub.corrupt(victim);
    const error = await downloadToStaging(request()).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'corrupt' });
    expect((error as Error).message).toMatch(/onnx\/text_model_quantized\.onnx did not match the sha256 .* so it was deleted/);
    expect(await exists(path.join(staging, victim))).toBe(false);
    expect(await exists(path.join(staging, `${victim}.part`))).toBe(false);
  });

  it('knows every size before the first byte, so a disk-space check can stop it before any download', async () => {
    let plan: { remainingBytes: number } | undefined;
    const error = await downloadToStaging(
      request({
        beforeDownload: (p) => {
          plan = p;
          return Promise.reject(new Error('no room'));
        },
      }),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('no room');
    expect(plan).toEqual({ remainingBytes: total, filesOfUnknownSize: [] });
    expect(hub.requests.filter((r) => r.method !== 'HEAD')).toEqual([]);
  });

  it('offline: a clear error naming the server, retryable', async () => {
    const error = await downloadToStaging(request({ hubUrl: await closedPortUrl() })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'offline', retryable: true });
    expect((error as Error).message).toMatch(/^Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\.$/);
  });

  it('a file the server does not have is a 404 that retrying will not fix', async () => {
    const error = await downloadToStaging(request({ files: ['onnx/missing.onnx'] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not-found', retryable: false });
    expect((error as Error).message).toMatch(/has no file onnx\/missing\.onnx there \(HTTP 404\)/);
  });
});
