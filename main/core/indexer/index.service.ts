// Indexes photo folders: scan → compare with the store → fingerprint → reuse or embed → store.
// [Note: idempotent, resumable indexing]
// The store is the only record of what is done: a photo counts as indexed once its row (keyed by path,
// with size, mtime and model id) is committed. A kill at any moment therefore loses at most the rows
// not yet flushed, which the next run redoes; merge-inserts by path make a redo harmless. A photo whose
// bytes are already known (moved, renamed, copied) reuses the stored vector and caption: no model work.
import path from 'node:path';
import type { IndexProgress, Photo } from '../../../common/photo.types.ts';
import type { IndexItem, IndexItemResult } from '../model-process/model-process.protocol.ts';
import type { FileStamp, PhotoStoreRepository, StoredPhoto } from '../storage/photo-store.repository.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { scanFolders, type ScannedFile, type ScanWarning } from './folder-scanner.ts';
import { ProgressMeter } from './progress-meter.ts';
import { SerialWork } from '../serial-work.ts';

export interface PhotoEmbedder {
  indexPhotos(items: IndexItem[]): Promise<IndexItemResult[]>;
}

export interface IndexOptions {
  onProgress?: (progress: IndexProgress) => void;
  onWarning?: (warning: ScanWarning) => void;
  signal?: AbortSignal;
  batchSize?: number;
  /** Rows buffered before one LanceDB commit (fewer commits, fewer fragments). */
  flushEvery?: number;
}

export interface IndexSummary {
  scanned: number;
  unchanged: number;
  indexed: number;
  reused: number;
  failed: number;
  removed: number;
  modelWork: number;
  seconds: number;
}

export class IndexService {
  /** Index passes and model switches run one at a time (see [Note: vector spaces]). */
  private readonly passes = new SerialWork();
  /** The search model of the pass in progress: every row it writes is labelled with it. */
  private modelId = '';

  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly embedder: () => Promise<PhotoEmbedder>,
    /** The search model whose vectors the library holds now (changes when a model switch completes). */
    private readonly activeModel: () => string,
    private readonly extensions: ReadonlySet<string>,
    private readonly writePending: (pending: number) => Promise<void> = async () => {},
    /** Runs after a pass that added photos (e.g. captioning them when the library's autoCaption is on). */
    private readonly afterNewPhotos: () => Promise<unknown> = async () => {},
  ) {}

  /** Runs `work` while no index pass runs (and starts none until it is done). */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return this.passes.run(work);
  }

  /** Full pass over the roots: scan, then index what is new or changed and drop what is gone. */
  async index(roots: string[], options: IndexOptions = {}): Promise<IndexSummary> {
    const summary = await this.exclusively(() => {
      this.modelId = this.activeModel();
      return this.indexPass(roots, options);
    });
    return this.followUp(summary, options);
  }

  /** Applies known changes (from the watcher): index these files, forget these paths. */
  async applyChanges(files: ScannedFile[], removed: string[], options: IndexOptions = {}): Promise<IndexSummary> {
    const summary = await this.exclusively(() => {
      this.modelId = this.activeModel();
      return this.changesPass(files, removed, options);
    });
    return this.followUp(summary, options);
  }

  private async indexPass(roots: string[], options: IndexOptions): Promise<IndexSummary> {
    const started = Date.now();
    const summary = emptySummary();
    const stamps = await this.store.fileStamps();
    const problems = await this.store.problemMap();

    // 1. Scan: only stat calls. Unchanged photos and known-bad unchanged files are skipped here.
    const seen = new Set<string>();
    const work: ScannedFile[] = [];
    for await (const file of scanFolders(roots, { extensions: this.extensions, ...(options.onWarning ? { onWarning: options.onWarning } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
      summary.scanned++;
      seen.add(file.path);
      if (summary.scanned % 2000 === 0) options.onProgress?.({ phase: 'scanning', total: summary.scanned, done: 0, failed: 0, skipped: 0, rate: 0, etaSeconds: null });
      const stamp = stamps.get(file.path);
      if (stamp && stamp.size === file.size && stamp.mtimeMs === file.mtimeMs && stamp.modelId === this.modelId) {
        summary.unchanged++;
        continue;
      }
      const problem = problems.get(file.path);
      if (problem?.permanent && problem.size === file.size && problem.mtimeMs === file.mtimeMs) {
        summary.failed++;
        continue;
      }
      work.push(file);
    }
    // Photos gone from a root that is still there are removed; a root that is offline keeps its photos.
    const gone = [...stamps.keys()].filter((p) => !seen.has(p) && roots.some((root) => isInside(p, root)));
    await this.apply(work, gone, summary, stamps, options);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  private async changesPass(files: ScannedFile[], removed: string[], options: IndexOptions): Promise<IndexSummary> {
    const started = Date.now();
    const summary = emptySummary();
    summary.scanned = files.length;
    const stamps = await this.store.fileStamps();
    const work = files.filter((file) => {
      const stamp = stamps.get(file.path);
      const unchanged = stamp && stamp.size === file.size && stamp.mtimeMs === file.mtimeMs && stamp.modelId === this.modelId;
      if (unchanged) summary.unchanged++;
      return !unchanged;
    });
    await this.apply(work, removed.filter((p) => stamps.has(p)), summary, stamps, options);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  private async apply(work: ScannedFile[], gone: string[], summary: IndexSummary, stamps: Map<string, FileStamp>, options: IndexOptions): Promise<void> {
    const batchSize = options.batchSize ?? 16;
    const flushEvery = options.flushEvery ?? 128;
    const byHash = new Map<string, FileStamp>();
    for (const stamp of stamps.values()) if (stamp.modelId === this.modelId) byHash.set(stamp.contentHash, stamp);
    await this.writePending(work.length);

    // Fingerprint, reuse known content, embed the rest in batches; flush rows in large commits.
    const meter = new ProgressMeter();
    let done = 0;
    const emit = (phase: IndexProgress['phase']) =>
      options.onProgress?.({ phase, total: work.length, done, failed: summary.failed, skipped: summary.unchanged, rate: meter.rate(), etaSeconds: meter.eta(work.length - done) });
    let buffer: StoredPhoto[] = [];
    let lastFlush = Date.now();
    // Commit every `flushEvery` rows or every 2 s, whichever comes first: few commits, little lost on a kill.
    const due = () => buffer.length >= flushEvery || (buffer.length > 0 && Date.now() - lastFlush > 2000);
    const flush = async () => {
      const rows = buffer;
      buffer = [];
      lastFlush = Date.now();
      await this.store.upsertPhotos(rows);
      await this.writePending(work.length - done);
    };
    const advance = (count: number) => {
      done += count;
      meter.record(done);
      emit('indexing');
    };
    meter.record(0);
    emit('indexing');

    let batch: Array<IndexItem & { file: ScannedFile }> = [];
    const inFlight = new Set<Promise<void>>();
    // Copies of a photo that is already on its way to the model wait for its result instead of
    // being embedded twice (e.g. IMG_1.jpg and IMG_1 copy.jpg in one run).
    const followers = new Map<string, ScannedFile[]>();
    const keptCaptions = new Map<string, Photo>();
    const runBatch = async (items: Array<IndexItem & { file: ScannedFile }>) => {
      const embedder = await this.embedder();
      const results = await embedder.indexPhotos(items.map(({ path: p, contentHash }) => ({ path: p, contentHash })));
      summary.modelWork += items.length;
      const failures: Parameters<PhotoStoreRepository['recordProblems']>[0] = [];
      for (const [i, result] of results.entries()) {
        const item = items[i]!;
        const copies = followers.get(item.contentHash) ?? [];
        followers.delete(item.contentHash);
        if (result.ok) {
          const fresh = this.toStoredPhoto(item.file, item.contentHash, result);
          const kept = keptCaptions.get(item.path);
          const stored = kept ? { ...fresh, caption: kept.caption, captionModel: kept.captionModel, captionAt: kept.captionAt, captionEdited: kept.captionEdited } : fresh;
          buffer.push(stored);
          for (const copy of copies) buffer.push({ ...stored, ...this.location(copy), size: copy.size, mtimeMs: copy.mtimeMs });
          byHash.set(item.contentHash, { path: item.path, size: item.file.size, mtimeMs: item.file.mtimeMs, contentHash: item.contentHash, modelId: this.modelId });
          summary.indexed++;
          summary.reused += copies.length;
        } else {
          for (const file of [item.file, ...copies]) failures.push({ path: file.path, kind: result.kind, reason: result.reason.replace(item.path, file.path), permanent: result.permanent, size: file.size, mtimeMs: file.mtimeMs });
          summary.failed += 1 + copies.length;
        }
        advance(1 + copies.length);
      }
      await this.store.recordProblems(failures);
      if (due()) await flush();
    };
    const launch = async (items: Array<IndexItem & { file: ScannedFile }>) => {
      // Backpressure: at most two batches in flight, so decoding of one overlaps inference of the other.
      while (inFlight.size >= 2) await Promise.race(inFlight);
      const promise = runBatch(items).finally(() => inFlight.delete(promise));
      // Observed here so a failing batch never becomes an unhandled rejection; Promise.all/race below rethrow it.
      promise.catch(() => {});
      inFlight.add(promise);
    };

    for (const file of work) {
      options.signal?.throwIfAborted();
      let contentHash: string;
      try {
        contentHash = await contentFingerprint(file.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const vanished = code === 'ENOENT';
        await this.store.recordProblems([{ path: file.path, kind: vanished ? 'changed-while-reading' : 'unreadable', reason: vanished ? `${file.path} disappeared while it was being indexed.` : `${file.path} could not be read (${code ?? (error as Error).message}); check its permissions.`, permanent: !vanished, size: file.size, mtimeMs: file.mtimeMs }]);
        summary.failed++;
        advance(1);
        continue;
      }
      const pending = followers.get(contentHash);
      if (pending) {
        pending.push(file);
        continue;
      }
      const known = byHash.get(contentHash);
      const reused = known ? await this.store.getPhotoWithVector(known.path) : null;
      if (reused) {
        buffer.push({ ...reused, ...this.location(file), contentHash, size: file.size, mtimeMs: file.mtimeMs, indexedAt: new Date().toISOString() });
        summary.reused++;
        advance(1);
        if (due()) await flush();
        continue;
      }
      followers.set(contentHash, []);
      // Edited in another app (same path, new bytes): a caption the user wrote survives the re-embedding.
      const previous = stamps.has(file.path) ? await this.store.getPhoto(file.path) : null;
      // Same bytes re-embedded (the search model changed): its caption, written by anyone, still holds.
      if (previous && (previous.captionEdited || previous.contentHash === contentHash)) keptCaptions.set(file.path, previous);
      batch.push({ path: file.path, contentHash, file });
      if (batch.length >= batchSize) {
        await launch(batch);
        batch = [];
      }
    }
    if (batch.length) await launch(batch);
    await Promise.all(inFlight);
    await flush();

    // Rows of moved photos were written above, before their old paths are dropped here.
    await this.store.deletePhotos(gone);
    await this.store.clearProblems(gone);
    summary.removed = gone.length;
    await this.writePending(0);
    if (summary.indexed + summary.reused + summary.removed > 0) {
      await this.store.compact();
      await this.store.ensureVectorIndex();
      await this.store.ensureTextIndex();
    }
    emit('done');
  }

  /** Runs the follow-up of a pass that added photos, outside the lock (captioning may take long). */
  private async followUp(summary: IndexSummary, options: IndexOptions): Promise<IndexSummary> {
    if (summary.indexed > 0) {
      // Indexing succeeded whatever happens here: a failed follow-up (no captioner yet) is a warning.
      await this.afterNewPhotos().catch((error: unknown) => options.onWarning?.({ path: '', reason: `Automatic captioning did not run: ${(error as Error).message}` }));
    }
    return summary;
  }

  private location(file: ScannedFile) {
    return { path: file.path, root: file.root, folder: path.dirname(file.path), fileName: path.basename(file.path) };
  }

  private toStoredPhoto(file: ScannedFile, contentHash: string, result: Extract<IndexItemResult, { ok: true }>): StoredPhoto {
    const m = result.metadata;
    const photo: Photo = {
      ...this.location(file),
      contentHash,
      size: file.size,
      mtimeMs: file.mtimeMs,
      format: result.format,
      width: result.width,
      height: result.height,
      takenAt: m.takenAt ?? null,
      gps: m.gps ?? null,
      cameraMake: m.camera?.make ?? null,
      cameraModel: m.camera?.model ?? null,
      description: m.description ?? null,
      keywords: m.keywords ?? [],
      caption: null,
      captionModel: null,
      captionAt: null,
      captionEdited: false,
      modelId: this.modelId,
      indexedAt: new Date().toISOString(),
    };
    return { ...photo, vector: result.vector };
  }
}

function emptySummary(): IndexSummary {
  return { scanned: 0, unchanged: 0, indexed: 0, reused: 0, failed: 0, removed: 0, modelWork: 0, seconds: 0 };
}

export function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
