// Captions photos with the caption model (a folder, a list, the whole library) in resumable batches,
// records user edits, and optionally writes captions to XMP sidecars.
//
// [Note: resumable captioning]
// The store is the only record of progress: a photo counts as captioned once its row says the current
// caption model wrote it. Results are committed in small batches (`batchSize` photos or `flushMs`,
// whichever comes first), so a kill loses at most the batch in memory and the next run skips the rest.
// A `force` run redoes captions written before it started; the cut-off is kept in a small job file
// until the run completes, so a killed forced run resumes instead of starting over.
//
// [Note: user captions win]
// A caption a person wrote (captionEdited, captionModel 'user') is never replaced by a model, not even
// by `force`. Edits and batch commits go through one queue, and each batch re-reads its rows inside
// that queue and drops photos edited meanwhile, so an edit made while an album is being captioned
// survives in this process. (Two processes writing at once could still race in the gap between
// that re-read and the commit; the store has no conditional update.)
import { writeFileAtomic } from '../shared/atomic-write.ts';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Photo } from '../../../common/photo.types.ts';
import { ProgressMeter } from '../shared/progress-meter.ts';
import { SerialWork } from '../serial-work.ts';
import { writeSidecar, type SidecarWriteResult } from '../media/xmp-sidecar.writer.ts';
import { MODELS } from '../models/model-catalog.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { findStoredPath, storedPathCandidates } from '../library/library-paths.ts';

/** The model side of captioning: one photo in, one line of text out. */
export interface PhotoCaptioner {
  caption(photoPath: string): Promise<string>;
}

/** `captionModel` of a caption a person wrote. */
export const USER_CAPTION_MODEL = 'user';
/** Longest caption accepted from a person (characters). */
export const MAX_CAPTION_LENGTH = 2000;

/** Which photos: those under `folders` plus those in `paths`; with neither, the whole library. */
export interface CaptionScope {
  folders?: string[];
  paths?: string[];
}

export interface CaptionRunOptions {
  /** Redo captions the model already wrote (user edits are still kept). */
  force?: boolean;
  /** Write each new caption to the photo's XMP sidecar (see [Note: XMP sidecar naming]). */
  writeXmp?: boolean;
  /** Photos per commit (default 8). */
  batchSize?: number;
  /** Longest time a finished caption waits for its batch to commit (default 3000 ms). */
  flushMs?: number;
  /** Captions requested at once, so decoding one photo overlaps inference on another (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CaptionProgress) => void;
  /** Called for each photo captioned in this run, once its batch is committed. */
  onCaptioned?: (result: CaptionResult) => void;
}

export interface CaptionProgress {
  /** Photos this run has to caption (after skipping current and user captions). */
  total: number;
  done: number;
  failed: number;
  /** Captions per second over the last seconds. */
  rate: number;
  etaSeconds: number | null;
}

export interface CaptionResult {
  path: string;
  caption: string;
  sidecar?: SidecarWriteResult;
}

export interface CaptionSummary {
  /** Photos in the scope. */
  inScope: number;
  captioned: number;
  /** Already captioned by the current model (not redone without `force`). */
  skippedCurrent: number;
  /** Captions a person wrote; never redone. */
  skippedEdited: number;
  failed: number;
  failures: Array<{ path: string; reason: string }>;
  /** Given paths that are not (yet) in the library. */
  notInLibrary: string[];
  sidecarsWritten: number;
  /** Sidecar descriptions left alone because a person wrote them (keywords may still be synced). */
  sidecarDescriptionsKept: number;
  sidecarFailures: Array<{ path: string; reason: string }>;
  /** Why sidecars were asked for but not written (a toy caption model), else null. */
  sidecarsRefused: string | null;
  cancelled: boolean;
  seconds: number;
  /** Captions per second, from the moment the model was ready (model start-up excluded). */
  rate: number;
}

export interface EditCaptionOptions {
  writeXmp?: boolean;
}

/** A caption request that cannot be done (unknown photo, caption too long). */
export class CaptionError extends Error {
  constructor(message: string, readonly code: 'not-in-library' | 'invalid-caption') {
    super(message);
    this.name = 'CaptionError';
  }
}

/** After this many failures in a row with the same message, and no success yet, the run stops. */
const FAIL_FAST_AFTER = 5;

interface JobState {
  scope: string;
  model: string;
  redoBefore: string;
}

export class CaptionService {
  private readonly writes = new SerialWork();
  private readonly jobFile: string;

  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly captioner: () => Promise<PhotoCaptioner>,
    private readonly modelId: string,
    private readonly settings: () => { autoCaption: boolean },
    /** The library folder: a forced run keeps its cut-off there until it completes (see [Note: resumable captioning]). */
    stateDir: string,
  ) {
    this.jobFile = path.join(stateDir, 'caption-job.json');
  }

  /** Captions the photos in `scope` that have no caption from the current model (or all, with `force`). */
  async caption(scope: CaptionScope, options: CaptionRunOptions = {}): Promise<CaptionSummary> {
    const started = Date.now();
    const { photos, notInLibrary } = await this.photosIn(scope);
    const summary: CaptionSummary = {
      inScope: photos.length, captioned: 0, skippedCurrent: 0, skippedEdited: 0, failed: 0, failures: [], notInLibrary,
      sidecarsWritten: 0, sidecarDescriptionsKept: 0, sidecarFailures: [], sidecarsRefused: null, cancelled: false, seconds: 0, rate: 0,
    };
    // Toy captions are guesses about toy scenes: other programs would show them as the photo's description.
    // See [Note: toy models stay with the demo].
    if (options.writeXmp && MODELS[this.modelId]?.demoOnly) {
      summary.sidecarsRefused = `${this.modelId} is a toy demo model; its captions are never written to XMP sidecars (use the real caption model: --models default).`;
      options = { ...options, writeXmp: false };
    }
    const redoBefore = options.force ? await this.startForcedJob(scopeKey(scope)) : undefined;
    const work: Photo[] = [];
    for (const photo of photos) {
      if (photo.captionEdited) summary.skippedEdited++;
      else if (photo.caption && photo.captionModel === this.modelId && !(redoBefore && (photo.captionAt ?? '') <= redoBefore)) summary.skippedCurrent++;
      else work.push(photo);
    }

    // Start the model first, so a model that cannot load fails the run at once, before any progress.
    const captioner = work.length ? await this.captioner() : undefined;
    const modelStarted = Date.now();
    const meter = new ProgressMeter();
    meter.record(0);
    let done = 0;
    const emit = () => options.onProgress?.({ total: work.length, done, failed: summary.failed, rate: meter.rate(), etaSeconds: meter.eta(work.length - done) });
    emit();

    const batchSize = Math.max(1, options.batchSize ?? 8);
    const flushMs = options.flushMs ?? 3000;
    let batch: Array<{ photo: Photo; caption: string }> = [];
    let batchSince = 0;
    let committing: Promise<void> = Promise.resolve();
    let commitError: Error | undefined;
    const flush = () => {
      const items = batch;
      batch = [];
      if (items.length === 0) return committing;
      // One commit at a time, in order; model work continues meanwhile. A failed commit stops the run.
      committing = committing
        .then(() => (commitError === undefined ? this.commit(items, options, summary) : undefined))
        .catch((error: unknown) => void (commitError ??= error instanceof Error ? error : new Error('Saving captions failed.', { cause: error })));
      return committing;
    };
    const timer = setInterval(() => {
      if (batch.length && Date.now() - batchSince >= flushMs) void flush();
    }, Math.max(50, Math.min(1000, flushMs))).unref();

    let succeeded = 0;
    let failStreak: { message: string; count: number } | undefined;
    let stopError: Error | undefined;
    const captionOne = async (photo: Photo) => {
      let text: string | undefined;
      try {
        text = await captionWithRetry(captioner!, photo.path);
      } catch (error) {
        const reason = (error as Error).message ?? String(error);
        summary.failed++;
        summary.failures.push({ path: photo.path, reason });
        if (succeeded === 0) {
          failStreak = failStreak?.message === reason ? { message: reason, count: failStreak.count + 1 } : { message: reason, count: 1 };
          if (failStreak.count >= FAIL_FAST_AFTER) stopError ??= new Error(`Captioning stopped: the caption model failed on the first ${FAIL_FAST_AFTER} photos with "${reason}".`);
        }
      }
      done++;
      meter.record(done);
      emit();
      if (text === undefined) return;
      succeeded++;
      if (batch.length === 0) batchSince = Date.now();
      batch.push({ photo, caption: text });
      if (batch.length >= batchSize) await flush();
    };

    try {
      const concurrency = Math.max(1, options.concurrency ?? 2);
      const inFlight = new Set<Promise<void>>();
      const stop = () => options.signal?.aborted || stopError !== undefined || commitError !== undefined;
      for (const photo of work) {
        if (stop()) break;
        while (inFlight.size >= concurrency) await Promise.race(inFlight);
        if (stop()) break;
        const promise = captionOne(photo).finally(() => inFlight.delete(promise));
        inFlight.add(promise);
      }
      await Promise.all(inFlight);
    } finally {
      clearInterval(timer);
      await flush();
    }
    if (commitError) throw commitError;
    if (stopError) throw stopError;
    summary.cancelled = Boolean(options.signal?.aborted);
    if (redoBefore && !summary.cancelled) await fs.rm(this.jobFile, { force: true });
    if (summary.captioned > 0) await this.store.compact();
    summary.seconds = (Date.now() - started) / 1000;
    const modelSeconds = (Date.now() - modelStarted) / 1000;
    summary.rate = modelSeconds > 0 ? summary.captioned / modelSeconds : 0;
    return summary;
  }

  /**
   * Captions photos that were just indexed, when the library's `autoCaption` setting is on; with no
   * paths, every photo still lacking a caption from the current model. A no-op when the setting is off.
   */
  async captionNew(paths?: string[], options: Omit<CaptionRunOptions, 'force'> = {}): Promise<CaptionSummary | null> {
    if (!this.settings().autoCaption) return null;
    return this.caption(paths ? { paths } : {}, options);
  }

  /**
   * Sets a caption a person wrote; models never replace it. An empty text removes the user's caption,
   * so the model may caption the photo again.
   */
  async editCaption(photoPath: string, text: string, options: EditCaptionOptions = {}): Promise<Photo & { sidecar?: SidecarWriteResult; sidecarError?: string }> {
    const caption = text.replace(/\r\n?/g, '\n').trim();
    if (caption.length > MAX_CAPTION_LENGTH) throw new CaptionError(`A caption can be at most ${MAX_CAPTION_LENGTH} characters long (this one has ${caption.length}).`, 'invalid-caption');
    // See [Note: symlinked folders]: the path as typed, or with its links resolved.
    const resolved = (await findStoredPath(photoPath, async (p) => (await this.store.getPhoto(p)) !== null)) ?? (await resolvePath(photoPath));
    return this.writes.run(async () => {
      if (!(await this.store.getPhoto(resolved))) throw new CaptionError(`${photoPath} is not in the library; index its folder first (\`photobind index FOLDER\`).`, 'not-in-library');
      await this.store.updateCaptions([{ path: resolved, caption: caption || null, captionModel: caption ? USER_CAPTION_MODEL : null, captionEdited: Boolean(caption) }]);
      const after = (await this.store.getPhoto(resolved))!;
      if (!options.writeXmp || !caption) return after;
      // The person asked for it: their caption replaces whatever description the sidecar had.
      try {
        return { ...after, sidecar: await writeSidecar(resolved, { description: caption, keywords: after.keywords, keywordsMode: 'merge' }) };
      } catch (error) {
        return { ...after, sidecarError: (error as Error).message }; // the caption itself is saved
      }
    });
  }

  /**
   * Saves captions a model wrote outside a caption run (while answering a library question), through the
   * same write queue as caption runs and user edits: a caption a person wrote meanwhile wins, never XMP.
   * Returns how many were saved.
   */
  async saveModelCaptions(items: Array<{ photo: Photo; caption: string }>): Promise<number> {
    const summary: CaptionSummary = {
      inScope: items.length, captioned: 0, skippedCurrent: 0, skippedEdited: 0, failed: 0, failures: [], notInLibrary: [],
      sidecarsWritten: 0, sidecarDescriptionsKept: 0, sidecarFailures: [], sidecarsRefused: null, cancelled: false, seconds: 0, rate: 0,
    };
    if (items.length) await this.commit(items, {}, summary);
    return summary.captioned;
  }

  /** Commits one batch, dropping photos a person captioned meanwhile; then writes sidecars if asked. */
  private async commit(items: Array<{ photo: Photo; caption: string }>, options: CaptionRunOptions, summary: CaptionSummary): Promise<void> {
    const committed = await this.writes.run(async () => {
      const current = await this.store.listPhotos({ paths: items.map((i) => i.photo.path) });
      const editable = new Set(current.filter((p) => !p.captionEdited).map((p) => p.path));
      const keep = items.filter((i) => editable.has(i.photo.path));
      await this.store.updateCaptions(keep.map((i) => ({ path: i.photo.path, caption: i.caption, captionModel: this.modelId, captionEdited: false })));
      summary.skippedEdited += items.length - keep.length;
      return keep;
    });
    for (const { photo, caption } of committed) {
      summary.captioned++;
      const result: CaptionResult = { path: photo.path, caption };
      if (options.writeXmp) {
        try {
          result.sidecar = await writeSidecar(photo.path, sidecarFields(photo, caption));
          if (result.sidecar.changed) summary.sidecarsWritten++;
          if (!result.sidecar.descriptionWritten) summary.sidecarDescriptionsKept++;
        } catch (error) {
          summary.sidecarFailures.push({ path: photo.path, reason: (error as Error).message });
        }
      }
      options.onCaptioned?.(result);
    }
  }

  /** The current caption of every photo in the scope (what `photobind caption --json` prints). */
  async captionsIn(scope: CaptionScope): Promise<Array<{ path: string; caption: string | null }>> {
    return (await this.photosIn(scope)).photos.map((p) => ({ path: p.path, caption: p.caption }));
  }

  private async photosIn(scope: CaptionScope): Promise<{ photos: Photo[]; notInLibrary: string[] }> {
    const folders = scope.folders ?? [];
    const paths = scope.paths ?? [];
    if (folders.length === 0 && paths.length === 0) return { photos: sortByPath(await this.store.listPhotos()), notInLibrary: [] };
    const byPath = new Map<string, Photo>();
    // A folder or photo matches as typed or with its links resolved ([Note: symlinked folders]).
    for (const folder of folders) {
      for (const candidate of await storedPathCandidates(folder)) {
        for (const photo of await this.store.listPhotos({ folder: candidate })) byPath.set(photo.path, photo);
      }
    }
    const typed = await Promise.all(paths.map(storedPathCandidates));
    const candidates = [...new Set(typed.flat())];
    const found = new Set<string>();
    for (let i = 0; i < candidates.length; i += 500) {
      const chunk = candidates.slice(i, i + 500);
      for (const photo of await this.store.listPhotos({ paths: chunk })) {
        byPath.set(photo.path, photo);
        found.add(photo.path);
      }
    }
    const notInLibrary = typed.filter((options) => !options.some((p) => found.has(p))).map((options) => options.at(-1)!);
    return { photos: sortByPath([...byPath.values()]), notInLibrary: [...new Set(notInLibrary)] };
  }

  /** The cut-off of a forced run: a killed run's, if it was for the same scope and model, else now. */
  private async startForcedJob(scope: string): Promise<string> {
    try {
      const previous = JSON.parse(await fs.readFile(this.jobFile, 'utf8')) as JobState;
      if (previous.scope === scope && previous.model === this.modelId && typeof previous.redoBefore === 'string') return previous.redoBefore;
    } catch {
      // No unfinished forced run.
    }
    const state: JobState = { scope, model: this.modelId, redoBefore: new Date().toISOString() };
    await writeFileAtomic(this.jobFile, JSON.stringify(state) + '\n');
    return state.redoBefore;
  }
}

/**
 * What a model caption writes to a sidecar: the caption as dc:description only where that holds no
 * description a person wrote (none, or the caption Photobind wrote before), and the photo's keywords
 * merged into dc:subject. The imported description counts too: a sidecar description would hide a
 * caption embedded in the file.
 */
function sidecarFields(photo: Photo, caption: string) {
  const ours = (value: string | null) => !value || value === photo.caption || value === caption;
  return {
    description: caption,
    keywords: photo.keywords,
    keywordsMode: 'merge' as const,
    replaceDescriptionIf: (current: string | null) => ours(current) && (photo.captionEdited || ours(photo.description)),
  };
}

async function captionWithRetry(captioner: PhotoCaptioner, photoPath: string): Promise<string> {
  let text: string;
  try {
    text = await captioner.caption(photoPath);
  } catch (error) {
    // The model process restarts after a crash; one more try tells a bad photo from bad luck.
    if ((error as Error).name !== 'ModelProcessCrashedError') throw error;
    text = await captioner.caption(photoPath);
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (!text) throw new Error('The caption model returned an empty caption.');
  return text;
}

function scopeKey(scope: CaptionScope): string {
  const list = (items: string[] | undefined) => (items ?? []).map((p) => path.resolve(p)).sort().join('\n');
  return JSON.stringify({ folders: list(scope.folders), paths: list(scope.paths) });
}

/** The path as the library stores it: absolute, with symlinks resolved (as the scanner does). */
async function resolvePath(p: string): Promise<string> {
  const absolute = path.resolve(p);
  return fs.realpath(absolute).catch(() => absolute);
}

function sortByPath(photos: Photo[]): Photo[] {
  return photos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
