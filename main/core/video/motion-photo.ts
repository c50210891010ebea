// Live and motion photos: an Apple Live Photo's paired short video (IMG_1234.HEIC + IMG_1234.MOV) and a
// Google/Samsung motion photo's MP4 embedded after the JPEG image. See [Note: live and motion photos].
import fs from 'node:fs/promises';
import path from 'node:path';

// [Note: live and motion photos]
// A live or motion photo is ONE library item, the still, whose motion plays on request:
// - Apple Live Photo: the camera writes IMG_1234.HEIC (or .JPG) and IMG_1234.MOV side by side. A video whose
//   folder holds a still of the same base name (case-insensitive) is that still's motion: the moments stage
//   skips it (video-index.service.ts), so it is never listed on its own, and the still's motion is found again
//   by name when asked for (the still's row is not changed, so nothing has to be re-indexed).
// - Google "MicroVideo" / "MotionPhoto" (Pixel, and Samsung's recent cameras): the MP4 is appended to the
//   JPEG's bytes. The XMP says where: `GCamera:MicroVideoOffset` (bytes from the end of the file) in the
//   older format, or a `Container:Directory` whose `Item:Semantic="MotionPhoto"` item has `Item:Length` (the
//   last item of the file) in the newer one. Samsung's own format marks the video with "MotionPhoto_Data".
//   The MP4 is copied out of the JPEG into the library's cache on first play (video-playback.service.ts);
//   the offset is checked against the MP4's `ftyp` box, so a wrong or stale XMP finds no motion rather than
//   serving JPEG bytes as video.

/** Stills that may have a paired motion video. */
const STILL_EXTENSIONS = new Set(['.heic', '.heif', '.jpg', '.jpeg']);
/** Videos that may be a still's motion. */
const MOTION_EXTENSIONS = new Set(['.mov', '.mp4']);

/** The embedded MP4 of a motion photo: bytes [start, start + length) of the JPEG file. */
export interface EmbeddedMotion {
  start: number;
  length: number;
}

/** A still's motion: a paired video file, or the MP4 inside the JPEG. */
export type MotionSource = { kind: 'paired'; file: string } | { kind: 'embedded'; file: string; motion: EmbeddedMotion };

/** The names in a folder, lower-cased, for pairing by base name; read once per folder by the caller's cache. */
export async function folderNames(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => [] as string[]);
}

function baseOf(name: string): string {
  return name.slice(0, name.length - path.extname(name).length).toLowerCase();
}

/** The still (in `names`, the video's folder) whose motion `videoPath` is, or null for a video of its own. */
export function pairedStillName(videoPath: string, names: readonly string[]): string | null {
  if (!MOTION_EXTENSIONS.has(path.extname(videoPath).toLowerCase())) return null;
  const base = baseOf(path.basename(videoPath));
  return names.find((n) => STILL_EXTENSIONS.has(path.extname(n).toLowerCase()) && baseOf(n) === base) ?? null;
}

/** The paired motion video of a still (IMG_1234.HEIC → IMG_1234.MOV), or null. */
export async function pairedMotionFile(stillPath: string): Promise<string | null> {
  if (!STILL_EXTENSIONS.has(path.extname(stillPath).toLowerCase())) return null;
  const base = baseOf(path.basename(stillPath));
  const name = (await folderNames(path.dirname(stillPath))).sort().find((n) => MOTION_EXTENSIONS.has(path.extname(n).toLowerCase()) && baseOf(n) === base);
  return name ? path.join(path.dirname(stillPath), name) : null;
}

/** Largest JPEG read whole to look for an embedded video (motion photos are a few MB). */
const MAX_MOTION_PHOTO_BYTES = 200 * 1024 * 1024;

/** Where the MP4 embedded in a motion photo JPEG lies, or null when it has none. */
export async function embeddedMotion(jpegPath: string): Promise<EmbeddedMotion | null> {
  if (!['.jpg', '.jpeg'].includes(path.extname(jpegPath).toLowerCase())) return null;
  const stat = await fs.stat(jpegPath).catch(() => null);
  if (!stat?.isFile() || stat.size > MAX_MOTION_PHOTO_BYTES) return null;
  const bytes = await fs.readFile(jpegPath);
  return findEmbeddedMotion(bytes);
}

/** The embedded MP4's place in a motion photo's bytes (see [Note: live and motion photos]). */
export function findEmbeddedMotion(bytes: Buffer): EmbeddedMotion | null {
  const size = bytes.length;
  const xmp = xmpPacket(bytes);
  const candidates: number[] = [];
  if (xmp) {
    const offset = /MicroVideoOffset(?:="|>)(\d+)/.exec(xmp)?.[1];
    if (offset) candidates.push(size - Number(offset));
    for (const item of xmp.match(/<Container:Item\b[^>]*>/g) ?? []) {
      if (!/Item:Semantic="MotionPhoto"/.test(item)) continue;
      const length = /Item:Length="(\d+)"/.exec(item)?.[1];
      if (length) candidates.push(size - Number(length));
    }
  }
  const marker = bytes.indexOf('MotionPhoto_Data', 0, 'latin1');
  if (marker >= 0) candidates.push(marker + 'MotionPhoto_Data'.length);
  if (candidates.length === 0 && !(xmp && /(MicroVideo|MotionPhoto)(?:="|>)1/.test(xmp))) return null;
  // A flagged photo without a usable offset: the first MP4 `ftyp` box after the XMP.
  if (xmp) {
    const ftyp = bytes.indexOf('ftyp', bytes.indexOf('</x:xmpmeta>', 0, 'latin1') + 1, 'latin1');
    if (ftyp >= 4) candidates.push(ftyp - 4);
  }
  for (const start of candidates) {
    if (start > 2 && start + 8 < size && bytes.toString('latin1', start + 4, start + 8) === 'ftyp') return { start, length: size - start };
  }
  return null;
}

/** The first XMP packet of a JPEG (its APP1 segment), as text, or null. */
function xmpPacket(bytes: Buffer): string | null {
  const begin = bytes.indexOf('<x:xmpmeta', 0, 'latin1');
  if (begin < 0) return null;
  const end = bytes.indexOf('</x:xmpmeta>', begin, 'latin1');
  return end < 0 ? null : bytes.toString('utf8', begin, end + '</x:xmpmeta>'.length);
}

/** A still's motion: its paired video, else the MP4 embedded in it, else null. */
export async function motionOf(stillPath: string): Promise<MotionSource | null> {
  const paired = await pairedMotionFile(stillPath);
  if (paired) return { kind: 'paired', file: paired };
  const motion = await embeddedMotion(stillPath);
  return motion ? { kind: 'embedded', file: stillPath, motion } : null;
}

/** Bytes read from a JPEG's start to see whether its XMP flags an embedded video (for grid badges). */
const MOTION_HINT_BYTES = 256 * 1024;

/**
 * Whether a still has motion, cheaply enough for every tile of a grid page: a paired video by name (`names`:
 * its folder's entries, read once per folder by the caller), else an embedded MP4 flagged in the XMP near the
 * file's start (the offset is checked only when it plays, by motionOf). Samsung's marker-only files are missed.
 */
export async function hasMotionHint(stillPath: string, names: readonly string[]): Promise<boolean> {
  const ext = path.extname(stillPath).toLowerCase();
  if (!STILL_EXTENSIONS.has(ext)) return false;
  const base = baseOf(path.basename(stillPath));
  if (names.some((n) => MOTION_EXTENSIONS.has(path.extname(n).toLowerCase()) && baseOf(n) === base)) return true;
  if (ext !== '.jpg' && ext !== '.jpeg') return false;
  const handle = await fs.open(stillPath, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(MOTION_HINT_BYTES), 0, MOTION_HINT_BYTES, 0);
    const xmp = xmpPacket(buffer.subarray(0, bytesRead));
    return xmp !== null && (/MicroVideoOffset(?:="|>)\d+/.test(xmp) || /(MicroVideo|MotionPhoto)(?:="|>)1/.test(xmp) || /Item:Semantic="MotionPhoto"/.test(xmp));
  } finally {
    await handle.close();
  }
}

/** Copies a motion photo's embedded MP4 into `outFile` (written whole, then renamed). */
export async function extractEmbeddedMotion(jpegPath: string, motion: EmbeddedMotion, outFile: string): Promise<string> {
  const handle = await fs.open(jpegPath, 'r');
  try {
    const buffer = Buffer.alloc(motion.length);
    await handle.read(buffer, 0, motion.length, motion.start);
    await fs.mkdir(path.dirname(outFile), { recursive: true });
    const partial = `${outFile}.${process.pid}.partial`;
    await fs.writeFile(partial, buffer);
    await fs.rename(partial, outFile);
    return outFile;
  } finally {
    await handle.close();
  }
}
