// `npm run bench`: measures indexing, search and re-scan in one run and prints the tables (no assertions).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getModelEntry } from '../main/core/models/model-catalog.ts';
import { defaultThreadCount } from '../main/core/model-process/device-selection.ts';
import { benchIndexing, renderAlbums, type IndexingRow } from './indexing.bench.ts';
import { benchIndexingMemory } from './memory.bench.ts';
import { benchUnchangedRescan } from './rescan.bench.ts';
import { benchSearchLatency } from './search-latency.bench.ts';
import { mb, PeakRss, printTable } from './bench-table.ts';

const quick = process.argv.includes('--quick');
const rss = new PeakRss();
const threads = defaultThreadCount(os.availableParallelism());
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-'));
console.log(`Photobind benchmarks — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${mb(os.totalmem()).toFixed(0)} MB, Node ${process.version}${quick ? ' (quick)' : ''}`);

try {
  const models: Array<{ id: string; folder: string }> = [];
  const toy = getModelEntry('photobind/toy-clip');
  if (toy.source.kind === 'bundled') models.push({ id: toy.id, folder: toy.source.folder });
  // A random-weight model with CLIP ViT-B/32's dimensions, for compute like a real model (never committed).
  const vitB32 = process.env.PHOTOBIND_BENCH_VITB32 ?? path.join('models', 'training', '.work', 'vit-b32-random');
  if (await fs.access(path.join(vitB32, 'onnx', 'vision_model.onnx')).then(() => true, () => false)) models.push({ id: 'random/clip-vit-b32-dims', folder: vitB32 });
  else console.log(`(No ViT-B/32-sized model at ${vitB32}; build one with \`npm run bench:model\` to measure real-model compute.)`);

  const albums = await renderAlbums(path.join(tmp, 'albums'), quick ? 64 : 256, quick ? 8 : 32);
  const rows: IndexingRow[] = [];
  for (const model of models) for (const album of albums) rows.push(await benchIndexing(album, model, threads));
  printTable('Indexing throughput (photos/s)', ['album', 'model', 'photos', 'decode', 'embed (model only)', 'store', 'end to end', 'end-to-end / model-only', 'model process peak RSS (MB)'], rows.map((r) => [r.album, r.model, r.photos, r.decodePerS, r.embedPerS, r.storePerS, r.endToEndPerS, `${(100 * r.ratio).toFixed(0)}%`, r.modelProcessPeakMb ?? 'n/a']));

  const search = await benchSearchLatency(quick ? [10_000] : [10_000, 100_000]);
  printTable('Vector search latency (ms, 512-d clustered synthetic vectors, top 20, excludes the text encoder)', ['rows', 'mode', 'p50', 'p95', 'recall@20 vs exact'], search.map((r) => [r.rows, r.mode, r.p50, r.p95, r.recallAt20]));

  const memoryPhotos = Number(process.argv.find((a) => a.startsWith('--memory-photos='))?.split('=')[1] ?? (quick ? 1000 : 10_000));
  const toyModel = models[0];
  if (toyModel) {
    const memory = await benchIndexingMemory(memoryPhotos, toyModel, threads);
    printTable(`Memory while indexing ${memoryPhotos} photos with ${toyModel.id} (${memory.seconds.toFixed(0)} s; --memory-photos=N for more)`, ['photos indexed', 'core RSS (MB)', 'model process RSS (MB)'], memory.samples.map((s) => [s.indexed, s.coreRssMb, s.modelProcessRssMb ?? 'n/a']));
  }

  const rescan = await benchUnchangedRescan(quick ? 2000 : 10_000);
  printTable('Unchanged re-scan', ['photos', 'seconds', 'model work'], [[rescan.photos, rescan.seconds, rescan.modelWork]]);
} finally {
  await fs.rm(tmp, { recursive: true, force: true });
  printTable('Memory', ['peak RSS of the benchmark process (MB)'], [[mb(rss.stop())]]);
}
