// Finds the folder of a catalog model on this machine, downloading it into the library's cache if allowed.
import fs from 'node:fs/promises';
import path from 'node:path';
import { downloadModel, ModelDownloadError, type DownloadProgress } from './hub-download.repository.ts';
import { getModelEntry, modelFiles, type ModelEntry, type ModelTask } from './model-catalog.ts';

const TASK_NAMES: Record<ModelTask, string> = { clip: 'search', caption: 'caption', ask: 'ask' };

export class ModelUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelUnavailableError';
  }
}

export interface LocateOptions {
  download: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** Files that must exist in a model folder before it is handed to transformers.js (which fails obscurely otherwise). */
export async function missingModelFiles(folder: string, entry: ModelEntry): Promise<string[]> {
  const missing: string[] = [];
  for (const file of modelFiles(entry)) {
    if (!(await fs.access(path.join(folder, file)).then(() => true, () => false))) missing.push(file);
  }
  return missing;
}

export class ModelLocatorService {
  constructor(private readonly cacheDir: string) {}

  cachedFolder(id: string): string {
    return path.join(this.cacheDir, ...id.split('/'));
  }

  /** The folder of a model, downloading it first when allowed; throws a one-sentence error naming the ways out. */
  async locate(id: string, options: LocateOptions): Promise<string> {
    const entry = getModelEntry(id);
    const folder = entry.source.kind === 'bundled' ? entry.source.folder : this.cachedFolder(id);
    let missing = await missingModelFiles(folder, entry);
    if (missing.length === 0) return folder;
    if (entry.source.kind === 'bundled') {
      throw new ModelUnavailableError(`The bundled model ${id} is incomplete (missing ${missing.join(', ')}); reinstall Photobind or rebuild it with \`npm run models:train\`.`);
    }
    const ways = `Import a model folder with \`photobind models import DIR\`, or try the offline demo with \`--models toy\`.`;
    if (!options.download) {
      throw new ModelUnavailableError(`The ${TASK_NAMES[entry.task]} model ${id} is not on this computer yet. Download it with \`photobind models pull ${id}\`. ${ways}`);
    }
    try {
      await downloadModel({ repo: entry.source.repo, revision: entry.source.revision, files: modelFiles(entry), destination: folder, ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      const reason = error instanceof ModelDownloadError ? error.message : String(error);
      throw new ModelUnavailableError(`The ${TASK_NAMES[entry.task]} model ${id} could not be downloaded: ${reason} ${ways}`);
    }
    missing = await missingModelFiles(folder, entry);
    if (missing.length) throw new ModelUnavailableError(`The downloaded model ${id} lacks ${missing.join(', ')}. ${ways}`);
    return folder;
  }
}
