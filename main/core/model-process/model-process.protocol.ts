// Messages between the core and the model process (see [Note: why ML runs in its own process]).
// Sent with Node's 'advanced' serialization, so Float32Array and Buffer cross without copies to JSON.
import type { ProblemKind } from '../../../common/photo.types.ts';
import type { PhotoMetadata } from '../media/photo-metadata.reader.ts';
import type { InferenceDtype } from '../models/inference/model-folder.ts';

export interface ModelSpecForWorker {
  id: string;
  folder: string;
  dtype: InferenceDtype;
}

export interface WorkerInit {
  clip?: ModelSpecForWorker;
  caption?: ModelSpecForWorker;
  ask?: ModelSpecForWorker;
  /** 'auto' or an explicit transformers.js device name. */
  device: string;
  threads: number;
  thumbnailsDir: string;
}

export interface IndexItem {
  path: string;
  contentHash: string;
}

export type IndexItemResult =
  | {
      path: string;
      ok: true;
      format: string;
      width: number;
      height: number;
      metadata: PhotoMetadata;
      vector: Float32Array;
    }
  | { path: string; ok: false; kind: ProblemKind; reason: string; permanent: boolean };

export interface DeviceReport {
  device: string;
  /** Devices tried before the one in use, with why each failed. */
  fallbacks: Array<{ device: string; reason: string }>;
}

export type WorkerRequest =
  | { id: number; type: 'init'; init: WorkerInit }
  | { id: number; type: 'indexPhotos'; items: IndexItem[] }
  | { id: number; type: 'embedTexts'; texts: string[] }
  | { id: number; type: 'caption'; path: string; maxNewTokens?: number }
  | { id: number; type: 'ask'; path: string; messages: Array<{ role: 'user' | 'assistant'; content: string }>; maxNewTokens?: number }
  | { id: number; type: 'cancel'; target: number };

export interface WorkerError {
  code: string;
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
  caption: string;
  ask: string;
}
