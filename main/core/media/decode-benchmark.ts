// Micro-benchmark of decodePhoto: time per photo over a list of files (printed by `npm run bench`, never asserted).
import { decodePhoto, type DecodePhotoOptions } from './photo-decoder.ts';
import { toPhotoProblem } from './photo-problem.ts';

export interface MeasureDecodeOptions {
  /** Passed to every decodePhoto call. */
  decode?: DecodePhotoOptions;
  /** Timed passes over the whole list (default 1). */
  repeat?: number;
  /** Decode every file once, untimed, first (loads libheif, warms caches; default true). */
  warmup?: boolean;
  /** Photos decoded at the same time (default 1: latency; more: throughput). */
  concurrency?: number;
}

export interface DecodeMeasurement {
  /** Distinct files measured. */
  files: number;
  /** Timed decodes (files × repeat). */
  decodes: number;
  decoded: number;
  unsupported: number;
  failed: number;
  /** Wall time of all timed passes. */
  totalMs: number;
  /** Wall time per decode (totalMs / decodes): with concurrency > 1 this is the throughput cost. */
  perPhotoMs: number;
  /** Latency of single decodes. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Source megapixels decoded per second of wall time (decoded photos only). */
  megapixelsPerSecond: number;
  /** Highest resident set size seen after a decode, in MiB. */
  peakRssMb: number;
  /** Mean latency per format. */
  byFormat: Record<string, { count: number; meanMs: number }>;
  /** The first problem per failing file, for the report. */
  problems: Array<{ path: string; kind: string; message: string }>;
}

/** Decodes `files` (repeatedly) and reports timings. Never throws for a bad photo; counts it. */
export async function measureDecode(files: readonly string[], options: MeasureDecodeOptions = {}): Promise<DecodeMeasurement> {
  const repeat = Math.max(1, Math.floor(options.repeat ?? 1));
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const decode = options.decode ?? {};

  if (options.warmup ?? true) {
    for (const file of files) await decodePhoto(file, decode).catch(() => undefined);
  }

  const latencies: number[] = [];
  const formatTimes = new Map<string, number[]>();
  const problems = new Map<string, { path: string; kind: string; message: string }>();
  let decoded = 0;
  let unsupported = 0;
  let failed = 0;
  let megapixels = 0;
  let peakRss = process.memoryUsage().rss;

  const queue = Array.from({ length: repeat }, () => files).flat();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const file = queue[next++];
      if (file === undefined) break;
      const t0 = performance.now();
      try {
        const result = await decodePhoto(file, decode);
        const ms = performance.now() - t0;
        latencies.push(ms);
        const times = formatTimes.get(result.format) ?? [];
        times.push(ms);
        formatTimes.set(result.format, times);
        if (result.status === 'decoded') {
          decoded++;
          megapixels += (result.width * result.height) / 1e6;
        } else {
          unsupported++;
        }
      } catch (err) {
        latencies.push(performance.now() - t0);
        failed++;
        const problem = toPhotoProblem(err, file);
        if (!problems.has(file)) problems.set(file, { path: file, kind: problem.kind, message: problem.message });
      }
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));
  const totalMs = performance.now() - started;

  const sorted = [...latencies].sort((a, b) => a - b);
  const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const byFormat = Object.fromEntries(
    [...formatTimes.entries()].map(([format, times]) => [format, { count: times.length, meanMs: round(times.reduce((a, b) => a + b, 0) / times.length) }]),
  );
  return {
    files: files.length,
    decodes: queue.length,
    decoded,
    unsupported,
    failed,
    totalMs: round(totalMs),
    perPhotoMs: round(queue.length ? totalMs / queue.length : 0),
    medianMs: round(quantile(0.5)),
    p95Ms: round(quantile(0.95)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    megapixelsPerSecond: round(totalMs > 0 ? megapixels / (totalMs / 1000) : 0),
    peakRssMb: round(peakRss / (1024 * 1024)),
    byFormat,
    problems: [...problems.values()],
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
