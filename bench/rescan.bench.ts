// Benchmark: an unchanged re-scan of N photos (stat calls only, no model work).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IndexService } from '../main/core/indexer/index.service.ts';
import { PHOTO_EXTENSIONS } from '../main/core/media/photo-format.ts';
import { PhotoStoreRepository, type StoredPhoto } from '../main/core/storage/photo-store.repository.ts';
import { syntheticPhoto } from './search-latency.bench.ts';

export async function benchUnchangedRescan(count: number): Promise<{ photos: number; seconds: number; walkSeconds: number; modelWork: number }> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-rescan-'));
  const root = path.join(tmp, 'photos');
  const store = await PhotoStoreRepository.open(path.join(tmp, 'db'));
  const rows: StoredPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const folder = path.join(root, `album-${i % 100}`);
    if (i < 100) await fs.mkdir(folder, { recursive: true });
    const file = path.join(folder, `IMG_${i}.jpg`);
    await fs.writeFile(file, `photo ${i}`);
    const stat = await fs.stat(file);
    rows.push({ ...syntheticPhoto(i, new Float32Array(8).fill(0.35)), path: file, root, folder, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), modelId: 'bench/clip' });
    if (rows.length === 5000) await store.upsertPhotos(rows.splice(0));
  }
  await store.upsertPhotos(rows);
  const service = new IndexService(store, () => Promise.reject(new Error('an unchanged re-scan must not need the model')), () => 'bench/clip', PHOTO_EXTENSIONS);
  const start = performance.now();
  const summary = await service.index([root]);
  const seconds = (performance.now() - start) / 1000;
  // The bound: listing the same folders and stat-ing every file, nothing else.
  const walkStart = performance.now();
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) if (entry.isFile()) await fs.stat(path.join(entry.parentPath, entry.name));
  const walkSeconds = (performance.now() - walkStart) / 1000;
  store.close();
  await fs.rm(tmp, { recursive: true, force: true });
  return { photos: summary.unchanged, seconds, walkSeconds, modelWork: summary.modelWork };
}
