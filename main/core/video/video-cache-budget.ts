// Keeps the video caches (transcoded previews, moment frames, motion clips) within a size budget.
//
// [Note: video cache budget]
// Previews are full transcodes (tens to hundreds of MB each), so a library that plays many HEVC or AVI
// videos would otherwise grow its `cache/` without end. Each cache folder has a budget; after a file is
// added, the least recently used files are removed until the folder fits again. "Used" is the file's
// modification time: the service touches a file each time it serves it. Partial files a killed ffmpeg left
// behind are removed once they are an hour old. Everything here can be made again on demand, so removing
// too much costs only time. PHOTOBIND_VIDEO_CACHE_MB sets the previews' budget (the others scale from it).
import fs from 'node:fs/promises';
import path from 'node:path';

export interface CacheBudget {
  previews: number;
  frames: number;
  motion: number;
}

/** Bytes per cache folder: previews 2 GB by default, frames and motion clips a tenth and a quarter of that. */
export function videoCacheBudget(env: NodeJS.ProcessEnv = process.env): CacheBudget {
  const mb = Number(env.PHOTOBIND_VIDEO_CACHE_MB);
  const previews = (Number.isFinite(mb) && mb > 0 ? mb : 2048) * 1024 * 1024;
  return { previews, frames: Math.round(previews / 10), motion: Math.round(previews / 4) };
}

const PARTIAL_MAX_AGE_MS = 60 * 60 * 1000;

/** Marks a cached file as just used (best effort: a file removed meanwhile is simply made again later). */
export async function touchCached(file: string): Promise<void> {
  const now = new Date();
  await fs.utimes(file, now, now).catch(() => undefined);
}

/**
 * Removes the least recently used files of `dir` until the rest take at most `maxBytes`, and partial files
 * older than an hour; `protect` names files in use that stay whatever their age.
 */
export async function trimCacheFolder(dir: string, maxBytes: number, protect: ReadonlySet<string> = new Set(), now = Date.now()): Promise<{ removed: string[]; keptBytes: number }> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const files: Array<{ file: string; size: number; usedAt: number }> = [];
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    if (name.includes('.partial.')) {
      if (now - stat.mtimeMs > PARTIAL_MAX_AGE_MS && (await remove(file))) removed.push(file);
      continue; // a transcode may be writing it now
    }
    files.push({ file, size: stat.size, usedAt: stat.mtimeMs });
  }
  let total = files.reduce((sum, f) => sum + f.size, 0);
  files.sort((a, b) => a.usedAt - b.usedAt);
  for (const f of files) {
    if (total <= maxBytes) break;
    if (protect.has(f.file)) continue;
    if (await remove(f.file)) {
      total -= f.size;
      removed.push(f.file);
    }
  }
  return { removed, keptBytes: total };
}

async function remove(file: string): Promise<boolean> {
  return fs.rm(file, { force: true }).then(() => true, () => false);
}
