// Benchmark: memory while indexing many photos (core and model process RSS sampled as the count grows).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { IndexService } from '../main/core/indexer/index.service.ts';
import { PHOTO_EXTENSIONS } from '../main/core/media/photo-format.ts';
import { ModelProcessClient } from '../main/core/model-process/model-process.client.ts';
import { PhotoStoreRepository } from '../main/core/storage/photo-store.repository.ts';
import { processMemoryMb } from './bench-table.ts';

export interface MemorySample {
  indexed: number;
  coreRssMb: number;
  /** V8 heap in use (the rest of RSS is native: LanceDB, buffers, code). */
  coreHeapMb: number;
  modelProcessRssMb: number | null;
}


/** Small distinct JPEGs (random colour blocks), 100 per folder, so decoding is cheap and memory is what is measured. */
async function makePhotos(root: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = path.join(root, `album-${Math.floor(i / 100)}`);
    if (i % 100 === 0) await fs.mkdir(folder, { recursive: true });
    const colour = { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 };
    const block = await sharp({ create: { width: 16, height: 12, channels: 3, background: colour } }).png().toBuffer();
    await sharp({ create: { width: 160, height: 120, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: 128 } } })
      .composite([{ input: block, left: (i * 7) % 140, top: (i * 3) % 100 }])
      .jpeg({ quality: 80 })
      .toFile(path.join(folder, `IMG_${i}.jpg`));
  }
}

export async function benchIndexingMemory(count: number, model: { id: string; folder: string }, threads: number): Promise<{ samples: MemorySample[]; seconds: number; baselineCoreRssMb: number }> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-memory-'));
  const root = path.join(tmp, 'photos');
  await makePhotos(root, count);
  const client = new ModelProcessClient({ clip: { id: model.id, folder: model.folder, dtype: 'fp32' }, device: 'cpu', threads, thumbnailsDir: path.join(tmp, 'thumbs') });
  await client.start();
  const store = await PhotoStoreRepository.open(path.join(tmp, 'db'));
  const service = new IndexService(store, () => Promise.resolve(client), () => model.id, PHOTO_EXTENSIONS);
  const baselineCoreRssMb = process.memoryUsage.rss() / 1048576;
  const samples: MemorySample[] = [];
  const step = Math.max(500, Math.floor(count / 10));
  let next = step;
  let sampling = Promise.resolve();
  const started = performance.now();
  await service.index([root], {
    onProgress: (p) => {
      if (p.phase !== 'indexing' || p.done < next) return;
      next += step;
      const done = p.done;
      sampling = sampling.then(async () => void samples.push({ indexed: done, coreRssMb: process.memoryUsage.rss() / 1048576, coreHeapMb: process.memoryUsage().heapUsed / 1048576, modelProcessRssMb: await processMemoryMb(client.pid, 'VmRSS') }));
    },
  });
  await sampling;
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  store.close();
  await fs.rm(tmp, { recursive: true, force: true });
  return { samples, seconds, baselineCoreRssMb };
}
