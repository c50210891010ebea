// Benchmark: vector search latency in LanceDB (512-d clustered synthetic vectors): exact, HNSW-SQ, and with
// folder/date filters, against the bound of an exact scan of the same vectors in a plain JS loop.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PhotoQuery } from '../main/core/storage/photo-filters.ts';
import { PhotoStoreRepository, type StoredPhoto } from '../main/core/storage/photo-store.repository.ts';
import { percentile, timeRepeated } from './bench-table.ts';
import { mulberry32 } from '../main/core/toy-world/seeded-random.ts';

function randomUnitVector(dim: number, random: () => number): Float32Array {
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = random() * 2 - 1;
    norm += v[i]! * v[i]!;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] = v[i]! / norm;
  return v;
}

export function syntheticPhoto(i: number, vector: Float32Array): StoredPhoto {
  const folder = `/bench/album-${i % 50}`;
  return {
    path: `${folder}/IMG_${String(i).padStart(6, '0')}.jpg`, root: '/bench', folder, fileName: `IMG_${i}.jpg`, contentHash: `h${i}`,
    size: 1_000_000 + i, mtimeMs: 1_700_000_000_000 + i, format: 'jpeg', width: 4000, height: 3000,
    takenAt: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}T12:00:00`, gps: null, cameraMake: 'Canon', cameraModel: 'EOS R5',
    description: null, keywords: [], caption: null, captionModel: null, captionAt: null, captionEdited: false, modelId: 'bench/clip', indexedAt: '2026-01-01T00:00:00Z', vector,
  };
}

export interface SearchLatencyRow {
  rows: number;
  mode: string;
  p50: number;
  p95: number;
  /** p50 over the exact JS scan's p50 at the same size (the bound). */
  ratioToScan: number;
  /** Share of the exact top 10 (same filter) that the mode also returns. */
  recallAt10: number;
  buildSeconds?: number;
  diskMb?: number;
  /** How LanceDB runs it, read from its plan: vector index or flat, filter through scalar indexes or a column scan. */
  plan?: string;
}

function describePlan(plan: string): string {
  const vector = plan.includes('ANNSubIndex') || plan.includes('ANNIvfPartition') ? 'vector index' : 'flat scan';
  if (plan.includes('ScalarIndexQuery')) return `${vector}, filter via scalar indexes`;
  return /full_filter=|FilterExec: modelId/.test(plan) ? `${vector}, filter by scanning columns` : vector;
}

/**
 * Photo embeddings are clustered (many photos of similar scenes), unlike uniform random vectors, on which
 * every neighbour is almost equally far and any approximate index looks bad. We draw from 2,000
 * "scene" centroids plus per-photo noise, and queries near random centroids.
 */
function clusteredVectors(dim: number, random: () => number, centroids = 2000): () => Float32Array {
  const centres = Array.from({ length: centroids }, () => randomUnitVector(dim, random));
  return () => {
    const centre = centres[Math.floor(random() * centres.length)]!;
    const noise = randomUnitVector(dim, random);
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = centre[i]! + 0.6 * noise[i]!;
    const norm = Math.hypot(...v);
    for (let i = 0; i < dim; i++) v[i] = v[i]! / norm;
    return v;
  };
}

/** Exact top-k by a plain loop over all vectors held in one Float32Array (optionally only rows passing `keep`). */
function exactTopK(all: Float32Array, dim: number, query: Float32Array, k: number, keep?: (row: number) => boolean): number[] {
  const rows = all.length / dim;
  const best: Array<[number, number]> = [];
  for (let r = 0; r < rows; r++) {
    if (keep && !keep(r)) continue;
    let dot = 0;
    const offset = r * dim;
    for (let i = 0; i < dim; i++) dot += all[offset + i]! * query[i]!;
    if (best.length < k) {
      best.push([dot, r]);
      best.sort((a, b) => b[0] - a[0]);
    } else if (dot > best[k - 1]![0]) {
      best[k - 1] = [dot, r];
      best.sort((a, b) => b[0] - a[0]);
    }
  }
  return best.map(([, r]) => r);
}

async function diskMb(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return bytes / 1048576;
}

const rowOf = (photoPath: string) => Number(/IMG_(\d+)\.jpg$/.exec(photoPath)?.[1]);

/**
 * For each size: exact scan in JS (the bound), LanceDB flat (exact), then HNSW-SQ with the filter indexes
 * (build time, disk size), unfiltered and with a folder filter (1 folder of 50) and a date filter (1 year of 15).
 */
export async function benchSearchLatency(sizes = [10_000, 100_000], dim = 512, queries = 40, k = 10): Promise<SearchLatencyRow[]> {
  const results: SearchLatencyRow[] = [];
  for (const size of sizes) {
    const random = mulberry32(42);
    const embedding = clusteredVectors(dim, random);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-search-'));
    const store = await PhotoStoreRepository.open(dir);
    const all = new Float32Array(size * dim);
    const chunk = size >= 500_000 ? 20_000 : 5000;
    for (let start = 0; start < size; start += chunk) {
      const rows: StoredPhoto[] = [];
      for (let i = start; i < Math.min(size, start + chunk); i++) {
        const v = embedding();
        all.set(v, i * dim);
        rows.push(syntheticPhoto(i, v));
      }
      await store.upsertPhotos(rows);
    }
    await store.compact();
    // Fewer queries from 100k rows up: LanceDB's flat scans there take ~1 s each on 2 cores.
    const qs = Array.from({ length: size >= 100_000 ? Math.min(queries, 20) : queries }, () => embedding());
    const model: PhotoQuery = { modelId: 'bench/clip' };
    const folderFilter: PhotoQuery = { modelId: 'bench/clip', folder: '/bench/album-7' };
    const dateFilter: PhotoQuery = { modelId: 'bench/clip', since: '2013-01-01', until: '2013-12-31' };
    // syntheticPhoto: folder album-(i % 50); takenAt year 2010 + (i % 15).
    const keepFolder = (r: number) => r % 50 === 7;
    const keepDate = (r: number) => r % 15 === 3;

    // The bound: every vector read once per query, in memory, no index.
    const scanTimes: number[] = [];
    const truth = { none: [] as Array<Set<number>>, folder: [] as Array<Set<number>>, date: [] as Array<Set<number>> };
    for (const q of qs) {
      const started = performance.now();
      truth.none.push(new Set(exactTopK(all, dim, q, k)));
      scanTimes.push(performance.now() - started);
      truth.folder.push(new Set(exactTopK(all, dim, q, k, keepFolder)));
      truth.date.push(new Set(exactTopK(all, dim, q, k, keepDate)));
    }
    scanTimes.sort((a, b) => a - b);
    const scan = { p50: percentile(scanTimes, 50), p95: percentile(scanTimes, 95) };
    results.push({ rows: size, mode: 'exact scan, JS loop (bound)', ...scan, ratioToScan: 1, recallAt10: 1 });

    // Each query runs once (after one warm-up): its time goes to the percentiles, its hits to the recall.
    // LanceDB's flat scans are not a target (the JS scan is the bound): from 500k rows up they get 5 queries.
    const measure = async (mode: string, filter: PhotoQuery, expected: Array<Set<number>>, extra: Partial<SearchLatencyRow> = {}, exact = false) => {
      await store.nearest(qs[0]!, k, filter, { exact }); // warm caches
      const times: number[] = [];
      let found = 0;
      const asked = exact && size >= 500_000 ? qs.slice(0, 5) : qs;
      for (const [i, v] of asked.entries()) {
        const started = performance.now();
        const hits = await store.nearest(v, k, filter, { exact });
        times.push(performance.now() - started);
        found += hits.filter((h) => expected[i]!.has(rowOf(h.photo.path))).length;
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      const plan = exact ? 'flat scan' : describePlan(await store.explainNearest(qs[0]!, k, filter));
      results.push({ rows: size, mode, p50, p95: percentile(times, 95), ratioToScan: p50 / scan.p50, recallAt10: found / (k * asked.length), plan, ...extra });
    };
    await measure('LanceDB flat (exact)', model, truth.none, { diskMb: await diskMb(dir) }, true);
    await measure('LanceDB flat, folder filter', folderFilter, truth.folder, {}, true);
    const started = performance.now();
    if (await store.ensureVectorIndex(1)) {
      const buildSeconds = (performance.now() - started) / 1000;
      await measure('HNSW-SQ + exact re-rank', model, truth.none, { buildSeconds, diskMb: await diskMb(dir) });
      await measure('HNSW-SQ, folder filter (2%)', folderFilter, truth.folder);
      await measure('HNSW-SQ, date filter (7%)', dateFilter, truth.date);
    }
    store.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return results;
}

export interface TextEncoderRow {
  model: string;
  /** Creating the model and encoding the first query (the text model's load). */
  firstQueryMs: number;
  p50: number;
  p95: number;
}

/** The text encoder's own share of a search: warm per-query time for each model, one query at a time as the search box sends them. */
export async function benchTextEncoder(models: Array<{ id: string; folder: string }>, threads: number, queries = 20): Promise<TextEncoderRow[]> {
  const { createClipModel } = await import('../main/core/models/inference/clip.inference.ts');
  const texts = ['motorcycles outside a convenience store', 'a dog on the beach', 'birthday cake with candles', 'snowy mountains at sunset', 'a red bicycle'];
  const rows: TextEncoderRow[] = [];
  for (const model of models) {
    const started = performance.now();
    const clip = await createClipModel({ folder: model.folder, device: 'cpu', dtype: 'fp32', threads });
    await clip.embedTexts([texts[0]!]);
    const firstQueryMs = performance.now() - started;
    const times = await timeRepeated(queries, async (i) => clip.embedTexts([`${texts[i % texts.length]!} ${i}`]));
    rows.push({ model: model.id, firstQueryMs, p50: times.p50, p95: times.p95 });
  }
  return rows;
}
