// Walks photo folders: follows symlinks once (no loops), skips hidden and system folders and non-photos.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { currentSidecar, type SidecarStamp } from '../media/sidecar-stamp.ts';

export interface ScannedFile {
  path: string;
  root: string;
  size: number;
  mtimeMs: number;
  /** The XMP sidecar its metadata is read from (null: none); absent when the producer did not look. */
  sidecar?: SidecarStamp | null;
}

export interface ScanWarning {
  path: string;
  reason: string;
}

/** Folders that hold system or app data, never a user's photos. */
const SYSTEM_FOLDERS = new Set([
  '@eadir', '#recycle', '$recycle.bin', 'system volume information', 'node_modules', 'lost+found', '.thumbnails', '__macosx',
]);

export function isSkippedFolderName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FOLDERS.has(name.toLowerCase());
}

export interface ScanOptions {
  extensions: ReadonlySet<string>;
  onWarning?: (warning: ScanWarning) => void;
  signal?: AbortSignal;
}

/**
 * A name whose bytes are not valid UTF-8 (from an old camera, a Windows code page, a broken copy):
 * JavaScript strings cannot name it, so it cannot be indexed; it is shown with its bytes escaped.
 */
function invalidUtf8Name(raw: Buffer): string | null {
  const text = raw.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(raw)) return null;
  let shown = '';
  for (const byte of raw) shown += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return shown;
}

/**
 * Yields every photo file below the roots; a folder reached twice through links is walked once. A folder
 * that cannot be read, or a photo or folder whose name is not valid UTF-8, is reported as a warning with
 * its path and reason (the index records them as problems), never skipped silently.
 */
export async function* scanFolders(roots: string[], options: ScanOptions): AsyncGenerator<ScannedFile> {
  const visited = new Set<string>();
  for (const root of roots) {
    const stack: string[] = [root];
    while (stack.length > 0) {
      options.signal?.throwIfAborted();
      const dir = stack.pop()!;
      let real: string;
      let entries: Dirent[];
      try {
        real = await fs.realpath(dir);
        if (visited.has(real)) continue;
        visited.add(real);
        entries = await fs.readdir(dir, { withFileTypes: true });
        for (const raw of await fs.readdir(dir, { encoding: 'buffer' })) {
          const shown = invalidUtf8Name(raw);
          if (shown === null) continue;
          const extension = path.extname(shown).toLowerCase();
          if (shown.startsWith('.') || (extension && !options.extensions.has(extension) && extension.length <= 6)) continue;
          options.onWarning?.({
            path: path.join(dir, shown),
            reason: `The name of "${shown}" (in ${dir}) is not valid UTF-8, so Photobind cannot open it; rename it (for example with convmv) and it will be indexed.`,
          });
        }
      } catch (error) {
        options.onWarning?.({ path: dir, reason: `This folder could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).` });
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subfolders: string[] = [];
      // Sidecars are looked up only in folders that have any (most have none: no extra work there).
      const names = new Set(entries.map((entry) => entry.name.toLowerCase()));
      const hasSidecars = [...names].some((name) => name.endsWith('.xmp'));
      for (const entry of entries) {
        if (entry.name.includes('\ufffd') && !(await fs.lstat(path.join(dir, entry.name)).then(() => true, () => false))) continue; // reported above
        const full = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          const target = await fs.stat(full).catch(() => null);
          if (!target) continue; // dangling link
          isDir = target.isDirectory();
          isFile = target.isFile();
        }
        if (isDir) {
          if (!isSkippedFolderName(entry.name)) subfolders.push(full);
          continue;
        }
        if (!isFile || entry.name.startsWith('.')) continue;
        if (!options.extensions.has(path.extname(entry.name).toLowerCase())) continue;
        const stat = await fs.stat(full).catch(() => null);
        if (!stat) continue;
        yield { path: full, root, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), sidecar: hasSidecars ? await currentSidecar(full, names) : null };
      }
      // Depth-first in name order: push reversed so the first name is walked first.
      for (let i = subfolders.length - 1; i >= 0; i--) stack.push(subfolders[i]!);
    }
  }
}
