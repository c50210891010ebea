// Finds the folder (and the dtype it holds) of a catalog model on this computer, downloading it into
// the library's cache first if allowed; otherwise fails with one sentence naming the ways out.
import { ModelCacheRepository } from './model-cache.repository.ts';
import type { ModelDtype } from './model-catalog.ts';
import { ModelUnavailableError } from './model-errors.ts';
import type { DownloadProgress } from './hub-download.repository.ts';
import { ModelInstallService, TASK_NAMES, waysOut } from './model-install.service.ts';

export { ModelUnavailableError } from './model-errors.ts';

export interface LocateOptions {
  download: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface LocatedModel {
  folder: string;
  /** The dtype of the ONNX files in the folder: pass it to the inference module. */
  dtype: ModelDtype;
}

export class ModelLocatorService {
  readonly installs: ModelInstallService;

  constructor(cacheDir: string, installs?: ModelInstallService) {
    this.installs = installs ?? new ModelInstallService(new ModelCacheRepository(cacheDir));
  }

  cachedFolder(id: string): string {
    return this.installs.cache.folderOf(id);
  }

  /** The folder of a model, downloading it first when allowed. */
  async locate(id: string, options: LocateOptions): Promise<string> {
    return (await this.locateModel(id, options)).folder;
  }

  /** The folder of a model and the dtype it holds, downloading it (default dtype) first when allowed. */
  async locateModel(id: string, options: LocateOptions): Promise<LocatedModel> {
    const found = await this.installs.installed(id);
    if (found) return { folder: found.folder, dtype: found.dtype };
    const entry = this.installs.entry(id);
    if (entry.source.kind === 'hub' && !options.download) {
      throw new ModelUnavailableError(
        `The ${TASK_NAMES[entry.task]} model ${id} is not on this computer yet: download it with \`photobind models pull ${id}\`, ${waysOut(id)}.`,
      );
    }
    // A bundled model that is incomplete fails inside pull with its own sentence.
    const pulled = await this.installs.pull(id, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { folder: pulled.folder, dtype: pulled.dtype };
  }
}
