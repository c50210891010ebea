// Switches a library to another search model: re-embeds every photo with the new model in the background,
// then makes the new vectors the ones searches use, in one step (see [Note: vector spaces] in the store).
// Until that step, searches, new photos and captions keep using the previous model, so the library stays
// usable for the hours a large switch can take; a kill loses at most one batch (staged vectors persist).
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import type { IndexService, PhotoEmbedder } from './index.service.ts';
import { ProgressMeter } from '../shared/progress-meter.ts';

export interface ReembedProgress {
  /** The model photos are being re-embedded with. */
  model: string;
  /** Distinct photo contents to embed (copies of one photo are embedded once). */
  total: number;
  done: number;
  failed: number;
  rate: number;
  etaSeconds: number | null;
  phase: 'embedding' | 'switching' | 'done';
}

export interface ReembedOptions {
  onProgress?: (progress: ReembedProgress) => void;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface ReembedSummary {
  /** Whether the library now searches with the new model. */
  switched: boolean;
  /** Photo contents embedded by this run (earlier runs' staged work is reused). */
  embedded: number;
  /** Photos that got the new model's vectors at the switch. */
  photos: number;
  /** Photos that could not be read now (offline folder, unreadable file): re-embedded by a later index pass. */
  waiting: number;
}

/** Passes over photos that arrived while re-embedding, before the switch goes ahead without them. */
const CATCH_UP_PASSES = 3;

export class ReembedService {
  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly index: IndexService,
    /** A model process running the NEW search model (the usual one keeps serving searches meanwhile). */
    private readonly embedder: () => Promise<PhotoEmbedder>,
    /** Called inside the switch, with no index pass running: restart whatever still uses the old model. */
    private readonly onSwitched: (modelId: string) => Promise<void>,
  ) {}

  /** True when the library's vectors come from another model than `target`. */
  needed(target: string): boolean {
    const active = this.store.searchModelId;
    return active !== null && active !== target;
  }

  async run(target: string, options: ReembedOptions = {}): Promise<ReembedSummary> {
    const summary: ReembedSummary = { switched: false, embedded: 0, photos: 0, waiting: 0 };
    if (!this.needed(target)) return summary;
    const meter = new ProgressMeter();
    const failed = new Set<string>();
    let total = 0;
    let done = 0;
    const emit = (phase: ReembedProgress['phase']) =>
      options.onProgress?.({ model: target, total, done, failed: failed.size, rate: meter.rate(), etaSeconds: meter.eta(total - done - failed.size), phase });

    for (let pass = 0; ; pass++) {
      const contents = await this.store.photosByContent();
      const staged = await this.store.stagedHashes(target);
      const todo = [...contents].filter(([hash]) => !staged.has(hash) && !failed.has(hash));
      if (pass === 0) {
        total = contents.size;
        done = contents.size - todo.length;
        meter.record(done);
      } else {
        total += todo.length;
      }
      emit('embedding');
      await this.embed(target, todo, failed, options, () => {
        summary.embedded++;
        done++;
        meter.record(done);
        emit('embedding');
      }, () => emit('embedding'));

      // The switch itself waits for any index pass and blocks new ones, so no row is written in between.
      options.signal?.throwIfAborted();
      const result = await this.index.exclusively(async () => {
        const current = await this.store.photosByContent();
        const ready = await this.store.stagedHashes(target);
        const missing = [...current.keys()].filter((hash) => !ready.has(hash) && !failed.has(hash));
        if (missing.length > 0 && pass < CATCH_UP_PASSES) return null; // new photos arrived: embed them first
        // Most of the library unreadable (its drive unplugged?): switching now would leave searches with
        // little to find, while the old vectors still serve them. Keep the staged work and wait.
        const readable = [...current.keys()].filter((hash) => ready.has(hash)).length;
        if (failed.size > readable) {
          throw new Error(`${failed.size} of ${current.size} photos could not be read (is their folder offline?); searches keep using ${this.store.searchModelId} until they can be re-embedded too.`);
        }
        emit('switching');
        const switched = await this.store.switchVectorSpace(target);
        await this.onSwitched(target);
        return switched;
      });
      if (!result) continue;
      summary.switched = true;
      summary.photos = result.switched;
      summary.waiting = result.waiting;
      await this.store.ensureVectorIndex();
      await this.store.ensureTextIndex();
      emit('done');
      return summary;
    }
  }

  /** Embeds photo contents in batches, each read from its first path; one that does not read is `failed` for this run. */
  private async embed(target: string, todo: Array<[string, string[]]>, failed: Set<string>, options: ReembedOptions,
    onDone: () => void, onFailed: () => void): Promise<void> {
    const batchSize = options.batchSize ?? 16;
    for (let start = 0; start < todo.length; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = todo.slice(start, start + batchSize);
      const embedder = await this.embedder();
      const results = await embedder.indexPhotos(batch.map(([contentHash, paths]) => ({ path: paths[0]!, contentHash })));
      const rows: Array<{ contentHash: string; vector: Float32Array }> = [];
      for (const [i, result] of results.entries()) {
        const [contentHash] = batch[i]!;
        if (result.ok && result.vector) rows.push({ contentHash, vector: result.vector });
        else failed.add(contentHash);
      }
      await this.store.stageVectors(target, rows);
      rows.forEach(() => onDone());
      if (rows.length < batch.length) onFailed();
    }
  }
}
