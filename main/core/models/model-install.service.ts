// Puts the catalog's models on this computer and takes them off: downloads from the Hub (with
// progress, resume and checks), imports of a folder for offline machines, removal, and the status
// of each model. Every failure a user can act on is one sentence that names the ways out.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelCacheRepository, ModelManifest } from './model-cache.repository.ts';
import {
  MODELS,
  downloadSizeMb,
  modelFiles,
  setsUsing,
  type ModelDtype,
  type ModelEntry,
  type ModelFamily,
  type ModelTask,
} from './model-catalog.ts';
import { ModelUnavailableError } from './model-errors.ts';
import { downloadToStaging, ModelDownloadError, sha256OfFile, type DownloadProgress } from './hub-download.repository.ts';

export const TASK_NAMES: Record<ModelTask, string> = { clip: 'search', caption: 'caption', ask: 'ask', text: 'text reading' };

export interface InstalledModel {
  folder: string;
  dtype: ModelDtype;
  /** Null for bundled models and folders placed in the cache by hand. */
  manifest: ModelManifest | null;
}

export interface ModelStatus {
  id: string;
  task: ModelTask;
  family: ModelFamily;
  licence: string;
  languages: string[];
  /** Model sets that use it. */
  sets: string[];
  kind: 'bundled' | 'hub';
  installed: boolean;
  /** How it got here: shipped with Photobind, downloaded, imported (null when not installed). */
  origin: 'bundled' | 'download' | 'import' | null;
  dtype: ModelDtype | null;
  folder: string | null;
  bytesOnDisk: number | null;
  /** Bytes an interrupted download left for the next run to resume. */
  partialBytes: number;
  /** Published download size of the default dtype in MB, null if unknown. */
  downloadMb: number | null;
}

export interface PullOptions {
  dtype?: ModelDtype;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface PullResult {
  id: string;
  dtype: ModelDtype;
  folder: string;
  bytes: number;
  commit: string | null;
  alreadyInstalled: boolean;
}

export interface ImportOptions {
  /** Catalog id the folder holds; guessed from the folder's path when omitted. */
  as?: string;
  /** Which published dtype to take from the folder; the first complete one (default first) when omitted. */
  dtype?: ModelDtype;
}

export interface ImportResult {
  id: string;
  dtype: ModelDtype;
  folder: string;
  from: string;
  files: number;
  bytes: number;
}

export interface ModelInstallOptions {
  /** Hub or mirror base URL (default $PHOTOBIND_HUB_URL, else https://huggingface.co). */
  hubUrl?: string;
  /** The catalog to serve (default: Photobind's). */
  catalog?: Record<string, ModelEntry>;
  /** Download retries per file after a dropped connection (default 2) and the delay unit between them. */
  retries?: number;
  retryDelayMs?: number;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

/** The ways out of a missing model, as the end of a sentence. */
export function waysOut(id: string): string {
  return `import a model folder with \`photobind models import DIR --as ${id}\`, or try the offline demo with \`--models toy\``;
}

async function isLfsPointer(file: string): Promise<boolean> {
  const stat = await fs.stat(file);
  if (stat.size > 1024) return false;
  return (await fs.readFile(file, 'utf8')).startsWith('version https://git-lfs');
}

export class ModelInstallService {
  readonly catalog: Record<string, ModelEntry>;

  constructor(
    readonly cache: ModelCacheRepository,
    private readonly options: ModelInstallOptions = {},
  ) {
    this.catalog = options.catalog ?? MODELS;
  }

  entry(id: string): ModelEntry {
    const entry = this.catalog[id];
    if (!entry) throw new Error(`Unknown model "${id}"; run \`photobind models list\` to see the catalog.`);
    return entry;
  }

  /** The complete folder of a model on this computer and the dtype it holds, or null. */
  async installed(id: string): Promise<InstalledModel | null> {
    const entry = this.entry(id);
    const folder = entry.source.kind === 'bundled' ? entry.source.folder : this.cache.folderOf(id);
    const manifest = entry.source.kind === 'hub' ? await this.cache.readManifest(folder) : null;
    if (manifest && manifest.id === id) {
      return (await this.cache.missingFiles(folder, modelFiles(entry, manifest.dtype))).length === 0 ? { folder, dtype: manifest.dtype, manifest } : null;
    }
    const dtype = await this.completeDtype(folder, entry);
    return dtype ? { folder, dtype, manifest: null } : null;
  }

  /** The first dtype (the default first) whose files are all in `folder`. */
  private async completeDtype(folder: string, entry: ModelEntry): Promise<ModelDtype | null> {
    for (const dtype of new Set([entry.defaultDtype, ...entry.dtypes])) {
      if ((await this.cache.missingFiles(folder, modelFiles(entry, dtype))).length === 0) return dtype;
    }
    return null;
  }

  async status(id: string): Promise<ModelStatus> {
    const entry = this.entry(id);
    const found = await this.installed(id);
    return {
      id,
      task: entry.task,
      family: entry.family,
      licence: entry.licence,
      languages: entry.languages,
      sets: setsUsing(id),
      kind: entry.source.kind,
      installed: found !== null,
      origin: !found ? null : entry.source.kind === 'bundled' ? 'bundled' : found.manifest?.source === 'import' ? 'import' : 'download',
      dtype: found?.dtype ?? null,
      folder: found?.folder ?? null,
      bytesOnDisk: found ? await this.cache.sizeOnDisk(found.folder) : null,
      partialBytes: entry.source.kind === 'hub' ? await this.cache.sizeOnDisk(this.cache.stagingOf(id)) : 0,
      downloadMb: downloadSizeMb(entry),
    };
  }

  async list(): Promise<ModelStatus[]> {
    const out: ModelStatus[] = [];
    for (const id of Object.keys(this.catalog)) out.push(await this.status(id));
    return out;
  }

  /** Downloads a model (resuming what an earlier run left) and installs it atomically. */
  async pull(id: string, options: PullOptions = {}): Promise<PullResult> {
    const entry = this.entry(id);
    const dtype = options.dtype ?? entry.defaultDtype;
    if (!entry.dtypes.includes(dtype)) throw new Error(`${id} is published as ${entry.dtypes.join(', ')}, not ${dtype}; choose one of those with --dtype.`);
    const current = await this.installed(id);
    if (current && current.dtype === dtype) {
      return { id, dtype, folder: current.folder, bytes: await this.cache.sizeOnDisk(current.folder), commit: current.manifest?.commit ?? null, alreadyInstalled: true };
    }
    if (entry.source.kind === 'bundled') {
      const missing = await this.cache.missingFiles(entry.source.folder, modelFiles(entry, dtype));
      throw new ModelUnavailableError(`The bundled model ${id} is incomplete (missing ${missing.join(', ')}); reinstall Photobind or rebuild it with \`npm run models:train\`.`);
    }
    const { repo, revision } = entry.source;
    const files = modelFiles(entry, dtype);
    const unlock = await this.cache.lock(id);
    try {
      const staging = this.cache.stagingOf(id);
      const result = await downloadToStaging({
        repo,
        revision,
        files,
        staging,
        ...(this.options.hubUrl ? { hubUrl: this.options.hubUrl } : {}),
        ...(this.options.retries !== undefined ? { retries: this.options.retries } : {}),
        ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        beforeDownload: async ({ remainingBytes, filesOfUnknownSize }) => {
          // A server that does not tell a file's size: fall back on the catalog's published total.
          const published = downloadSizeMb(entry, dtype);
          const needed = filesOfUnknownSize.length && published ? Math.max(remainingBytes, published * 1e6) : remainingBytes;
          await this.cache.ensureFreeSpace(needed, `download ${id} (${dtype})`);
        },
      });
      await this.pruneStaging(staging, files);
      const manifest: ModelManifest = { version: 1, id, dtype, source: 'hub', repo, revision, commit: result.commit, installedAt: new Date().toISOString(), files: result.files };
      await this.cache.writeManifest(staging, manifest);
      const folder = await this.cache.install(id, staging);
      return { id, dtype, folder, bytes: result.files.reduce((sum, f) => sum + f.size, 0), commit: result.commit, alreadyInstalled: false };
    } catch (error) {
      if (error instanceof ModelDownloadError) {
        throw new ModelUnavailableError(`The ${TASK_NAMES[entry.task]} model ${id} could not be downloaded: ${error.detail}; ${this.retryHint(error)}${waysOut(id)}.`, { cause: error });
      }
      throw error;
    } finally {
      await unlock();
    }
  }

  private retryHint(error: ModelDownloadError): string {
    if (error.kind === 'offline') return 'connect to the internet and run the command again, ';
    if (error.kind === 'interrupted' || error.kind === 'cancelled') return 'run the command again to resume, ';
    if (error.kind === 'corrupt' || error.kind === 'size') return 'run the command again to fetch that file afresh, ';
    if (error.retryable) return 'try again later, ';
    return '';
  }

  /** Deletes files an earlier download at another dtype left in the staging folder. */
  private async pruneStaging(staging: string, files: readonly string[]): Promise<void> {
    const wanted = new Set(files.map((f) => path.normalize(f)));
    const entries = await fs.readdir(staging, { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const relative = path.relative(staging, path.join(entry.parentPath, entry.name));
      if (!wanted.has(relative)) await fs.rm(path.join(staging, relative), { force: true });
    }
  }

  /** Which catalog model a folder holds, from its path (`…/org/name`, `…/name`, or a Hub cache `models--org--name`). */
  guessId(folder: string): string | null {
    const normal = folder.split(path.sep).join('/').toLowerCase();
    const hub = Object.values(this.catalog).filter((e) => e.source.kind === 'hub');
    const byPath = hub.filter((e) => normal.endsWith(`/${e.id.toLowerCase()}`) || normal.includes(`/models--${e.id.toLowerCase().replace('/', '--')}/`) || normal.endsWith(`/models--${e.id.toLowerCase().replace('/', '--')}`));
    if (byPath.length === 1) return byPath[0]!.id;
    const byName = hub.filter((e) => path.basename(folder).toLowerCase() === e.id.split('/')[1]!.toLowerCase());
    return byName.length === 1 ? byName[0]!.id : null;
  }

  /**
   * Copies a model folder (e.g. downloaded on another computer) into the cache: checks it against the
   * catalog entry first (config.json's model_type, every file of one published dtype, real weights
   * rather than Git LFS pointers), copies only the files the model needs, then installs atomically.
   */
  async importFolder(dir: string, options: ImportOptions = {}): Promise<ImportResult> {
    const source = path.resolve(dir);
    const stat = await fs.stat(source).catch(() => null);
    if (!stat) throw new Error(`The folder ${dir} does not exist; check the path.`);
    if (!stat.isDirectory()) throw new Error(`${dir} is a file; give the model's folder (the one holding config.json and onnx/).`);
    const id = options.as ?? this.guessId(source);
    if (!id) throw new Error(`Could not tell which model ${dir} holds; name it with --as ID (see \`photobind models list\`).`);
    const entry = this.entry(id);
    if (entry.source.kind === 'bundled') throw new Error(`${id} is bundled with Photobind; there is nothing to import.`);
    if (path.resolve(this.cache.folderOf(id)) === source) throw new Error(`${dir} is already ${id}'s folder in this library.`);

    let config: { model_type?: unknown };
    try {
      config = JSON.parse(await fs.readFile(path.join(source, 'config.json'), 'utf8')) as { model_type?: unknown };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${dir} has no config.json, so it is not a model folder (it should hold config.json, the tokenizer files and onnx/).`);
      throw new Error(`${path.join(dir, 'config.json')} is not valid JSON (${(error as Error).message}); copy the folder again.`);
    }
    if (config.model_type !== entry.family) {
      throw new Error(`${dir} holds a model of type "${String(config.model_type)}", but ${id} is a "${entry.family}" model; check the folder, or import it as the model it is (see \`photobind models list\`).`);
    }

    let dtype: ModelDtype | null;
    if (options.dtype) {
      if (!entry.dtypes.includes(options.dtype)) throw new Error(`${id} is published as ${entry.dtypes.join(', ')}, not ${options.dtype}.`);
      const missing = await this.cache.missingFiles(source, modelFiles(entry, options.dtype));
      if (missing.length) throw new Error(`${dir} lacks files ${id} needs at ${options.dtype}: ${missing.join(', ')}.`);
      dtype = options.dtype;
    } else {
      dtype = await this.completeDtype(source, entry);
      if (!dtype) {
        const missing = await this.cache.missingFiles(source, modelFiles(entry));
        throw new Error(`${dir} lacks files ${id} needs: ${missing.join(', ')} (the ONNX files of any one published dtype will do: ${entry.dtypes.join(', ')}).`);
      }
    }

    const files = [...modelFiles(entry, dtype)];
    for (const file of files.filter((f) => f.endsWith('.onnx'))) {
      if (await isLfsPointer(path.join(source, file))) throw new Error(`${file} in ${dir} is a Git LFS pointer, not the weights; run \`git lfs pull\` in that folder and import again.`);
      // Weights above 2 GB live in external-data files next to the graph (model.onnx_data, model.onnx_data_1, …).
      const siblings = await fs.readdir(path.join(source, path.dirname(file))).catch(() => [] as string[]);
      for (const name of siblings) if (name.startsWith(`${path.basename(file)}_data`)) files.push(path.join(path.dirname(file), name));
    }
    const sizes = await Promise.all(files.map(async (f) => (await fs.stat(path.join(source, f))).size));
    const bytes = sizes.reduce((a, b) => a + b, 0);
    await this.cache.ensureFreeSpace(bytes, `import ${id}`);

    const unlock = await this.cache.lock(id);
    const staging = `${this.cache.folderOf(id)}.import-partial`;
    try {
      await fs.rm(staging, { recursive: true, force: true });
      const copied: ModelManifest['files'] = [];
      for (const [i, file] of files.entries()) {
        const target = path.join(staging, file);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.copyFile(path.join(source, file), target);
        const size = (await fs.stat(target)).size;
        if (size !== sizes[i]) throw new Error(`Copying ${file} from ${dir} gave ${size} bytes instead of ${sizes[i]}; check the disk and import again.`);
        copied.push({ file, size, sha256: await sha256OfFile(target) });
      }
      await this.cache.writeManifest(staging, { version: 1, id, dtype, source: 'import', importedFrom: source, installedAt: new Date().toISOString(), files: copied });
      const folder = await this.cache.install(id, staging);
      return { id, dtype, folder, from: source, files: copied.length, bytes };
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      await unlock();
    }
  }

  /** Deletes a downloaded or imported model (and what interrupted downloads left); bundled models stay. */
  async remove(id: string): Promise<{ id: string; removed: boolean; freedBytes: number }> {
    const entry = this.entry(id);
    if (entry.source.kind === 'bundled') throw new Error(`${id} is bundled with Photobind and cannot be removed.`);
    const present = (await exists(this.cache.folderOf(id))) || (await exists(this.cache.stagingOf(id)));
    const unlock = await this.cache.lock(id);
    let freedBytes: number;
    try {
      freedBytes = await this.cache.remove(id);
    } finally {
      await unlock();
    }
    await this.cache.pruneEmptyOrgFolder(id);
    return { id, removed: present, freedBytes };
  }
}

