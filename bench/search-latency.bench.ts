// Benchmark: vector search latency in LanceDB at 10k and 100k rows (synthetic unit vectors, 512-d).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PhotoStoreRepository, type StoredPhoto } from '../main/core/storage/photo-store.repository.ts';
import { timeRepeated } from './bench-table.ts';

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

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  /** Share of the exact top 20 that the mode also returns. */
  recallAt20: number;
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

export async function benchSearchLatency(sizes = [10_000, 100_000], dim = 512, queries = 40): Promise<SearchLatencyRow[]> {
  const results: SearchLatencyRow[] = [];
  const random = mulberry32(42);
  const embedding = clusteredVectors(dim, random);
  for (const size of sizes) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-search-'));
    const store = await PhotoStoreRepository.open(dir);
    for (let start = 0; start < size; start += 5000) {
      const rows: StoredPhoto[] = [];
      for (let i = start; i < Math.min(size, start + 5000); i++) rows.push(syntheticPhoto(i, embedding()));
      await store.upsertPhotos(rows);
    }
    await store.compact();
    const qs = Array.from({ length: queries }, () => embedding());
    let q = 0;
    const filter = { modelId: 'bench/clip' };
    await store.nearest(qs[0]!, 20, filter); // warm caches
    const flat = await timeRepeated(queries, () => store.nearest(qs[q++ % queries]!, 20, filter));
    results.push({ rows: size, mode: 'flat (exact)', p50: flat.p50, p95: flat.p95, recallAt20: 1 });
    const exact = await Promise.all(qs.map(async (v) => new Set((await store.nearest(v, 20, filter, { exact: true })).map((h) => h.photo.path))));
    if (await store.ensureVectorIndex(1)) {
      await store.nearest(qs[0]!, 20, filter);
      const indexed = await timeRepeated(queries, () => store.nearest(qs[q++ % queries]!, 20, filter));
      let found = 0;
      for (const [i, v] of qs.entries()) found += (await store.nearest(v, 20, filter)).filter((h) => exact[i]!.has(h.photo.path)).length;
      results.push({ rows: size, mode: 'HNSW-SQ index + exact re-rank', p50: indexed.p50, p95: indexed.p95, recallAt20: found / (20 * qs.length) });
    }
    store.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  return results;
}
