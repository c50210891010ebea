// The library's model cache on disk: one folder per model (`<cache>/<org>/<name>`), its manifest,
// staging folders, atomic installs, removal, free-space checks and a lock per model.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ModelDtype } from './model-catalog.ts';
import { ModelUnavailableError } from './model-errors.ts';

/** Written last into every installed folder: what it holds and where it came from. */
export const MANIFEST_FILE = 'photobind-model.json';

const ManifestSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  dtype: z.enum(['fp32', 'fp16', 'q8', 'q4', 'q4f16']),
  source: z.enum(['hub', 'import']),
  /** Hub repository, revision asked for and the commit it resolved to. */
  repo: z.string().optional(),
  revision: z.string().optional(),
  commit: z.string().nullable().optional(),
  /** The folder an imported model was copied from. */
  importedFrom: z.string().optional(),
  installedAt: z.string(),
  files: z.array(z.object({ file: z.string(), size: z.number(), sha256: z.string() })),
});
export type ModelManifest = z.infer<typeof ManifestSchema> & { dtype: ModelDtype };

export type StatFs = (dir: string) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/** Not enough free space for a download or an import; the message is one sentence with the numbers. */
export class InsufficientDiskSpaceError extends ModelUnavailableError {
  constructor(
    readonly neededBytes: number,
    readonly reserveBytes: number,
    readonly freeBytes: number,
    readonly dir: string,
    what: string,
  ) {
    super(
      `There is not enough free disk space to ${what}: it needs ${formatMb(neededBytes)} (and Photobind leaves ${formatMb(reserveBytes)} free) ` +
        `but only ${formatMb(freeBytes)} are free on the disk of ${dir}; free some space, or use a library on another disk with --library, and run the command again.`,
    );
    this.name = 'InsufficientDiskSpaceError';
  }
}

/** Another process is installing the same model right now. */
export class ModelBusyError extends ModelUnavailableError {
  constructor(id: string, pid: number) {
    super(`Another Photobind process (pid ${pid}) is installing ${id} right now; wait for it to finish, then run the command again.`);
    this.name = 'ModelBusyError';
  }
}

function formatMb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ModelCacheRepository {
  /**
   * @param root the cache folder (`<library>/models`)
   * @param statfs how free space is read (fs.statfs; injectable so tests can simulate a full disk)
   * @param reserveBytes space always left free for the rest of the system
   */
  constructor(
    readonly root: string,
    private readonly statfs: StatFs = (dir) => fs.statfs(dir),
    private readonly reserveBytes = 64 * 1024 * 1024,
  ) {}

  folderOf(id: string): string {
    const parts = id.split('/');
    if (parts.length !== 2 || parts.some((p) => !p || p === '.' || p === '..' || p.includes('\\'))) throw new Error(`"${id}" is not a model id of the form org/name.`);
    return path.join(this.root, ...parts);
  }

  /** Where a download collects its files; left in place after an interruption so the next run resumes. */
  stagingOf(id: string): string {
    return `${this.folderOf(id)}.partial`;
  }

  async readManifest(folder: string): Promise<ModelManifest | null> {
    try {
      return ManifestSchema.parse(JSON.parse(await fs.readFile(path.join(folder, MANIFEST_FILE), 'utf8')));
    } catch {
      return null;
    }
  }

  async writeManifest(folder: string, manifest: ModelManifest): Promise<void> {
    await fs.writeFile(path.join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  }

  async missingFiles(folder: string, files: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const file of files) if (!(await exists(path.join(folder, file)))) missing.push(file);
    return missing;
  }

  async sizeOnDisk(folder: string): Promise<number> {
    let total = 0;
    const entries = await fs.readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name)).catch(() => null))?.size ?? 0;
    }
    return total;
  }

  /** Free bytes on the disk that holds `dir` (or its nearest existing parent). */
  async freeBytes(dir: string): Promise<number> {
    let probe = path.resolve(dir);
    while (!(await exists(probe)) && path.dirname(probe) !== probe) probe = path.dirname(probe);
    const stats = await this.statfs(probe);
    return Number(stats.bavail) * Number(stats.bsize);
  }

  /** Throws InsufficientDiskSpaceError unless `bytes` fit in the cache's disk with the reserve left over. */
  async ensureFreeSpace(bytes: number, what: string): Promise<void> {
    if (bytes <= 0) return;
    const free = await this.freeBytes(this.root);
    if (bytes + this.reserveBytes > free) throw new InsufficientDiskSpaceError(bytes, this.reserveBytes, free, this.root, what);
  }

  /**
   * Replaces `<cache>/<id>` by `staging` atomically: the old folder (another dtype, an older import)
   * is moved aside first and deleted only after the new one is in place.
   */
  async install(id: string, staging: string): Promise<string> {
    const dest = this.folderOf(id);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const aside = `${dest}.old-${randomBytes(4).toString('hex')}`;
    const hadOld = await fs.rename(dest, aside).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    });
    try {
      await fs.rename(staging, dest);
    } catch (error) {
      if (hadOld) await fs.rename(aside, dest).catch(() => undefined);
      throw error;
    }
    if (hadOld) await fs.rm(aside, { recursive: true, force: true });
    return dest;
  }

  /** Deletes a model's folder and any staging left by downloads or imports; returns the bytes freed. */
  async remove(id: string): Promise<number> {
    const folder = this.folderOf(id);
    const leftovers = (await fs.readdir(path.dirname(folder)).catch(() => [] as string[]))
      .filter((name) => name.startsWith(`${path.basename(folder)}.`))
      .map((name) => path.join(path.dirname(folder), name));
    let freed = 0;
    for (const target of [folder, ...leftovers]) {
      if (target.endsWith('.lock')) continue;
      freed += await this.sizeOnDisk(target);
      await fs.rm(target, { recursive: true, force: true });
    }
    return freed;
  }

  /** Deletes the org folder of a model once nothing is left in it. */
  async pruneEmptyOrgFolder(id: string): Promise<void> {
    await fs.rmdir(path.dirname(this.folderOf(id))).catch(() => undefined);
  }

  /** Takes the per-model lock (a file holding our pid); a lock whose process has died is taken over. */
  async lock(id: string): Promise<() => Promise<void>> {
    const file = `${this.folderOf(id)}.lock`;
    await fs.mkdir(path.dirname(file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(file, String(process.pid), { flag: 'wx' });
        return () => fs.rm(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = Number(await fs.readFile(file, 'utf8').catch(() => 'NaN'));
        if (Number.isInteger(pid) && (pid === process.pid || pidAlive(pid))) throw new ModelBusyError(id, pid);
        await fs.rm(file, { force: true });
      }
    }
    throw new ModelBusyError(id, NaN);
  }
}
