// Which XMP sidecar a photo's metadata is read from, with its size and time: what tells an index pass
// that a photo's sidecar appeared, changed or went away (see [Note: sidecar metadata belongs to the path]
// in main/core/indexer/index.service.ts).
import fs from 'node:fs/promises';
import path from 'node:path';

/** Sidecars larger than this are not read (a damaged or hostile file); the reader skips them too. */
export const MAX_SIDECAR_BYTES = 16 * 1024 * 1024;

export interface SidecarStamp {
  /** The sidecar file the photo's metadata is read from. */
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The sidecars a photo may have, in the order they are read: `IMG_1.CR2.xmp` (darktable, digiKam)
 * before `IMG_1.xmp` (Lightroom). The first one that is a non-empty file of at most 16 MB is the one.
 */
export function sidecarCandidates(photoPath: string): string[] {
  const parsed = path.parse(photoPath);
  const base = path.join(parsed.dir, parsed.name);
  return [`${photoPath}.xmp`, `${photoPath}.XMP`, `${base}.xmp`, `${base}.XMP`].filter((candidate) => candidate !== photoPath);
}

/**
 * The sidecar the photo's metadata is read from now, or null. `folderNames` (the lower-cased names in
 * the photo's folder, from a listing the caller already has) saves the stat calls when no candidate is
 * there, which is the case for most photos.
 */
export async function currentSidecar(photoPath: string, folderNames?: ReadonlySet<string>): Promise<SidecarStamp | null> {
  for (const candidate of sidecarCandidates(photoPath)) {
    if (folderNames && !folderNames.has(path.basename(candidate).toLowerCase())) continue;
    const info = await fs.stat(candidate).catch(() => null);
    if (!info?.isFile() || info.size === 0 || info.size > MAX_SIDECAR_BYTES) continue;
    return { path: candidate, size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
  }
  return null;
}

/** True when both say the same sidecar, unchanged (or both say there is none). */
export function sameSidecar(a: SidecarStamp | null, b: SidecarStamp | null): boolean {
  if (!a || !b) return a === b;
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The photo paths an .xmp file can be the sidecar of, among the names in its folder (`IMG_1.CR2.xmp` → IMG_1.CR2; `IMG_1.xmp` → IMG_1.*). */
export function photosOfSidecar(sidecarPath: string, folderNames: readonly string[], isPhoto: (name: string) => boolean): string[] {
  const dir = path.dirname(sidecarPath);
  const stem = path.basename(sidecarPath).slice(0, -path.extname(sidecarPath).length);
  return folderNames.filter((name) => isPhoto(name) && (name === stem || path.parse(name).name === stem)).map((name) => path.join(dir, name));
}
