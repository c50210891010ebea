// Exports copies of library photos into a folder the person picks: a copy never overwrites anything there
// ("IMG_1.jpg" exists → "IMG_1 (2).jpg"), the originals are only read, and only library photos are copied.
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isSameOrInside } from '../shared/path-inside.ts';

export class ExportError extends Error {}

/** "IMG_1.jpg", then "IMG_1 (2).jpg", "IMG_1 (3).jpg"… */
export function numberedName(fileName: string, n: number): string {
  if (n <= 1) return fileName;
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)} (${n})${fileName.slice(dot)}` : `${fileName} (${n})`;
}

/**
 * Copies each file into `folder` (created if missing). `libraryPaths` are photos the library knows;
 * `libraryDir` is refused as a target (the library's own folder holds its database).
 */
export async function exportCopies(libraryPaths: readonly string[], folder: string, libraryDir: string): Promise<Array<{ from: string; to: string }>> {
  if (!path.isAbsolute(folder)) throw new ExportError(`${folder} is not a full path; give the whole path of the folder to copy into.`);
  const target = path.resolve(folder);
  const library = path.resolve(libraryDir);
  if (isSameOrInside(target, library)) throw new ExportError(`${target} is inside Photobind's own library folder; pick another folder.`);
  const stat = await fs.stat(target).catch(() => null);
  if (stat && !stat.isDirectory()) throw new ExportError(`${target} is a file, not a folder.`);
  await fs.mkdir(target, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new ExportError(`${target} could not be created: ${error.code ?? error.message}.`);
  });
  const copied: Array<{ from: string; to: string }> = [];
  for (const from of libraryPaths) {
    for (let n = 1; ; n++) {
      const to = path.join(target, numberedName(path.basename(from), n));
      try {
        // COPYFILE_EXCL: fails instead of replacing a file that is already there, even one created meanwhile.
        await fs.copyFile(from, to, constants.COPYFILE_EXCL);
        copied.push({ from, to });
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code === 'ENOENT') throw new ExportError(`${from} is gone (moved or deleted since it was indexed); ${copied.length} copies were made before it.`);
        throw new ExportError(`${from} could not be copied to ${to}: ${code ?? (error as Error).message}; ${copied.length} copies were made before it.`);
      }
    }
  }
  return copied;
}
