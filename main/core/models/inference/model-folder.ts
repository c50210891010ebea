// Shared plumbing of the inference modules: offline transformers.js set-up, model-folder checks, load options.
import { NO_SPINNING } from './onnx-session-options.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelRegistry, RawImage, env, type DataType, type DeviceType } from '@huggingface/transformers';

/** Decoded pixels, as the app gets them once from sharp (`.raw()`), row-major, interleaved channels. */
export interface RawImageLike {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

export type InferenceDtype = Exclude<DataType, 'auto'>;

/** How to load a model folder. `dtype` may be one for all files or one per ONNX file (`{ vision_encoder: 'fp32' }`). */
export interface ModelLoadOptions {
  /** A folder in Hub layout (config.json, tokenizer files, onnx/*.onnx); relative paths resolve from the cwd. */
  folder: string;
  device?: DeviceType;
  dtype?: InferenceDtype | Record<string, InferenceDtype>;
  /** Threads per ONNX session (onnxruntime intra-op threads); the runtime's default when omitted. */
  threads?: number;
}

/** A model folder lacks a file its family needs. */
export class ModelFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly missing: readonly string[],
  ) {
    super(`Model folder ${folder} is missing ${missing.map((f) => `"${f}"`).join(', ')}`);
    this.name = 'ModelFolderError';
  }
}

// [Note: offline model loading]
// Photobind loads models only from folders it manages: nothing is fetched at inference time (downloads
// are an explicit, separate step). So remote models are off. The file-system cache is off too: the
// library looks in `env.cacheDir/<id>/<file>` BEFORE the folder itself, so a stale cached copy of a file
// would silently win over the folder we were given. Folders are made absolute, which the library then
// reads as-is (a relative path would be looked up under `env.localModelPath`).
export function configureOfflineRuntime(): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
}

function missingFiles(folder: string, files: readonly string[]): string[] {
  return files.filter((file) => !existsSync(path.join(folder, file)));
}

/**
 * Resolves `options.folder` to an absolute path and checks that it holds config.json, the given
 * non-ONNX files, and every ONNX file (external-data chunks included) the library will open at the
 * requested dtype/device, once per `modelFileNames` entry (null: the family's default files).
 * Throws a ModelFolderError naming each missing file.
 */
export async function checkModelFolder(
  options: ModelLoadOptions,
  files: readonly string[],
  modelFileNames: readonly (string | null)[] = [null],
): Promise<string> {
  configureOfflineRuntime();
  const folder = path.resolve(options.folder);
  const basics = missingFiles(folder, ['config.json', ...files]);
  if (basics.includes('config.json')) throw new ModelFolderError(folder, basics);
  const onnxFiles = new Set<string>();
  for (const modelFileName of modelFileNames) {
    const listed = await ModelRegistry.get_model_files(folder, {
      ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
      ...(options.device !== undefined ? { device: options.device } : {}),
      ...(modelFileName !== null ? { model_file_name: modelFileName } : {}),
    });
    // generation_config.json is optional: the library falls back to config.json without it.
    for (const file of listed) if (file.endsWith('.onnx') || file.includes('.onnx_data')) onnxFiles.add(file);
  }
  const missing = [...basics, ...missingFiles(folder, [...onnxFiles])];
  if (missing.length > 0) throw new ModelFolderError(folder, missing);
  return folder;
}

/** The options every from_pretrained call of the inference modules gets. */
export function pretrainedOptions(options: ModelLoadOptions): {
  device?: DeviceType;
  dtype?: InferenceDtype | Record<string, InferenceDtype>;
  session_options?: { intraOpNumThreads: number; interOpNumThreads: number; extra: typeof NO_SPINNING };
  local_files_only: true;
} {
  return {
    ...(options.device !== undefined ? { device: options.device } : {}),
    ...(options.dtype !== undefined ? { dtype: options.dtype } : {}),
    ...(options.threads !== undefined
      ? { session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1, extra: NO_SPINNING } }
      : {}),
    local_files_only: true,
  };
}

/** Wraps pixels (no copy) for the library's processors; they convert to RGB themselves. */
export function toRawImage(image: RawImageLike): RawImage {
  const expected = image.width * image.height * image.channels;
  if (image.data.length !== expected) {
    throw new Error(
      `image data has ${image.data.length} bytes, expected ${image.width}x${image.height}x${image.channels} = ${expected}`,
    );
  }
  return new RawImage(image.data, image.width, image.height, image.channels);
}

/** Runs `create` once, on first use, and shares the result; a failed attempt is forgotten so a later call retries. */
export function lazily<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= create().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
