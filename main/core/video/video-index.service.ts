// The moments stage of an index pass: finds the videos in the roots, samples and embeds new or changed ones, lists them beside the photos.
import path from 'node:path';
import type { IndexProgress } from '../../../common/photo.types.ts';
import { contentFingerprint } from '../indexer/content-fingerprint.ts';
import type { IndexOptions, IndexSummary } from '../indexer/index.service.ts';
import { isInside } from '../shared/path-inside.ts';
import { scanFolders, type ScannedFile } from '../indexer/folder-scanner.ts';
import type { PhotoStoreRepository, StoredPhoto } from '../storage/photo-store.repository.ts';
import { hasVideoExtension, VIDEO_EXTENSIONS } from './video-format.ts';
import type { VideoMomentsService } from './video-moments.service.ts';
import { folderNames, pairedStillName } from './motion-photo.ts';

// [Note: videos in the index pass]
// Videos go through their own stage, `moments`, at the end of each index pass (inside its lock): a
// video is one library row (path, size, time, content hash, upright size, date and place from the
// container, the mean of its moments as its vector, the active search model as modelId) plus its
// moments (storage/moments.repository.ts). The moments are committed first, in one commit, and the row
// after them, so the row is the video's "done" state: a kill -9 during sampling, or between the two
// commits, leaves no row and the next pass samples the video again (both writes are idempotent). A row
// from another search model is pending again (its moments are re-sampled with the new model). A copy
// or a moved video whose content already has moments for the model reuses them. A video that cannot be
// read goes to problems with its reason, like a photo, and the rest indexes. A live photo's paired video is
// not an item ([Note: live and motion photos]).

export class VideoIndexService {
  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly videos: VideoMomentsService,
    /** The search model whose vectors the library holds now. */
    private readonly activeModel: () => string,
    /** Whether the search model can run (videos wait for it: their rows carry its vectors). */
    private readonly canEmbed: () => Promise<boolean>,
    /** Files a person removed from the library (see [Note: removing a photo from the library]). */
    private readonly removedPaths: () => Promise<ReadonlySet<string>> = () => Promise.resolve(new Set()),
  ) {}

  /** Runs the moments stage over `roots`, adding its counts to the pass's summary. */
  async pass(roots: string[], summary: IndexSummary, options: IndexOptions = {}): Promise<void> {
    const modelId = this.activeModel();
    const stamps = new Map([...(await this.store.fileStamps()).entries()].filter(([p]) => hasVideoExtension(p)));
    const problems = await this.store.problemMap();
    const removed = await this.removedPaths();
    const seen = new Set<string>();
    const work: ScannedFile[] = [];
    const folders = new Map<string, Promise<string[]>>();
    for await (const file of scanFolders(roots, { extensions: VIDEO_EXTENSIONS, ...(options.signal ? { signal: options.signal } : {}) })) {
      if (removed.has(file.path)) continue;
      // A live photo's motion (IMG_1234.MOV beside IMG_1234.HEIC) belongs to its still: not an item of its own.
      const dir = path.dirname(file.path);
      if (!folders.has(dir)) folders.set(dir, folderNames(dir));
      if (pairedStillName(file.path, await folders.get(dir)!)) continue;
      summary.scanned++;
      seen.add(file.path);
      const stamp = stamps.get(file.path);
      if (stamp && stamp.size === file.size && stamp.mtimeMs === file.mtimeMs && stamp.modelId === modelId) {
        summary.unchanged++;
        continue;
      }
      const problem = problems.get(file.path);
      if (!stamp && problem?.permanent && problem.size === file.size && problem.mtimeMs === file.mtimeMs) {
        summary.failed++;
        continue;
      }
      work.push(file);
    }
    const gone = [...stamps.keys()].filter((p) => !seen.has(p) && roots.some((root) => isInside(p, root)));
    if (work.length > 0 && (await this.canEmbed())) await this.sample(work, stamps, modelId, summary, options);
    if (gone.length > 0) {
      await this.store.deletePhotos(gone);
      await this.store.clearProblems(gone);
      summary.removed += gone.length;
      const kept = new Set([...(await this.store.fileStamps()).values()].map((s) => s.contentHash));
      await this.videos.forget([...new Set(gone.map((p) => stamps.get(p)!.contentHash))].filter((hash) => !kept.has(hash)));
    }
  }

  private async sample(work: ScannedFile[], stamps: Map<string, { contentHash: string; modelId: string; path: string }>, modelId: string, summary: IndexSummary, options: IndexOptions): Promise<void> {
    const started = Date.now();
    let done = 0;
    const emit = (phase: IndexProgress['phase']): void => {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      options.onProgress?.({ phase, stage: 'moments', total: work.length, done, failed: 0, skipped: 0, rate, etaSeconds: rate > 0 ? (work.length - done) / rate : null });
    };
    emit('indexing');
    for (const file of work) {
      options.signal?.throwIfAborted();
      const location = { path: file.path, root: file.root, folder: path.dirname(file.path), fileName: path.basename(file.path) };
      let contentHash: string;
      try {
        contentHash = await contentFingerprint(file.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        await this.store.recordProblems([{ path: file.path, kind: 'unreadable', reason: `${file.path} could not be read (${code}).`, permanent: false, size: file.size, mtimeMs: file.mtimeMs }]);
        summary.failed++;
        done++;
        continue;
      }
      // A copy (or the moved original) of a video whose moments this model already has: reuse its row.
      const twin = [...stamps.values()].find((s) => s.contentHash === contentHash && s.modelId === modelId && s.path !== file.path);
      const reused = twin && !(await this.videos.needsMoments(contentHash)) ? await this.store.getPhotoWithVector(twin.path) : null;
      if (reused) {
        await this.store.upsertPhotos([{ ...reused, ...location, size: file.size, mtimeMs: file.mtimeMs, indexedAt: new Date().toISOString() }]);
        await this.store.clearProblems([file.path]);
        summary.reused++;
      } else {
        const result = await this.videos.process({ path: file.path, contentHash });
        summary.modelWork++;
        if (result.ok) {
          const row: StoredPhoto = {
            ...location, contentHash, size: file.size, mtimeMs: file.mtimeMs, format: result.format, width: result.width, height: result.height,
            takenAt: result.takenAt, gps: result.gps, cameraMake: null, cameraModel: null, description: null, keywords: [], caption: null,
            captionModel: null, captionAt: null, captionEdited: false, modelId, indexedAt: new Date().toISOString(), vector: result.vector,
          };
          await this.store.upsertPhotos([row]);
          await this.store.clearProblems([file.path]);
          summary.indexed++;
        } else {
          await this.store.recordProblems([{ path: file.path, kind: result.kind, reason: result.reason, permanent: result.permanent, size: file.size, mtimeMs: file.mtimeMs }]);
          summary.failed++;
        }
      }
      done++;
      emit('indexing');
    }
    emit('done');
  }
}
