// Benchmark: indexing throughput split into decode, embed (model only), store and end to end, with the
// end-to-end run's stage breakdown from the model process's pipeline (see [Note: indexing at the model's pace]).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { IndexService } from '../main/core/indexer/index.service.ts';
import { decodePhoto } from '../main/core/media/photo-decoder.ts';
import { PHOTO_EXTENSIONS } from '../main/core/media/photo-format.ts';
import { ModelProcessClient } from '../main/core/model-process/model-process.client.ts';
import { createClipModel } from '../main/core/models/inference/clip.inference.ts';
import { modelInputSide } from '../main/core/models/model-input-side.ts';
import type { ModelPixels } from '../main/core/media/photo-decoder.ts';
import type { PipelineStats } from '../main/core/model-process/index-pipeline.ts';
import { PhotoStoreRepository } from '../main/core/storage/photo-store.repository.ts';
import { renderDemoAlbum } from '../main/core/toy-world/demo-album.ts';
import { processMemoryMb } from './bench-table.ts';
import { syntheticPhoto } from './search-latency.bench.ts';

export interface IndexingRow {
  album: string;
  model: string;
  photos: number;
  decodePerS: number;
  embedPerS: number;
  storePerS: number;
  /** Photos/s through the pass until the last photo's row is buffered (scan, hash, decode, embed, thumbnails, rows). */
  endToEndPerS: number;
  /** The whole `index()` pass, including the final flush, compaction and index builds. */
  passPerS: number;
  /** endToEndPerS / embedPerS. */
  ratio: number;
  modelProcessPeakMb: number | null;
  /** The model process's pipeline during the end-to-end run (null when it does not report one). */
  breakdown: PipelineStats | null;
  /** Model load + decode threads' start + 2 small photos, before the timed pass. */
  warmUpSeconds: number;
}


/** 12-megapixel JPEGs with camera-like noise (so they decode like real photos, not flat renders). */
export async function makeLargeJpegs(from: string[], outDir: string, count: number): Promise<string[]> {
  await fs.mkdir(outDir, { recursive: true });
  const noise = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 12 } } }).raw().toBuffer();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = await sharp(from[i % from.length]).resize(4000, 3000).raw().toBuffer();
    for (let j = 0; j < base.length; j++) base[j] = Math.max(0, Math.min(255, base[j]! + noise[(j + i * 7919) % noise.length]! - 128));
    const file = path.join(outDir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    await sharp(base, { raw: { width: 4000, height: 3000, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
    out.push(file);
  }
  return out;
}

export async function benchIndexing(album: { name: string; files: string[] }, model: { id: string; folder: string }, threads: number): Promise<IndexingRow> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-index-'));
  const side = await modelInputSide(model.folder);
  const n = album.files.length;

  // Decode only (thumbnail + model pixels), 4 in flight as the model process does per batch.
  let start = performance.now();
  const pixels: ModelPixels[] = [];
  for (let i = 0; i < n; i += 16) {
    const decoded = await Promise.all(album.files.slice(i, i + 16).map((f) => decodePhoto(f, { modelSide: side })));
    for (const d of decoded) if (d.status === 'decoded') pixels.push(d.modelPixels);
  }
  const decodePerS = n / ((performance.now() - start) / 1000);

  // Model only, on pre-decoded pixels, same batch size.
  const clip = await createClipModel({ folder: model.folder, device: 'cpu', dtype: 'fp32', threads });
  await clip.embedImages(pixels.slice(0, 2));
  start = performance.now();
  for (let i = 0; i < pixels.length; i += 16) await clip.embedImages(pixels.slice(i, i + 16));
  const embedPerS = n / ((performance.now() - start) / 1000);

  // Store only: merge-insert rows of the model's dimension in commits of 128.
  const vector = (await clip.embedTexts(['a photo']))[0]!;
  const store = await PhotoStoreRepository.open(path.join(tmp, 'store-only'));
  start = performance.now();
  for (let i = 0; i < n; i += 128) await store.upsertPhotos(Array.from({ length: Math.min(128, n - i) }, (_, j) => syntheticPhoto(i + j, vector)));
  const storePerS = n / ((performance.now() - start) / 1000);
  store.close();

  // End to end through the model process (fingerprint, decode once, embed, thumbnails, store).
  const client = new ModelProcessClient({ clip: { id: model.id, folder: model.folder, dtype: 'fp32' }, device: 'cpu', threads, thumbnailsDir: path.join(tmp, 'thumbs') });
  await client.start();
  // Warm-up: the model's load and the decode threads' start are paid here, not in the timed pass (the
  // model-only bound excludes its load too); the load is its own column.
  const warmDir = path.join(tmp, 'warm-up');
  await fs.mkdir(warmDir);
  for (const [i, colour] of ['#c04020', '#2040c0'].entries()) await sharp({ create: { width: 320, height: 240, channels: 3, background: colour } }).jpeg().toFile(path.join(warmDir, `warm-${i}.jpg`));
  const warmStore = await PhotoStoreRepository.open(path.join(tmp, 'warm-db'));
  start = performance.now();
  await new IndexService(warmStore, () => Promise.resolve(client), () => model.id, PHOTO_EXTENSIONS).index([warmDir]);
  const warmUpSeconds = (performance.now() - start) / 1000;
  warmStore.close();
  await client.request({ type: 'indexStats', reset: true }).catch(() => null);
  const e2eStore = await PhotoStoreRepository.open(path.join(tmp, 'db'));
  const service = new IndexService(e2eStore, () => Promise.resolve(client), () => model.id, PHOTO_EXTENSIONS);
  const root = path.dirname(album.files[0]!);
  start = performance.now();
  let lastPhoto = start;
  await service.index([root], { onProgress: (p) => p.phase === 'indexing' && p.done === p.total && (lastPhoto = performance.now()) });
  const passPerS = n / ((performance.now() - start) / 1000);
  const endToEndPerS = n / ((lastPhoto - start) / 1000);
  const modelProcessPeakMb = await processMemoryMb(client.pid, 'VmHWM');
  // Older model processes have no such request: the breakdown is then n/a.
  const breakdown = await client.request({ type: 'indexStats' }).catch(() => null);
  await client.close();
  e2eStore.close();
  await fs.rm(tmp, { recursive: true, force: true });
  return { album: album.name, model: model.id, photos: n, decodePerS, embedPerS, storePerS, endToEndPerS, passPerS, ratio: endToEndPerS / embedPerS, modelProcessPeakMb, breakdown, warmUpSeconds };
}

export async function renderAlbums(dir: string, renders: number, large: number): Promise<Array<{ name: string; files: string[] }>> {
  const rendered = await renderDemoAlbum({ outDir: path.join(dir, 'rendered'), count: renders, seed: 901 });
  const big = await makeLargeJpegs(rendered.files, path.join(dir, 'large'), large);
  return [
    { name: `rendered 320×240 (${renders})`, files: rendered.files },
    { name: `12 MP JPEG (${large})`, files: big },
  ];
}
