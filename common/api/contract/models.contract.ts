// The models domain of the API contract: the catalog's models on this computer (size, licence, languages,
// state), downloads with progress (pause, resume, cancel) and importing a model folder.
import { z } from 'zod';
import { method } from '../contract-kit.ts';
import { ModelTaskSchema } from './settings.contract.ts';

/** A download of one model: its bytes, rate and time left; 'paused' keeps what arrived for a later resume. */
export const ModelDownloadStateSchema = z.object({
  id: z.string(),
  state: z.enum(['downloading', 'paused', 'done', 'failed', 'cancelled']),
  /** The file being fetched (path inside the model folder), null before the first byte. */
  file: z.string().nullable(),
  loadedBytes: z.number().nonnegative(),
  /** The whole model's size, null while the Hub has not said. */
  totalBytes: z.number().nonnegative().nullable(),
  /** Bytes per second over the last seconds. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Why it stopped, in a sentence that says what to do (state 'failed'). */
  error: z.string().nullable(),
});
export type ModelDownloadState = z.infer<typeof ModelDownloadStateSchema>;

export const ModelInfoSchema = z.object({
  id: z.string(),
  task: ModelTaskSchema,
  licence: z.string(),
  /** ISO 639-1 codes, or 'multilingual'. */
  languages: z.array(z.string()),
  /** Model sets that use it. */
  sets: z.array(z.string()),
  /** The library's model set uses it. */
  neededByLibrary: z.boolean(),
  /** Shipped with Photobind (the toy models) or fetched from the Hugging Face Hub. */
  kind: z.enum(['bundled', 'hub']),
  installed: z.boolean(),
  origin: z.enum(['bundled', 'download', 'import']).nullable(),
  bytesOnDisk: z.number().nonnegative().nullable(),
  /** What an interrupted download left; a Download resumes from there. */
  partialBytes: z.number().nonnegative(),
  /** Published download size in MB (null: unknown). */
  downloadMb: z.number().nonnegative().nullable(),
  /** Only understands Photobind's toy world (see [Note: toy models stay with the demo]). */
  demoOnly: z.boolean(),
  download: ModelDownloadStateSchema.nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

const ModelIdSchema = z.object({ id: z.string().min(1).max(300) });
const DownloadResultSchema = z.object({ download: ModelDownloadStateSchema });

export const modelsMethods = {
  list: method(z.object({}), z.object({ models: z.array(ModelInfoSchema) }), 'Every catalog model: task, size, licence, languages, installed or not, a download in progress.'),
  download: method(ModelIdSchema, DownloadResultSchema, 'Starts (or resumes) downloading a model, after checking the disk space; progress comes as onDidModelDownloadProgress.'),
  pause: method(ModelIdSchema, DownloadResultSchema, 'Stops a download, keeping what arrived; Download resumes it, also after Photobind restarts.'),
  cancel: method(ModelIdSchema, DownloadResultSchema, 'Stops a download and deletes what arrived.'),
  importFolder: method(
    z.object({ path: z.string().trim().min(1).max(4096), as: z.string().min(1).max(300).optional() }),
    z.object({ model: ModelInfoSchema }),
    'Copies a model folder (e.g. from another computer) into the library after checking it.',
  ),
};
