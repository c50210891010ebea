// Finds the folder (and the dtype it holds) of a catalog model on this computer, downloading it into
// the library's cache first if allowed; otherwise fails with one sentence naming the ways out.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ModelCacheRepository } from './model-cache.repository.ts';
import { modelFiles, type ModelDtype } from './model-catalog.ts';
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
  /**
   * A short digest of the weights installed for `id` (null when it is not installed): a model rebuilt or
   * re-downloaded under the same id gets another revision, so its vectors are not mixed with the old ones.
   * From the install manifest's sha256s; a bundled model's ONNX files are hashed (they are small); a folder
   * without a manifest falls back to file sizes.
   */
  async revision(id: string): Promise<string | null> {
    const found = await this.installs.installed(id);
    if (!found) return null;
    const entry = this.installs.entry(id);
    // A bundled model's files ship with the app and do not change while it runs: hashed once per process.
    if (entry.source.kind === 'bundled') {
      let known = this.bundledRevisions.get(id);
      if (!known) {
        known = this.digest(entry, found);
        this.bundledRevisions.set(id, known);
        known.catch(() => this.bundledRevisions.delete(id));
      }
      return known;
    }
    return this.digest(entry, found);
  }

  private readonly bundledRevisions = new Map<string, Promise<string>>();

  private async digest(entry: ReturnType<ModelInstallService['entry']>, found: NonNullable<Awaited<ReturnType<ModelInstallService['installed']>>>): Promise<string> {
    const digest = createHash('sha256');
    if (found.manifest) {
      for (const f of [...found.manifest.files].sort((a, b) => a.file.localeCompare(b.file))) digest.update(`${f.file}:${f.sha256}\n`);
    } else {
      for (const file of modelFiles(entry, found.dtype).filter((f) => f.endsWith('.onnx'))) {
        const full = path.join(found.folder, file);
        digest.update(`${file}:`);
        if (entry.source.kind === 'bundled') digest.update(await fs.readFile(full));
        else digest.update(String((await fs.stat(full)).size));
      }
    }
    return digest.digest('hex').slice(0, 16);
  }

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
