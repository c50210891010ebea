// The stages a photo goes through, and the contract of the analysis stages that plug into the index pass.
// [Note: the stage pipeline]
// A photo's work is split into stages, each with its own per-photo state:
//   files      path, size, time, content hash                (scan + fingerprint; no model)
//   metadata   EXIF/XMP/IPTC: date, place, camera, keywords  (model process, no model)
//   thumbnail  upright JPEG in the thumbnail cache           (model process, no model)
//   embed      the search model's vector                      (model process; needs the search model)
//   caption    a generated caption                            (after indexing, when auto-captioning is on)
//   text, faces, ...  analysis stages (AnalysisStage below)   (model process, on the same decode as embed)
// The first three run together and make the photo's row: from then on it is listed, shown and filterable
// by date, place, camera and folder, whether or not any model is installed. Every later stage keeps its
// own state and runs on its own when it is pending:
//   - embed: done when the row's modelId is the library's search model (vector space); a row stored
//     without a model has modelId '' (NOT_EMBEDDED) and a zero vector, so searches never see it. When the
//     model is installed later, the next pass gives those rows their vectors without rewriting anything
//     else (PhotoStoreRepository.setVectors), so metadata, captions and user edits are kept.
//   - caption: done when the row has a caption (CaptionService; a person's caption always wins).
//   - analysis stages: the stage ledger (storage/stage-ledger.repository.ts) records per content hash
//     done/failed and the model key (id@revision) that produced the result; a result from another model
//     key is pending again, so a changed model re-runs its stage alone.
// An index pass first processes new and changed files with every stage whose model is ready (one read,
// one decode: [Note: one read, one decode per photo]), then catches up: every photo in the roots whose
// embed or analysis stage is pending is decoded once for all of its pending stages. Outputs are committed
// before their state (vector and modelId in one row; analysis outputs before the ledger entry), so a
// kill at any moment re-runs at most the uncommitted work, and every write is idempotent.
import type { AnalysisName, AnalyzerSpec } from '../model-process/model-process.protocol.ts';

/** Every stage, in pipeline order (status reports them in this order). */
export const STAGE_NAMES = ['files', 'metadata', 'thumbnail', 'embed', 'caption', 'text', 'faces', 'moments'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Whether an analysis stage can run now, with what, or why not. */
export type StageReadiness =
  | { ready: true; spec: AnalyzerSpec; /** The model's id@revision: results of another key are stale. */ modelKey: string }
  | {
      ready: false;
      /** A sentence a CLI user can act on (e.g. how to install the model), or that it is switched off. */ reason: string;
      off: boolean;
      /** The same, as data each front end words for itself (see StageWait). */
      wait: StageWait;
    };

/**
 * Why a stage's photos wait, as data: the CLI prints `note` (its commands), the app words `wait` itself and
 * points to its own actions (the models banner's Download and Import), never to a terminal.
 */
export type StageWait =
  | { kind: 'model-missing'; model: string }
  | { kind: 'switched-off'; setting: 'auto-caption' | 'faces' }
  | { kind: 'reinstall' };

/**
 * An analysis stage (text in photos, faces): run by the model process on the decoded photo (an analyzer
 * of the same name in model-process/photo-analyzers.ts), stored by the stage.
 */
export interface AnalysisStage {
  readonly name: AnalysisName;
  readiness(): Promise<StageReadiness>;
  /**
   * Stores the analyzer's outputs for these photo contents, replacing earlier ones (idempotent); the index
   * pass marks them done in the ledger only after this resolves. `paths` are the library paths with that
   * content (copies share one analysis).
   */
  save(outputs: Array<{ contentHash: string; paths: string[]; value: unknown; modelKey: string }>): Promise<void>;
}

/** Per-stage counts for status: done, waiting to run, failed. */
export interface StageCounts {
  done: number;
  pending: number;
  failed: number;
  /** Why pending photos are not being processed now (model not installed, switched off), in the CLI's words. */
  note?: string;
  /** The same reason as data, for front ends that word it themselves (the app). */
  wait?: StageWait;
}

/** A failed analysis is retried this many times (once per pass) before it waits for the file to change. */
export const ANALYSIS_ATTEMPTS = 3;
