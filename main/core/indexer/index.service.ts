// Indexes photo folders: scan → compare with the store → fingerprint → reuse or process → store, then
// catches up the stages still pending (see [Note: the stage pipeline] in stages/stage-pipeline.ts).
// [Note: idempotent, resumable indexing]
// The store is the only record of what is done: a photo counts as indexed once its row (keyed by path,
// with size, mtime and model id) is committed. A kill at any moment therefore loses at most the rows
// not yet flushed, which the next run redoes; merge-inserts by path make a redo harmless. A photo whose
// bytes are already known (moved, renamed, copied) reuses the stored vector and caption: no model work.
//
// [Note: sidecar metadata belongs to the path]
// What a photo's file and its own XMP sidecar say (date, place, camera, description, keywords; the
// sidecar wins field by field) belongs to that path, not to its content. A copy (same bytes, another
// path) reuses the content's work — vector, the model's caption, text, faces — but its metadata is read
// from its own file and sidecar whenever either copy has a sidecar. Which sidecar each photo's metadata
// came from, with its size and time, is recorded (storage/sidecar-stamps.repository.ts); a sidecar that
// appears, changes or goes away makes the next pass (index or watch) read that photo's metadata again,
// without fingerprinting, decoding or embedding it. Metadata is read in the core: the sidecar is small
// XML and the photo's own blocks are parsed, never decoded. Precedence: a caption written in the app
// (`captionEdited`) is a field of its own that nothing read from a file replaces; the file's and the
// sidecar's words go to `description` and `keywords`, shown beside it (and searched with it). A
// caption the app writes into the sidecar (writeXmp) comes back as that photo's description on the
// next pass, the same words. The app edits nothing else a sidecar holds, so there is no other conflict.
import path from 'node:path';
import type { IndexProgress, Photo } from '../../../common/photo.types.ts';
import type { AnalysisName, IndexItemResult, IndexWork, PhotoIndexItem } from '../model-process/model-process.protocol.ts';
import type { FileStamp, PhotoStoreRepository, StoredPhoto } from '../storage/photo-store.repository.ts';
import type { LedgerEntry, StageLedgerRepository } from '../storage/stage-ledger.repository.ts';
import { ANALYSIS_ATTEMPTS, type AnalysisStage } from '../stages/stage-pipeline.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { scanFolders, type ScannedFile, type ScanWarning } from './folder-scanner.ts';
import { ProgressMeter } from '../shared/progress-meter.ts';
import { SerialWork } from '../serial-work.ts';
import { describeFile, toPhotoProblem } from '../media/photo-problem.ts';
import { readPhotoMetadata, type PhotoMetadata } from '../media/photo-metadata.reader.ts';
import { currentSidecar, sameSidecar, type SidecarStamp } from '../media/sidecar-stamp.ts';
import type { FileMetadataFields } from '../storage/photo-store.repository.ts';
import { isInside } from '../shared/path-inside.ts';

/** The model process as the index pass sees it. */
export interface PhotoEmbedder {
  /** False when the search model is not installed: photos are still listed (files, metadata, thumbnail). */
  readonly canEmbed: boolean;
  indexPhotos(items: PhotoIndexItem[], work?: IndexWork): Promise<IndexItemResult[]>;
}

/** The analysis stages of the library and the ledger that records their state. */
export interface AnalysisStages {
  stages: () => AnalysisStage[];
  ledger: StageLedgerRepository;
}

/** A stage that can run in this pass, with the model key its results get. */
interface ReadyStage {
  stage: AnalysisStage;
  modelKey: string;
}

export interface IndexOptions {
  onProgress?: (progress: IndexProgress) => void;
  onWarning?: (warning: ScanWarning) => void;
  signal?: AbortSignal;
  batchSize?: number;
  /** Rows buffered before one LanceDB commit (fewer commits, fewer fragments). */
  flushEvery?: number;
  /** After each commit of photo rows (awaited): the rows are listed now, so front ends can recount. */
  onCommitted?: (rows: number) => Promise<void> | void;
}

export interface IndexSummary {
  scanned: number;
  unchanged: number;
  indexed: number;
  reused: number;
  /** Photos whose sidecar appeared, changed or went away: their metadata was read again (no model work). */
  metadataRead: number;
  failed: number;
  removed: number;
  /** Photos sent to the model process (new, changed, or catching up a stage). */
  modelWork: number;
  /** Photos stored earlier that got their vector in this pass (the embed stage catching up). */
  embedded: number;
  /** Photo contents whose analysis stage ran in this pass, by stage. */
  analysed: Partial<Record<AnalysisName, number>>;
  /** Why photos were listed without being embedded (the search model is not installed), or null. */
  searchModelMissing: string | null;
  seconds: number;
}

/** A pass commits its rows (and their analyses) every FLUSH_EVERY_ROWS rows or FLUSH_AFTER_MS, whichever comes first. */
const FLUSH_EVERY_ROWS = 128;
const FLUSH_AFTER_MS = 2000;

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
    private readonly analysis: AnalysisStages | null = null,
    /** Why the search model cannot run (not installed), asked when the model process cannot embed. */
    private readonly searchModelProblem: () => string | null = () => null,
    /** Wraps every pass: the library lock across processes ([Note: one writer per library]). */
    private readonly aroundPass: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
    /** The videos' stage, run at the end of a full pass (see [Note: videos in the index pass]). */
    private readonly videoPass: ((roots: string[], summary: IndexSummary, options: IndexOptions) => Promise<void>) | null = null,
    /** Files a person removed from the library: never indexed again (see [Note: removing a photo from the library]). */
    private readonly removedPaths: () => Promise<ReadonlySet<string>> = () => Promise.resolve(new Set()),
  ) {}

  /** Runs `work` while no index pass runs, in this process or another (and starts none until it is done). */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return this.passes.run(() => this.aroundPass(work));
  }

  /** Full pass over the roots: scan, then index what is new or changed and drop what is gone. */
  async index(roots: string[], options: IndexOptions = {}): Promise<IndexSummary> {
    const summary = await this.exclusively(async () => {
      this.modelId = this.activeModel();
      const summary = await this.indexPass(roots, options);
      if (this.videoPass) {
        const started = Date.now();
        await this.videoPass(roots, summary, options);
        summary.seconds += (Date.now() - started) / 1000;
      }
      return summary;
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
    const sidecars = await this.store.sidecarStamps();
    const problems = await this.store.problemMap();
    const removed = await this.removedPaths();
    const reread: ScannedFile[] = [];

    // 1. Scan: only stat calls. Unchanged photos and known-bad unchanged files are skipped here.
    const seen = new Set<string>();
    const work: ScannedFile[] = [];
    // What the scan could not open (an unreadable folder, a name that is not UTF-8) goes to problems too.
    const warnings: ScanWarning[] = [];
    const onWarning = (warning: ScanWarning) => {
      warnings.push(warning);
      options.onWarning?.(warning);
    };
    for await (const file of scanFolders(roots, { extensions: this.extensions, onWarning, ...(options.signal ? { signal: options.signal } : {}) })) {
      if (removed.has(file.path)) continue;
      summary.scanned++;
      seen.add(file.path);
      if (summary.scanned % 2000 === 0) options.onProgress?.({ phase: 'scanning', total: summary.scanned, done: 0, failed: 0, skipped: 0, rate: 0, etaSeconds: null });
      const stamp = stamps.get(file.path);
      // Unchanged files keep their row; a stage of theirs that is pending (no vector yet, an analysis by
      // an older model) is caught up below without touching the rest of the row.
      if (stamp && stamp.size === file.size && stamp.mtimeMs === file.mtimeMs) {
        if (sidecarChanged(file, sidecars)) reread.push(file);
        else summary.unchanged++;
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
    // Only rows of this pass's kinds of file: videos (another stage) are never "gone" because it skips them.
    const gone = [...stamps.keys()].filter((p) => !seen.has(p) && this.extensions.has(path.extname(p).toLowerCase()) && roots.some((root) => isInside(p, root)));
    await this.store.recordProblems(warnings.map((w) => ({ path: w.path, kind: 'unreadable' as const, reason: w.reason, permanent: false, size: 0, mtimeMs: 0 })));
    summary.failed += warnings.length;
    // Problems of files and folders no longer there (or no longer warned about) are cleared.
    const warned = new Set(warnings.map((w) => w.path));
    const solved = [...problems.keys()].filter((p) => !seen.has(p) && !warned.has(p) && !stamps.has(p) && roots.some((root) => isInside(p, root) || p === root));
    await this.store.clearProblems(solved);
    await this.rereadMetadata(reread, sidecars, summary);
    await this.apply(work, gone, summary, stamps, sidecars, options);
    await this.catchUp((p) => seen.has(p), summary, options);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  private async changesPass(files: ScannedFile[], removed: string[], options: IndexOptions): Promise<IndexSummary> {
    const started = Date.now();
    const summary = emptySummary();
    summary.scanned = files.length;
    const stamps = await this.store.fileStamps();
    const removedPaths = await this.removedPaths();
    const sidecars = await this.store.sidecarStamps();
    const reread: ScannedFile[] = [];
    const work: ScannedFile[] = [];
    for (const scanned of files) {
      if (removedPaths.has(scanned.path)) continue;
      const file = scanned.sidecar === undefined ? { ...scanned, sidecar: await currentSidecar(scanned.path) } : scanned;
      const stamp = stamps.get(file.path);
      const unchanged = stamp && stamp.size === file.size && stamp.mtimeMs === file.mtimeMs && stamp.modelId === this.modelId;
      if (!unchanged) work.push(file);
      else if (sidecarChanged(file, sidecars)) reread.push(file);
      else summary.unchanged++;
    }
    await this.rereadMetadata(reread, sidecars, summary);
    await this.apply(work, removed.filter((p) => stamps.has(p)), summary, stamps, sidecars, options);
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  /** Reads the metadata of photos whose sidecar appeared, changed or went away; nothing else of theirs changes. */
  private async rereadMetadata(files: ScannedFile[], sidecars: Map<string, SidecarStamp>, summary: IndexSummary): Promise<void> {
    for (let start = 0; start < files.length; start += 128) {
      const chunk = files.slice(start, start + 128);
      const updates = await Promise.all(chunk.map(async (file) => ({ path: file.path, metadata: await fileMetadata(file.path) })));
      summary.metadataRead += await this.store.updateFileMetadata(updates);
      await this.recordSidecars(chunk, sidecars);
    }
  }

  /** Records which sidecar each photo's stored metadata came from (forgetting only stamps that exist). */
  private async recordSidecars(files: ScannedFile[], sidecars: Map<string, SidecarStamp>): Promise<void> {
    const entries = files.filter((f) => f.sidecar !== undefined && (f.sidecar || sidecars.has(f.path))).map((f) => ({ path: f.path, sidecar: f.sidecar ?? null }));
    await this.store.recordSidecars(entries);
    for (const { path: p, sidecar } of entries) {
      if (sidecar) sidecars.set(p, sidecar);
      else sidecars.delete(p);
    }
  }

  private async apply(work: ScannedFile[], gone: string[], summary: IndexSummary, stamps: Map<string, FileStamp>, sidecars: Map<string, SidecarStamp>, options: IndexOptions): Promise<void> {
    const batchSize = options.batchSize ?? 16;
    const flushEvery = options.flushEvery ?? FLUSH_EVERY_ROWS;
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
    // The first rows are committed at once, so a new folder's first photos show within seconds.
    // The analyses' outputs (text lines, faces) and ledger entries go with the rows, in the same commits:
    // one commit per table per flush, not per model batch (see [Note: compaction during long passes]).
    let analysed: Array<{ contentHash: string; paths: string[]; result: IndexItemResult }> = [];
    let committed = false;
    const due = () => buffer.length >= flushEvery || (buffer.length + analysed.length > 0 && (!committed || Date.now() - lastFlush > FLUSH_AFTER_MS));
    const byPath = new Map(work.map((file) => [file.path, file]));
    const flush = async () => {
      const rows = buffer;
      const outputs = analysed;
      buffer = [];
      analysed = [];
      lastFlush = Date.now();
      if (rows.length) committed = true;
      await this.store.upsertPhotos(rows);
      // The rows these outputs belong to are committed first, so no output ever points at a missing photo.
      await this.saveAnalyses(ready, outputs, summary);
      // After the rows: a kill in between only makes the next pass read these sidecars again.
      await this.recordSidecars(rows.flatMap((row) => byPath.get(row.path) ?? []), sidecars);
      await this.writePending(work.length - done);
      if (rows.length) await options.onCommitted?.(rows.length);
    };
    const advance = (count: number) => {
      done += count;
      meter.record(done);
      emit('indexing');
    };
    meter.record(0);
    emit('indexing');

    const embedder = work.length ? await this.embedder() : null;
    if (embedder && !embedder.canEmbed) summary.searchModelMissing = this.searchModelProblem();
    const ready = work.length ? await this.readyStages() : [];
    const indexWork: IndexWork = { embed: embedder?.canEmbed ?? false, analyses: ready.map((r) => r.stage.name) };
    let batch: Array<PhotoIndexItem & { file: ScannedFile }> = [];
    const inFlight = new Set<Promise<void>>();
    // Copies of a photo that is already on its way to the model wait for its result instead of
    // being embedded twice (e.g. IMG_1.jpg and IMG_1 copy.jpg in one run).
    const followers = new Map<string, ScannedFile[]>();
    // Rows being replaced (same path, new bytes), whose caption may survive (decided once the hash is known).
    const previousRows = new Map<string, Photo>();
    // Only a file whose size matches a stored photo's or another new file's can be a copy of known
    // content: the core hashes those (to reuse or share work); every other file is hashed by the model
    // process from the bytes it decodes (see [Note: indexing at the model's pace]).
    const sizeCounts = new Map<number, number>();
    for (const file of work) sizeCounts.set(file.size, (sizeCounts.get(file.size) ?? 0) + 1);
    const storedSizes = new Set([...stamps.values()].map((stamp) => stamp.size));
    const mayBeCopy = (file: ScannedFile) => storedSizes.has(file.size) || (sizeCounts.get(file.size) ?? 0) > 1;
    const runBatch = async (items: Array<PhotoIndexItem & { file: ScannedFile }>) => {
      const results = await embedder!.indexPhotos(items.map(({ path: p, contentHash }) => (contentHash ? { path: p, contentHash } : { path: p })), indexWork);
      summary.modelWork += items.length;
      const failures: Parameters<PhotoStoreRepository['recordProblems']>[0] = [];
      for (const [i, result] of results.entries()) {
        const item = items[i]!;
        const copies = item.contentHash ? (followers.get(item.contentHash) ?? []) : [];
        if (item.contentHash) followers.delete(item.contentHash);
        if (result.ok) {
          const contentHash = result.contentHash;
          analysed.push({ contentHash, paths: [item.path, ...copies.map((c) => c.path)], result });
          const fresh = this.toStoredPhoto(item.file, contentHash, result);
          // Edited in another app (same path, new bytes): a caption the user wrote survives the re-embedding.
          // Same bytes re-embedded (the search model changed): its caption, written by anyone, still holds.
          const previous = previousRows.get(item.path);
          previousRows.delete(item.path);
          const kept = previous && (previous.captionEdited || previous.contentHash === contentHash) ? previous : undefined;
          const stored = kept ? { ...fresh, caption: kept.caption, captionModel: kept.captionModel, captionAt: kept.captionAt, captionEdited: kept.captionEdited } : fresh;
          buffer.push(stored);
          // A copy's metadata is its own when either has a sidecar ([Note: sidecar metadata belongs to the path]).
          for (const copy of copies) buffer.push({ ...stored, ...this.location(copy), size: copy.size, mtimeMs: copy.mtimeMs, ...(item.file.sidecar || copy.sidecar ? await fileMetadata(copy.path) : {}) });
          if (result.vector) byHash.set(contentHash, { path: item.path, size: item.file.size, mtimeMs: item.file.mtimeMs, contentHash, modelId: this.modelId });
          summary.indexed++;
          summary.reused += copies.length;
        } else {
          for (const file of [item.file, ...copies]) failures.push({ path: file.path, kind: result.kind, reason: reasonFor(result.reason, item.path, file.path), permanent: result.permanent, size: file.size, mtimeMs: file.mtimeMs });
          summary.failed += 1 + copies.length;
        }
        advance(1 + copies.length);
      }
      await this.store.recordProblems(failures);
      // Rows first, then the analyses' outputs and ledger entries (see [Note: the stage pipeline]).
      if (due()) await flush();
    };
    // The first batches are small (2, 4, 8, … up to batchSize): a new folder's first photos come back from
    // the model process in seconds, not after a whole batch of 12 MP photos is decoded.
    let batchLimit = Math.min(2, batchSize);
    const launch = async (items: Array<PhotoIndexItem & { file: ScannedFile }>) => {
      batchLimit = Math.min(batchSize, batchLimit * 2);
      // Backpressure: a few batches in flight, so the model process decodes the next photos while its
      // model embeds these (see [Note: indexing at the model's pace]); more would only hold memory.
      while (inFlight.size >= MAX_BATCHES_IN_FLIGHT) await Promise.race(inFlight);
      const promise = runBatch(items).finally(() => inFlight.delete(promise));
      // Observed here so a failing batch never becomes an unhandled rejection; Promise.all/race below rethrow it.
      promise.catch(() => {});
      inFlight.add(promise);
    };

    for (const file of work) {
      options.signal?.throwIfAborted();
      if (!mayBeCopy(file)) {
        // New content for sure (no stored or new file of its size): straight to the model process.
        const previous = stamps.has(file.path) ? await this.store.getPhoto(file.path) : null;
        if (previous) previousRows.set(file.path, previous);
        batch.push({ path: file.path, file });
        if (batch.length >= batchLimit) {
          await launch(batch);
          batch = [];
        }
        continue;
      }
      let contentHash: string;
      try {
        contentHash = await contentFingerprint(file.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const vanished = code === 'ENOENT';
        // The same sentence and retry rule as a read in the model process (a permission problem is retried).
        const problem = vanished ? null : toPhotoProblem(error, file.path);
        await this.store.recordProblems([{ path: file.path, kind: problem?.kind ?? 'changed-while-reading', reason: problem?.message ?? `${file.path} disappeared while it was being indexed.`, permanent: problem ? !problem.transient : false, size: file.size, mtimeMs: file.mtimeMs }]);
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
        // The content's work is reused; its metadata is this path's own where either copy has a sidecar.
        const own = file.sidecar || sidecars.has(reused.path) ? await fileMetadata(file.path) : {};
        buffer.push({ ...reused, ...this.location(file), contentHash, size: file.size, mtimeMs: file.mtimeMs, ...own, indexedAt: new Date().toISOString() });
        summary.reused++;
        advance(1);
        if (due()) await flush();
        continue;
      }
      followers.set(contentHash, []);
      const previous = stamps.has(file.path) ? await this.store.getPhoto(file.path) : null;
      if (previous) previousRows.set(file.path, previous);
      batch.push({ path: file.path, contentHash, file });
      if (batch.length >= batchLimit) {
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

  /** The analysis stages whose model is ready in this pass. */
  private async readyStages(): Promise<ReadyStage[]> {
    const ready: ReadyStage[] = [];
    for (const stage of this.analysis?.stages() ?? []) {
      const readiness = await stage.readiness();
      if (readiness.ready) ready.push({ stage, modelKey: readiness.modelKey });
    }
    return ready;
  }

  /** Stores analysis outputs (then their ledger entries) for photos the model process just processed. */
  private async saveAnalyses(ready: ReadyStage[], processed: Array<{ contentHash: string; paths: string[]; result: IndexItemResult }>, summary: IndexSummary): Promise<void> {
    if (!this.analysis || ready.length === 0 || processed.length === 0) return;
    for (const { stage, modelKey } of ready) {
      const outputs: Array<{ contentHash: string; paths: string[]; value: unknown; modelKey: string }> = [];
      const entries: Array<Omit<LedgerEntry, 'attempts'>> = [];
      for (const { contentHash, paths, result } of processed) {
        if (!result.ok) continue;
        const outcome = result.analyses[stage.name];
        if (!outcome) continue;
        if (outcome.ok) {
          outputs.push({ contentHash, paths, value: outcome.value, modelKey });
          entries.push({ stage: stage.name, contentHash, state: 'done', modelKey, reason: '', permanent: false });
        } else {
          entries.push({ stage: stage.name, contentHash, state: 'failed', modelKey, reason: outcome.reason, permanent: false });
        }
      }
      if (outputs.length) await stage.save(outputs);
      await this.analysis.ledger.record(entries);
      summary.analysed[stage.name] = (summary.analysed[stage.name] ?? 0) + outputs.length;
    }
  }

  /**
   * Catches up pending stages of photos already in the library (inside the pass's roots): a vector from
   * the search model (installed since, or switched to), analyses not yet run by the current model. Each
   * photo content is decoded once for all of its pending stages; nothing else in its row is rewritten.
   */
  private async catchUp(inScope: (path: string) => boolean, summary: IndexSummary, options: IndexOptions): Promise<void> {
    const stamps = [...(await this.store.fileStamps()).values()].filter((s) => inScope(s.path));
    if (stamps.length === 0) return;
    const ready = await this.readyStages();
    const ledgers = new Map<AnalysisName, Map<string, LedgerEntry>>();
    for (const { stage } of ready) ledgers.set(stage.name, await this.analysis!.ledger.entries(stage.name));

    // One entry per content: its paths, whether any of them lacks the active vector, the analyses it needs.
    const byContent = new Map<string, { paths: string[]; embed: boolean; analyses: ReadyStage[] }>();
    for (const stamp of stamps) {
      let entry = byContent.get(stamp.contentHash);
      if (!entry) {
        const analyses = ready.filter((r) => analysisPending(ledgers.get(r.stage.name)?.get(stamp.contentHash), r.modelKey));
        entry = { paths: [], embed: false, analyses };
        byContent.set(stamp.contentHash, entry);
      }
      entry.paths.push(stamp.path);
      if (stamp.modelId !== this.modelId) entry.embed = true;
    }
    let todo = [...byContent.entries()].filter(([, e]) => e.embed || e.analyses.length > 0);
    if (todo.length === 0) return; // an unchanged library: no model process is started
    const embedder = await this.embedder();
    if (!embedder.canEmbed) {
      summary.searchModelMissing = this.searchModelProblem();
      for (const [, e] of todo) e.embed = false;
      todo = todo.filter(([, e]) => e.analyses.length > 0);
      if (todo.length === 0) return;
    }

    // Batches share one kind of work, so the model process runs exactly what each photo still needs.
    const groups = new Map<string, typeof todo>();
    for (const item of todo) {
      const key = `${item[1].embed}|${item[1].analyses.map((a) => a.stage.name).join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    const stageNames = [...new Set(todo.flatMap(([, e]) => [...(e.embed ? ['embed'] : []), ...e.analyses.map((a) => a.stage.name)]))];
    const meter = new ProgressMeter();
    let done = 0;
    const emit = (phase: IndexProgress['phase']) =>
      options.onProgress?.({ phase, stage: stageNames.join('+'), total: todo.length, done, failed: 0, skipped: 0, rate: meter.rate(), etaSeconds: meter.eta(todo.length - done) });
    meter.record(0);
    emit('indexing');
    const batchSize = options.batchSize ?? 16;
    const flushEvery = options.flushEvery ?? FLUSH_EVERY_ROWS;
    for (const items of groups.values()) {
      const { embed, analyses } = items[0]![1];
      // Committed every flushEvery photos or FLUSH_AFTER_MS, as a pass commits its rows (see apply()).
      let vectors: Array<{ path: string; vector: Float32Array }> = [];
      let processed: Array<{ contentHash: string; paths: string[]; result: IndexItemResult }> = [];
      let lastFlush = Date.now();
      const flush = async () => {
        summary.embedded += await this.store.setVectors(this.modelId, vectors);
        await this.saveAnalyses(analyses, processed, summary);
        vectors = [];
        processed = [];
        lastFlush = Date.now();
      };
      for (let start = 0; start < items.length; start += batchSize) {
        options.signal?.throwIfAborted();
        const batch = items.slice(start, start + batchSize);
        const results = await embedder.indexPhotos(batch.map(([contentHash, e]) => ({ path: e.paths[0]!, contentHash })), { embed, analyses: analyses.map((a) => a.stage.name) });
        summary.modelWork += batch.length;
        for (const [i, result] of results.entries()) {
          const [contentHash, entry] = batch[i]!;
          if (!result.ok) continue; // the file changed or vanished since it was listed: the next scan sees it
          if (embed && result.vector) for (const p of entry.paths) vectors.push({ path: p, vector: result.vector });
          processed.push({ contentHash, paths: entry.paths, result });
        }
        if (processed.length >= flushEvery || Date.now() - lastFlush > FLUSH_AFTER_MS) await flush();
        done += batch.length;
        meter.record(done);
        emit('indexing');
      }
      await flush();
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
      ...fileMetadataFields(m),
      caption: null,
      captionModel: null,
      captionAt: null,
      captionEdited: false,
      modelId: result.vector ? this.modelId : '',
      indexedAt: new Date().toISOString(),
    };
    return { ...photo, vector: result.vector };
  }
}

/** Index requests in flight to the model process at once (each of `batchSize` photos). */
const MAX_BATCHES_IN_FLIGHT = 3;

function emptySummary(): IndexSummary {
  return { scanned: 0, unchanged: 0, indexed: 0, reused: 0, metadataRead: 0, failed: 0, removed: 0, modelWork: 0, embedded: 0, analysed: {}, searchModelMissing: null, seconds: 0 };
}

/** True when a ledger entry means the stage needs (another) run with this model. */
function analysisPending(entry: LedgerEntry | undefined, modelKey: string): boolean {
  if (!entry || entry.modelKey !== modelKey) return true;
  if (entry.state === 'done') return false;
  return !entry.permanent && entry.attempts < ANALYSIS_ATTEMPTS;
}

/** True when the scan found another sidecar than the one the photo's stored metadata was read from. */
function sidecarChanged(file: ScannedFile, sidecars: Map<string, SidecarStamp>): boolean {
  return file.sidecar !== undefined && !sameSidecar(file.sidecar, sidecars.get(file.path) ?? null);
}

/** What the photo's own file and sidecar say (see [Note: sidecar metadata belongs to the path]). */
async function fileMetadata(photoPath: string): Promise<FileMetadataFields> {
  return fileMetadataFields(await readPhotoMetadata(photoPath));
}

function fileMetadataFields(m: PhotoMetadata): FileMetadataFields {
  return {
    takenAt: m.takenAt ?? null,
    gps: m.gps ?? null,
    cameraMake: m.camera?.make ?? null,
    cameraModel: m.camera?.model ?? null,
    description: m.description ?? null,
    keywords: m.keywords ?? [],
  };
}

/**
 * A problem found in one copy, told of another copy of the same bytes: the sentence names that copy
 * (`"IMG_10.jpg" (in …)`, or its full path), never the first copy's name. Only whole names are replaced,
 * so `IMG_1.jpg` inside `IMG_10.jpg` or `a.jpg.bak` is left alone.
 */
export function reasonFor(reason: string, from: string, to: string): string {
  if (from === to) return reason;
  // A name ends where a space, quote, bracket or punctuation follows (a '.' only at a sentence's end).
  const whole = (text: string) => new RegExp(`${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s"'),;:]|\\.(?:\\s|$))`, 'g');
  return reason.replace(whole(describeFile(from)), () => describeFile(to)).replace(whole(from), () => to);
}
