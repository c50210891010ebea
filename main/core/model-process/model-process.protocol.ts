// Messages between the core and the model process (see [Note: why ML runs in its own process]).
// Sent with Node's 'advanced' serialization, so Float32Array and Buffer cross without copies to JSON.
import type { ProblemKind } from '../../../common/photo.types.ts';
import type { DetectedFace } from '../faces/face-model.ts';
import type { PhotoMetadata } from '../media/photo-metadata.reader.ts';
import type { InferenceDtype } from '../models/inference/model-folder.ts';
import type { VideoMomentsResult } from '../video/video-moments.inference.ts';
import type { PipelineStats } from './index-pipeline.ts';

export interface ModelSpecForWorker {
  id: string;
  folder: string;
  dtype: InferenceDtype;
}

/** Analyses the model process can run on a decoded photo (see [Note: analysis stages]). */
export type AnalysisName = 'text' | 'faces';

/** What an analyzer needs to load: its model's id, folder (absent for models that ship inside a package) and revision. */
export interface AnalyzerSpec {
  id: string;
  folder?: string;
}

export interface WorkerInit {
  /** Absent when the search model is not installed: the process still decodes, reads metadata and writes thumbnails. */
  clip?: ModelSpecForWorker;
  caption?: ModelSpecForWorker;
  ask?: ModelSpecForWorker;
  analyzers?: Partial<Record<AnalysisName, AnalyzerSpec>>;
  /** 'auto' or an explicit transformers.js device name. */
  device: string;
  threads: number;
  thumbnailsDir: string;
}

export interface IndexItem {
  path: string;
  contentHash: string;
}

/**
 * A photo to index. The content hash is given when the core already knows it (it hashes files that may
 * be copies of known ones); absent, the model process hashes the bytes it reads for decoding (see
 * [Note: indexing at the model's pace]).
 */
export interface PhotoIndexItem {
  path: string;
  contentHash?: string;
}

/** Which stages to run on the decoded photo besides metadata and thumbnail. */
export interface IndexWork {
  /** Embed with the search model (default true; needs one). */
  embed?: boolean;
  analyses?: AnalysisName[];
}

export type AnalysisOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

export type IndexItemResult =
  | {
      path: string;
      ok: true;
      /** The item's contentHash, or the hash of the bytes the model process decoded. */
      contentHash: string;
      format: string;
      width: number;
      height: number;
      metadata: PhotoMetadata;
      /** Null when embedding was not asked for. */
      vector: Float32Array | null;
      analyses: Partial<Record<AnalysisName, AnalysisOutcome>>;
    }
  | { path: string; ok: false; kind: ProblemKind; reason: string; permanent: boolean };

export interface DeviceReport {
  device: string;
  /** Devices tried before the one in use, with why each failed. */
  fallbacks: Array<{ device: string; reason: string }>;
}

export type WorkerRequest =
  | { id: number; type: 'init'; init: WorkerInit }
  | { id: number; type: 'indexPhotos'; items: PhotoIndexItem[]; work: IndexWork }
  | { id: number; type: 'embedTexts'; texts: string[] }
  | { id: number; type: 'videoMoments'; item: IndexItem }
  | { id: number; type: 'caption'; path: string; maxNewTokens?: number }
  | { id: number; type: 'ask'; path: string; messages: Array<{ role: 'user' | 'assistant'; content: string }>; maxNewTokens?: number }
  | { id: number; type: 'detectFaces'; path: string }
  | { id: number; type: 'cancel'; target: number }
  /** The pipeline's stage times since the start (or the last reset: `reset` zeroes them after answering). */
  | { id: number; type: 'indexStats'; reset?: boolean };

/** Codes of WorkerError (typed, so nobody matches message text). */
export type WorkerErrorCode = 'no-search-model' | 'no-model' | 'model-failed' | 'failed';

/** Faces of one photo: detected, each with the name an XMP face region (sidecar or embedded) gives it. */
export interface FaceDetectionResult {
  faces: Array<DetectedFace & { xmpName: string | null }>;
}

export interface WorkerError {
  code: WorkerErrorCode;
  message: string;
  retryable: boolean;
}

export type WorkerResponse =
  | { id: number; type: 'result'; result: unknown }
  | { id: number; type: 'error'; error: WorkerError }
  | { id: number; type: 'token'; text: string };

export interface WorkerResultMap {
  init: DeviceReport;
  indexPhotos: IndexItemResult[];
  embedTexts: Float32Array[];
  videoMoments: VideoMomentsResult;
  caption: string;
  ask: string;
  detectFaces: FaceDetectionResult;
  /** Per-stage times of the indexing pipeline since the process started (for the benchmark's breakdown). */
  indexStats: PipelineStats;
}
