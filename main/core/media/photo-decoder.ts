// Reads a photo file once and decodes it once into an upright JPEG thumbnail and RGB pixels for the model.
//
// [Note: one read, one decode per photo]
// The file is read into memory once (size and mtime checked before and after, so a file still being
// copied is caught). Metadata comes from those bytes. sharp then decodes once, straight to a small raw
// RGB "intermediate" just big enough for both outputs: its longest side is the thumbnail size, unless
// the model's shortest side needs more (panoramas). Resizing inside that first decode lets libjpeg
// shrink-on-load (decode at 1/2, 1/4 or 1/8 scale), the largest saving for camera JPEGs. The thumbnail
// JPEG and the model pixels are both derived from the intermediate, which costs well under a
// millisecond each compared with decoding the file again.
// Orientation is applied explicitly from PhotoMetadata.orientation (EXIF, or a sidecar that overrides
// it); HEIF pixels come out of libheif already upright and their metadata orientation is 1.
//
// [Note: damaged and truncated files]
// sharp decodes with failOn 'none', as browsers and photo viewers do: JPEGs with "corrupt data" warnings
// (common from some cameras) are indexed. A file that visibly ends early (no JPEG EOI, no PNG IEND, a
// HEIF box running past the end, ...) is still decoded; if at least half of the picture came out, the
// photo is indexed with a 'truncated' warning, otherwise it is refused as a 'truncated' problem. The
// missing part shows up as flat rows along one edge (grey for JPEG, green for HEIC), which is how we
// measure it. Nothing here throws anything but PhotoProblemError.
import { open } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { decodeHeif } from './heic-decoder.ts';
import { describeFormat, detectPhotoFormat, isRawFormat, looksTruncated, type PhotoFormat, type RawFormat } from './photo-format.ts';
import { readPhotoMetadata, type PhotoMetadata } from './photo-metadata.reader.ts';
import { describeFile, photoProblem, toPhotoProblem, type PhotoProblemError } from './photo-problem.ts';
import { findEmbeddedJpegs } from './raw-preview.ts';

export interface DecodePhotoOptions {
  /** Shortest side of the model pixels (default 224; smaller images stay smaller). */
  modelSide?: number;
  /** Longest side of the thumbnail JPEG (default 512). */
  thumbnailSide?: number;
  /**
   * Longest side of the analysis pixels that text and face analyzers read (default 0: none). They come
   * from the same single decode (see [Note: one read, one decode per photo]).
   */
  analysisSide?: number;
  /** Pixel limit of the stored picture; more is refused as 'too-large' (default 200 million). */
  maxInputPixels?: number;
  /** File size limit; bigger files are refused as 'too-large' without being read (default 300 MiB). */
  maxFileBytes?: number;
  /** JPEG quality of the thumbnail (default 80). */
  thumbnailQuality?: number;
  /** Let libjpeg/libwebp shrink while decoding (default true). Off only to measure its benefit. */
  shrinkOnLoad?: boolean;
}

export interface ModelPixels {
  /** Interleaved 8-bit sRGB, row-major, `width * height * 3` bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export type PhotoWarningKind = 'truncated' | 'small-preview';

export interface PhotoWarning {
  kind: PhotoWarningKind;
  /** A sentence for the user, naming the file. */
  message: string;
}

export interface PhotoFileInfo {
  size: number;
  modifiedMs: number;
}

export interface DecodedPhoto {
  status: 'decoded';
  format: PhotoFormat;
  /** The picture's size as displayed (after orientation). For RAW files: the embedded preview's size. */
  width: number;
  height: number;
  /** Upright sRGB JPEG, longest side ≤ thumbnailSide. */
  thumbnailJpeg: Buffer;
  thumbnailWidth: number;
  thumbnailHeight: number;
  /** Upright sRGB pixels, shortest side == modelSide (or the picture's own, if smaller). */
  modelPixels: ModelPixels;
  /** Upright sRGB pixels, longest side ≤ analysisSide; present when analysisSide was asked for. */
  analysisPixels?: ModelPixels;
  metadata: PhotoMetadata;
  /** 'embedded-preview' for RAW files, see [Note: RAW files are shown through their embedded preview]. */
  decodedFrom: 'image' | 'embedded-preview';
  /** Usable but imperfect: a truncated file, a tiny RAW preview. */
  warnings: PhotoWarning[];
  file: PhotoFileInfo;
}

/** A real picture that no decoder here can open (JPEG XL, RAW without preview, ...). Not an error. */
export interface UnsupportedPhoto {
  status: 'unsupported';
  format: PhotoFormat;
  /** kind 'unsupported', with the sentence to show. */
  problem: PhotoProblemError;
  metadata: PhotoMetadata;
  file: PhotoFileInfo;
}

export type DecodePhotoResult = DecodedPhoto | UnsupportedPhoto;

interface ResolvedOptions {
  modelSide: number;
  thumbnailSide: number;
  analysisSide: number;
  maxInputPixels: number;
  maxFileBytes: number;
  thumbnailQuality: number;
  shrinkOnLoad: boolean;
}

const DEFAULTS: ResolvedOptions = {
  modelSide: 224,
  thumbnailSide: 512,
  analysisSide: 0,
  maxInputPixels: 200e6,
  maxFileBytes: 300 * 1024 * 1024,
  thumbnailQuality: 80,
  shrinkOnLoad: true,
};

/** Above this share of flat rows along an edge, a truncated picture is refused rather than indexed. */
const MAX_MISSING_FRACTION = 0.5;
/** RAW previews whose long side is below this are used, with a warning. */
const SMALL_PREVIEW_SIDE = 1000;
/** A zero-byte file modified this recently is probably still being copied. */
const JUST_WRITTEN_MS = 10_000;

/**
 * Decodes the photo at `filePath`. Resolves with a DecodedPhoto, or an UnsupportedPhoto for pictures we
 * cannot decode; rejects only with PhotoProblemError (see its `kind` and `transient`). `withBytes` sees
 * the file's bytes once they are read, before decoding (the model process hashes them there, so a
 * photo's content hash comes from the same read as its pixels).
 */
export async function decodePhoto(filePath: string, options: DecodePhotoOptions = {}, withBytes?: (bytes: Buffer) => void): Promise<DecodePhotoResult> {
  const opts = resolveOptions(options);
  const { bytes, file } = await readPhotoFile(filePath, { maxFileBytes: opts.maxFileBytes });
  try {
    withBytes?.(bytes);
    return await decodeBytes(filePath, bytes, file, opts);
  } catch (err) {
    throw toPhotoProblem(err, filePath);
  }
}

function resolveOptions(options: DecodePhotoOptions): ResolvedOptions {
  const merged = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) } as ResolvedOptions;
  for (const key of ['modelSide', 'thumbnailSide', 'maxInputPixels', 'maxFileBytes'] as const) {
    if (!(Number.isFinite(merged[key]) && merged[key] >= 1)) throw new RangeError(`decodePhoto: ${key} must be a positive number, got ${String(merged[key])}.`);
    merged[key] = Math.floor(merged[key]);
  }
  return merged;
}

export interface ReadPhotoFileOptions {
  maxFileBytes?: number;
  /** Test seam: runs after the bytes are read, before the file is checked again. */
  afterRead?: () => Promise<void>;
}

/**
 * Reads the whole file into memory, refusing folders, empty and oversized files, and files whose size
 * or modification time changed while being read. Rejects only with PhotoProblemError.
 */
export async function readPhotoFile(filePath: string, options: ReadPhotoFileOptions = {}): Promise<{ bytes: Buffer; file: PhotoFileInfo }> {
  const maxBytes = options.maxFileBytes ?? DEFAULTS.maxFileBytes;
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (err) {
    throw toPhotoProblem(err, filePath);
  }
  try {
    const before = await handle.stat();
    if (!before.isFile()) throw photoProblem.notAFile(filePath);
    if (before.size === 0) throw photoProblem.empty(filePath, Date.now() - before.mtimeMs < JUST_WRITTEN_MS);
    if (before.size > maxBytes) throw photoProblem.tooManyBytes(filePath, before.size, maxBytes);
    const bytes = Buffer.allocUnsafe(before.size);
    let filled = 0;
    while (filled < before.size) {
      const { bytesRead } = await handle.read(bytes, filled, before.size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    await options.afterRead?.();
    const beyond = await handle.read(Buffer.alloc(1), 0, 1, before.size);
    const after = await handle.stat();
    if (filled !== before.size || beyond.bytesRead !== 0 || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      throw photoProblem.changedWhileReading(filePath);
    }
    return { bytes, file: { size: before.size, modifiedMs: before.mtimeMs } };
  } catch (err) {
    throw toPhotoProblem(err, filePath);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function decodeBytes(filePath: string, bytes: Buffer, file: PhotoFileInfo, opts: ResolvedOptions): Promise<DecodePhotoResult> {
  const format = detectPhotoFormat(bytes, filePath);
  if (format === 'not-an-image') throw photoProblem.notAnImage(filePath);

  if (format === 'jxl') {
    const metadata = await readPhotoMetadata(filePath, bytes, { format });
    return unsupported(format, metadata, file, photoProblem.unsupported(filePath, describeFormat(format), 'Convert it to JPEG or PNG (for example with the cjxl/djxl tools) if you want it in the library.'));
  }

  if (isRawFormat(format)) return decodeRaw(filePath, format, bytes, file, opts);

  const metadata = await readPhotoMetadata(filePath, bytes, { format });
  const truncated = looksTruncated(format, bytes);
  let rendered: Rendered;
  try {
    if (format === 'heic') {
      rendered = await renderHeif(filePath, bytes, opts);
    } else {
      try {
        rendered = await render(filePath, { input: bytes, orientation: metadata.orientation }, opts);
      } catch (err) {
        // Generic HEIF brands (mif1 without heic/avif) may hold HEVC, which only libheif-js decodes.
        if (format !== 'heif' || toPhotoProblem(err, filePath).kind !== 'unsupported') throw err;
        rendered = await renderHeif(filePath, bytes, opts);
      }
    }
  } catch (err) {
    const problem = toPhotoProblem(err, filePath);
    if (problem.kind === 'unsupported') return unsupported(format, metadata, file, problem);
    if (truncated && problem.kind === 'corrupt') throw photoProblem.truncated(filePath, undefined, err);
    throw problem;
  }

  const warnings: PhotoWarning[] = [];
  if (truncated) {
    const missing = missingEdgeFraction(rendered.intermediate);
    if (missing > MAX_MISSING_FRACTION) throw photoProblem.truncated(filePath, `about ${Math.round(missing * 100)}% of the picture is missing`);
    warnings.push({
      kind: 'truncated',
      message: `${describeFile(filePath)} is incomplete (the file ends early${missing > 0.01 ? `, about ${Math.round(missing * 100)}% of the picture is missing` : ''}); it was indexed anyway. Copy it again from the original if you have it.`,
    });
  }
  return finish(format, rendered, metadata, 'image', warnings, file);
}

async function decodeRaw(filePath: string, format: RawFormat, bytes: Buffer, file: PhotoFileInfo, opts: ResolvedOptions): Promise<DecodePhotoResult> {
  const previews = findEmbeddedJpegs(bytes, format);
  const metadata = await readPhotoMetadata(filePath, bytes, { format, fallbackBytes: previews[0]?.bytes });
  const largest = previews[0];
  let lastError: unknown;
  for (const preview of previewsToTry(previews, opts)) {
    try {
      const rendered = await render(filePath, { input: preview.bytes, orientation: metadata.orientation }, opts);
      const warnings: PhotoWarning[] = [];
      if (Math.max(preview.width, preview.height) < SMALL_PREVIEW_SIDE) {
        warnings.push({
          kind: 'small-preview',
          message: `${describeFile(filePath)} only contains a small ${preview.width} × ${preview.height} preview, so its thumbnail and search results may be less sharp. Exporting a JPEG from your raw developer next to it gives better results.`,
        });
      }
      // The photo's size is its largest preview's (the camera's output), whichever one was decoded.
      const swap = metadata.orientation >= 5;
      const size = preview !== largest && largest ? { width: swap ? largest.height : largest.width, height: swap ? largest.width : largest.height } : {};
      return finish(format, { ...rendered, ...size }, metadata, 'embedded-preview', warnings, file);
    } catch (err) {
      lastError = err;
      const problem = toPhotoProblem(err, filePath);
      if (problem.kind === 'too-large' || problem.transient) throw problem;
    }
  }
  return unsupported(
    format,
    metadata,
    file,
    photoProblem.unsupported(
      filePath,
      `${describeFormat(format)} without a usable embedded preview`,
      'Photobind shows raw photos through the JPEG preview that cameras embed; export a JPEG from your raw developer if you want this one in the library.',
      lastError,
    ),
  );
}

/**
 * The order to try a RAW's previews in: the smallest that still covers every output (thumbnail, model
 * and analysis pixels) first, since decoding costs with the JPEG's size even when libjpeg shrinks on load
 * (many cameras embed a ~1620 × 1080 preview beside the full-size one: CR3, ARW); then the larger ones,
 * then the smaller ones, largest first, for when a preview turns out to be damaged. A smaller preview
 * counts only at the largest one's aspect ratio (Canon's 160 × 120 thumbnails of 3:2 pictures have black
 * bands) and from SMALL_PREVIEW_SIDE up (cameras compress their small thumbnails hard).
 */
export function previewsToTry<T extends { width: number; height: number }>(previews: readonly T[], opts: Pick<ResolvedOptions, 'thumbnailSide' | 'modelSide' | 'analysisSide'>): T[] {
  const largestFirst = [...previews].sort((a, b) => b.width * b.height - a.width * a.height);
  const largest = largestFirst[0];
  if (!largest) return [];
  const aspect = (p: T) => Math.max(p.width, p.height) / Math.min(p.width, p.height);
  const covers = (p: T) =>
    Math.max(p.width, p.height) >= Math.max(opts.thumbnailSide, opts.analysisSide, SMALL_PREVIEW_SIDE) &&
    Math.min(p.width, p.height) >= opts.modelSide &&
    Math.abs(aspect(p) / aspect(largest) - 1) < 0.02;
  const sufficient = largestFirst.filter(covers);
  const smallestSufficient = sufficient.at(-1);
  return smallestSufficient ? [smallestSufficient, ...largestFirst.filter((p) => p !== smallestSufficient)] : largestFirst;
}

function unsupported(format: PhotoFormat, metadata: PhotoMetadata, file: PhotoFileInfo, problem: PhotoProblemError): UnsupportedPhoto {
  return { status: 'unsupported', format, problem, metadata, file };
}

interface RenderSource {
  input: Uint8Array;
  /** Present when `input` is raw interleaved RGB. */
  raw?: { width: number; height: number; channels: 3 };
  orientation: number;
}

interface Intermediate {
  data: Buffer;
  width: number;
  height: number;
}

interface Rendered {
  width: number;
  height: number;
  intermediate: Intermediate;
  thumbnail: { data: Buffer; width: number; height: number };
  model: ModelPixels;
  analysis?: ModelPixels;
}

async function renderHeif(filePath: string, bytes: Buffer, opts: ResolvedOptions): Promise<Rendered> {
  let iccProfile: Uint8Array | undefined;
  try {
    iccProfile = (await sharp(bytes).metadata()).icc;
  } catch {
    iccProfile = undefined; // decode without colour management rather than not at all
  }
  const heif = decodeHeif(bytes, filePath, { maxPixels: opts.maxInputPixels, iccProfile });
  const source: RenderSource =
    heif.container === 'tiff'
      ? { input: heif.data, orientation: 1 }
      : { input: heif.data, raw: { width: heif.width, height: heif.height, channels: 3 }, orientation: 1 };
  return render(filePath, source, opts);
}

/** The one decode: source → upright sRGB intermediate → thumbnail JPEG + model pixels. */
async function render(filePath: string, source: RenderSource, opts: ResolvedOptions): Promise<Rendered> {
  const open = (): Sharp =>
    sharp(source.input, {
      failOn: 'none',
      limitInputPixels: opts.maxInputPixels,
      sequentialRead: true,
      ...(source.raw ? { raw: source.raw } : {}),
    });

  let storedWidth: number;
  let storedHeight: number;
  if (source.raw) {
    storedWidth = source.raw.width;
    storedHeight = source.raw.height;
  } else {
    // Header only: reading the size never decodes pixels, so the limit can be checked (and reported
    // with the size) before sharp's own limitInputPixels guard would fire.
    const header = await sharp(source.input, { limitInputPixels: false }).metadata();
    // Stored size, before EXIF orientation; for multi-frame files (GIF, multi-page TIFF) one frame.
    // For the HEIF family libvips reports the size after the container's own rotation, as we want.
    storedWidth = header.width;
    storedHeight = header.pageHeight ?? header.height;
  }
  if (!storedWidth || !storedHeight) throw photoProblem.corrupt(filePath, 'no picture size in the file');
  if (storedWidth * storedHeight > opts.maxInputPixels) {
    throw photoProblem.tooManyPixels(filePath, { width: storedWidth, height: storedHeight }, opts.maxInputPixels);
  }

  const swap = source.orientation >= 5;
  const width = swap ? storedHeight : storedWidth;
  const height = swap ? storedWidth : storedHeight;
  const scale = Math.min(1, Math.max(opts.thumbnailSide / Math.max(width, height), opts.modelSide / Math.min(width, height), opts.analysisSide / Math.max(width, height)));

  // Resize first (in stored orientation), then mirror/rotate the small result. Calling rotate() before
  // resize() makes sharp rotate the full-size picture and lose shrink-on-load: 6× slower for a 12 MP
  // portrait JPEG (orientation 6), measured.
  let pipeline = open();
  if (scale < 1) {
    const targetWidth = Math.max(1, Math.round(width * scale));
    const targetHeight = Math.max(1, Math.round(height * scale));
    pipeline = pipeline.resize(swap ? targetHeight : targetWidth, swap ? targetWidth : targetHeight, {
      fit: 'fill',
      fastShrinkOnLoad: opts.shrinkOnLoad,
    });
  }
  const { data, info } = await orient(pipeline, source.orientation)
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw photoProblem.corrupt(filePath, `unexpected ${info.channels}-channel output`);
  const intermediate: Intermediate = { data, width: info.width, height: info.height };

  const [thumbnail, model, analysis] = await Promise.all([
    makeThumbnail(intermediate, opts),
    makeModelPixels(intermediate, opts),
    opts.analysisSide > 0 ? makeAnalysisPixels(intermediate, opts.analysisSide) : undefined,
  ]);
  return { width, height, intermediate, thumbnail, model, ...(analysis ? { analysis } : {}) };
}

/** EXIF orientation as explicit operations, after any resize (sharp then mirrors before it rotates). */
function orient(pipeline: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2: return pipeline.flop();
    case 3: return pipeline.rotate(180);
    case 4: return pipeline.flip();
    case 5: return pipeline.flop().rotate(270);
    case 6: return pipeline.rotate(90);
    case 7: return pipeline.flop().rotate(90);
    case 8: return pipeline.rotate(270);
    default: return pipeline;
  }
}

function rawInput(image: Intermediate): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

async function makeThumbnail(image: Intermediate, opts: ResolvedOptions): Promise<{ data: Buffer; width: number; height: number }> {
  const scale = Math.min(1, opts.thumbnailSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  let pipeline = rawInput(image);
  if (scale < 1) pipeline = pipeline.resize(width, height, { fit: 'fill' });
  const data = await pipeline.jpeg({ quality: opts.thumbnailQuality, mozjpeg: false }).toBuffer();
  return { data, width, height };
}

async function makeModelPixels(image: Intermediate, opts: ResolvedOptions): Promise<ModelPixels> {
  const shortest = Math.min(image.width, image.height);
  if (shortest <= opts.modelSide) return { data: image.data, width: image.width, height: image.height, channels: 3 };
  const scale = opts.modelSide / shortest;
  const width = image.width <= image.height ? opts.modelSide : Math.max(1, Math.round(image.width * scale));
  const height = image.width <= image.height ? Math.max(1, Math.round(image.height * scale)) : opts.modelSide;
  const { data, info } = await rawInput(image).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** Upright pixels whose longest side is at most `side` (the intermediate itself when small enough). */
async function makeAnalysisPixels(image: Intermediate, side: number): Promise<ModelPixels> {
  const longest = Math.max(image.width, image.height);
  if (longest <= side) return { data: image.data, width: image.width, height: image.height, channels: 3 };
  const scale = side / longest;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const { data, info } = await rawInput(image).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

function finish(
  format: PhotoFormat,
  rendered: Rendered,
  metadata: PhotoMetadata,
  decodedFrom: DecodedPhoto['decodedFrom'],
  warnings: PhotoWarning[],
  file: PhotoFileInfo,
): DecodedPhoto {
  return {
    status: 'decoded',
    format,
    width: rendered.width,
    height: rendered.height,
    thumbnailJpeg: rendered.thumbnail.data,
    thumbnailWidth: rendered.thumbnail.width,
    thumbnailHeight: rendered.thumbnail.height,
    modelPixels: rendered.model,
    ...(rendered.analysis ? { analysisPixels: rendered.analysis } : {}),
    metadata,
    decodedFrom,
    warnings,
    file,
  };
}

/**
 * The largest share of the picture, measured from any one edge, made of rows (or columns) that are a
 * single flat colour: how decoders fill in the part of a truncated file that is missing.
 */
export function missingEdgeFraction(image: Intermediate): number {
  const { data, width, height } = image;
  const pixel = (x: number, y: number) => (y * width + x) * 3;
  const same = (a: number, b: number) =>
    Math.abs((data[a] ?? 0) - (data[b] ?? 0)) <= 2 && Math.abs((data[a + 1] ?? 0) - (data[b + 1] ?? 0)) <= 2 && Math.abs((data[a + 2] ?? 0) - (data[b + 2] ?? 0)) <= 2;
  const flatRows = (fromBottom: boolean): number => {
    const ref = pixel(0, fromBottom ? height - 1 : 0);
    let rows = 0;
    for (let i = 0; i < height; i++) {
      const y = fromBottom ? height - 1 - i : i;
      for (let x = 0; x < width; x++) if (!same(pixel(x, y), ref)) return rows;
      rows++;
    }
    return rows;
  };
  const flatColumns = (fromRight: boolean): number => {
    const ref = pixel(fromRight ? width - 1 : 0, 0);
    let columns = 0;
    for (let i = 0; i < width; i++) {
      const x = fromRight ? width - 1 - i : i;
      for (let y = 0; y < height; y++) if (!same(pixel(x, y), ref)) return columns;
      columns++;
    }
    return columns;
  };
  return Math.max(flatRows(true) / height, flatRows(false) / height, flatColumns(true) / width, flatColumns(false) / width);
}
