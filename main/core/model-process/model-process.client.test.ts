// The model process for real (toy CLIP): device report, batch indexing, restart after crashes.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getModelEntry } from '../models/model-catalog.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { contentFingerprint } from '../indexer/content-fingerprint.ts';
import { defaultSpawn, ModelProcessClient, ModelProcessStartError, START_ATTEMPTS } from './model-process.client.ts';

let tmp: string;
let files: string[];
const clipEntry = getModelEntry('photobind/toy-clip');
const clipFolder = clipEntry.source.kind === 'bundled' ? clipEntry.source.folder : '';

function client(spawnWorker = defaultSpawn): ModelProcessClient {
  return new ModelProcessClient({ clip: { id: clipEntry.id, folder: clipFolder, dtype: 'fp32' }, device: 'auto', threads: 1, thumbnailsDir: path.join(tmp, 'thumbs') }, spawnWorker);
}

/** The real worker, of which the first `kills` are killed (SIGKILL) as soon as they run: a death during start-up. */
function killedDuringStartup(kills: number) {
  let spawned = 0;
  return () => {
    const child = defaultSpawn();
    if (spawned++ < kills) child.once('spawn', () => child.kill('SIGKILL'));
    return child;
  };
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-worker-'));
  files = (await renderDemoAlbum({ outDir: path.join(tmp, 'album'), count: 4, seed: 44 })).files;
  await fs.copyFile(files[0]!, path.join(tmp, 'album', 'crash-me.jpg'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('ModelProcessClient', () => {
  it('falls back to a working device and reports why the others failed', async () => {
    const c = client();
    try {
      const report = await c.start();
      expect(report.device).toBe('cpu'); // this machine has neither CUDA libraries nor a WebGPU adapter
      if (process.platform === 'linux') expect(report.fallbacks.map((f) => f.device)).toEqual(['cuda', 'webgpu']);
      for (const fallback of report.fallbacks) expect(fallback.reason.length).toBeGreaterThan(0);
    } finally {
      await c.close();
    }
  });

  it('indexes a batch: unit vectors, thumbnails written', async () => {
    const c = client();
    try {
      const results = await c.indexPhotos(files.map((p, i) => ({ path: p, contentHash: `abc${i}` })));
      expect(results.every((r) => r.ok)).toBe(true);
      for (const r of results) {
        if (!r.ok) continue;
        const norm = Math.hypot(...(r.vector ?? []));
        expect(norm).toBeCloseTo(1, 4);
      }
      await expect(fs.stat(path.join(tmp, 'thumbs', 'ab', 'abc0.jpg'))).resolves.toBeTruthy();
    } finally {
      await c.close();
    }
  });

  it('hashes a photo from the bytes it decodes when the core sends no hash, and names the thumbnail by it', async () => {
    const c = client();
    try {
      const [result] = await c.indexPhotos([{ path: files[1]! }]);
      const expected = await contentFingerprint(files[1]!);
      expect(result).toMatchObject({ ok: true, contentHash: expected });
      await expect(fs.stat(path.join(tmp, 'thumbs', expected.slice(0, 2), `${expected}.jpg`))).resolves.toBeTruthy();
      const stats = await c.request({ type: 'indexStats' });
      expect(stats.photos).toBe(1);
      expect(stats.embedBatches).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('survives a crash: the batch is retried photo by photo, the crashing photo is marked', async () => {
    process.env.PHOTOBIND_FAULT_INJECT_CRASH_PATTERN = 'crash-me';
    const c = client();
    try {
      const items = [...files.slice(0, 2), path.join(tmp, 'album', 'crash-me.jpg')].map((p, i) => ({ path: p, contentHash: `crash${i}` }));
      const results = await c.indexPhotos(items);
      expect(results.map((r) => r.ok)).toEqual([true, true, false]);
      expect(results[2]).toMatchObject({ ok: false, kind: 'crashed-model', permanent: true });
      expect(c.restarts).toBeGreaterThanOrEqual(2);
      // The process is usable again afterwards.
      const [vector] = await c.request({ type: 'embedTexts', texts: ['a red car'] });
      expect(vector!.length).toBeGreaterThan(0);
    } finally {
      delete process.env.PHOTOBIND_FAULT_INJECT_CRASH_PATTERN;
      await c.close();
    }
  });

  it('on CPU each encoder loads on first use: indexing never loads the text encoder, whose failure is a sentence', async () => {
    // A copy of the toy model whose text encoder is not an ONNX file: only a search would notice.
    const broken = path.join(tmp, 'broken-text-clip');
    await fs.cp(clipFolder, broken, { recursive: true });
    await fs.writeFile(path.join(broken, 'onnx', 'text_model.onnx'), 'not an onnx model');
    const c = new ModelProcessClient({ clip: { id: clipEntry.id, folder: broken, dtype: 'fp32' }, device: 'cpu', threads: 1, thumbnailsDir: path.join(tmp, 'thumbs') });
    try {
      await expect(c.start()).resolves.toMatchObject({ device: 'cpu', fallbacks: [] });
      const results = await c.indexPhotos(files.map((p, i) => ({ path: p, contentHash: `lazy${i}` })));
      expect(results.map((r) => r.ok)).toEqual(files.map(() => true));
      const failure = await c.request({ type: 'embedTexts', texts: ['a red car'] }).catch((error: unknown) => error);
      expect((failure as Error).message).toMatch(new RegExp(`^The search model in ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not load its text encoder: .+\\. Install it again`));
    } finally {
      await c.close();
    }
  });

  it('a process that dies during start-up is restarted like one that dies later', async () => {
    const c = client(killedDuringStartup(START_ATTEMPTS - 1));
    try {
      // start() is what the core awaits before an index run (PhotobindCore.models): it must not fail.
      await expect(c.start()).resolves.toMatchObject({ device: 'cpu' });
      const results = await c.indexPhotos(files.map((p, i) => ({ path: p, contentHash: `startup${i}` })));
      expect(results.map((r) => r.ok)).toEqual(files.map(() => true));
      expect(c.restarts).toBe(START_ATTEMPTS - 1);
    } finally {
      await c.close();
    }
  });

  it('gives up with a sentence after every start-up attempt died', async () => {
    const c = client(killedDuringStartup(START_ATTEMPTS));
    try {
      const failure = await c.start().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ModelProcessStartError);
      expect((failure as Error).message).toMatch(/stopped while starting, 3 times in a row \(.*signal SIGKILL/);
    } finally {
      await c.close();
    }
  });
});
