// Decodes HEVC-coded HEIC/HEIF photos to RGB with libheif compiled to WebAssembly (npm libheif-js, LGPL-3.0).
//
// [Note: HEIC is decoded with WebAssembly libheif]
// sharp's prebuilt libvips reads HEIF containers but has no HEVC decoder ("Support for this compression
// format has not been built in"), for patent reasons. libheif-js bundles libheif + libde265 as one .wasm
// file (LGPL-3.0; we load it unmodified from node_modules, which keeps it replaceable, as the LGPL asks).
// - Loaded lazily, the first time a HEIC is met (about 50 ms), then reused; JS has one thread, so calls
//   never overlap. Decoding is synchronous and blocks the event loop (about 1 s for 12 MP on one core):
//   run it only in the model/decoding process, never on a UI or request-serving thread.
// - libheif applies the container's rotation and mirroring (irot/imir) itself, so the pixels come out
//   upright. The EXIF orientation inside a HEIC must NOT be applied again (see PhotoMetadata.orientation).
// - WebAssembly memory grows to fit the largest image decoded and never shrinks (about 6 bytes per pixel
//   at peak: 12 MP → ~80 MB, 48 MP → ~300 MB). We drop the instance once it exceeds MAX_RETAINED_HEAP so
//   the garbage collector can free it; the next HEIC re-instantiates it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PhotoProblemError, photoProblem } from './photo-problem.ts';

/** The decoded primary image: packed 8-bit RGB rows, or the same pixels inside a minimal TIFF. */
export interface HeifRgb {
  /** Raw RGB (3 bytes per pixel, no row padding), or an uncompressed TIFF when `container` is 'tiff'. */
  data: Buffer;
  container: 'raw' | 'tiff';
  width: number;
  height: number;
}

export interface DecodeHeifOptions {
  /** Refuse (as 'too-large') images with more pixels than this, before decoding. */
  maxPixels: number;
  /**
   * The file's ICC profile (sharp can read it from the HEIF header even though it cannot decode HEVC).
   * When given, the pixels are returned inside an uncompressed TIFF carrying the profile, so that sharp
   * converts them to sRGB exactly as it does for other formats (iPhones shoot in Display P3).
   */
  iccProfile?: Uint8Array;
}

interface HeifError {
  code: { value: number };
  message: string;
}
interface HeifChannel {
  id: unknown;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}
interface HeifDecoded {
  image: unknown;
  width: number;
  height: number;
  channels: HeifChannel[];
}
interface LibHeif {
  HEAPU8: Uint8Array;
  heif_error_code: { heif_error_Ok: { value: number } };
  heif_colorspace: { heif_colorspace_RGB: unknown };
  heif_chroma: { heif_chroma_interleaved_RGB: unknown };
  heif_context_alloc(): unknown;
  heif_context_free(context: unknown): void;
  heif_context_read_from_memory(context: unknown, data: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: unknown): unknown;
  heif_image_handle_get_width(handle: unknown): number;
  heif_image_handle_get_height(handle: unknown): number;
  heif_image_handle_release(handle: unknown): void;
  heif_js_decode_image2(handle: unknown, colorspace: unknown, chroma: unknown): HeifDecoded | HeifError;
  heif_image_release(image: unknown): void;
}

const MAX_RETAINED_HEAP = 512 * 1024 * 1024;
let instance: LibHeif | undefined;

function loadLibHeif(): LibHeif {
  if (instance) return instance;
  const require = createRequire(import.meta.url);
  // The package's own `libheif-js/wasm` entry reads the .wasm relative to the current directory, so we
  // resolve it ourselves. With `wasmBinary` given, Emscripten instantiates synchronously.
  const wasmBinary = readFileSync(require.resolve('libheif-js/libheif-wasm/libheif.wasm'));
  const factory = require('libheif-js/libheif-wasm/libheif.js') as (options: Record<string, unknown>) => unknown;
  const module: Record<string, unknown> = { wasmBinary, print: () => undefined, printErr: () => undefined };
  factory(module);
  if (typeof module['heif_context_alloc'] !== 'function') throw new Error('libheif (WebAssembly) did not initialise.');
  instance = module as unknown as LibHeif;
  return instance;
}

function isHeifError(value: unknown): value is HeifError {
  return typeof value === 'object' && value !== null && 'message' in value && 'code' in value;
}

/** Bytes of WebAssembly memory libheif currently holds (0 when not loaded), for diagnostics. */
export function libheifHeapBytes(): number {
  return instance?.HEAPU8.length ?? 0;
}

/** The version of the bundled libheif, for diagnostics. */
export function libheifVersion(): string {
  const lib = loadLibHeif() as unknown as { heif_get_version(): string };
  return lib.heif_get_version();
}

/** Decodes the primary image of a HEIF file to upright 8-bit RGB. Throws PhotoProblemError. */
export function decodeHeif(bytes: Uint8Array, filePath: string, options: DecodeHeifOptions): HeifRgb {
  let lib: LibHeif;
  try {
    lib = loadLibHeif();
  } catch (err) {
    throw photoProblem.unsupported(filePath, 'a HEIC image', 'The HEIC decoder (libheif-js) could not be loaded; reinstall Photobind.', err);
  }
  const ok = lib.heif_error_code.heif_error_Ok.value;
  const context = lib.heif_context_alloc();
  let handle: unknown;
  let decoded: HeifDecoded | undefined;
  try {
    const readError = lib.heif_context_read_from_memory(context, bytes);
    if (readError.code.value !== ok) throw heifProblem(filePath, readError.message);
    handle = lib.heif_js_context_get_primary_image_handle(context);
    if (!handle || isHeifError(handle)) throw heifProblem(filePath, isHeifError(handle) ? handle.message : 'no primary image');
    const width = lib.heif_image_handle_get_width(handle);
    const height = lib.heif_image_handle_get_height(handle);
    if (width * height > options.maxPixels) throw photoProblem.tooManyPixels(filePath, { width, height }, options.maxPixels);

    const result = lib.heif_js_decode_image2(handle, lib.heif_colorspace.heif_colorspace_RGB, lib.heif_chroma.heif_chroma_interleaved_RGB);
    if (isHeifError(result) && !('channels' in result)) throw heifProblem(filePath, result.message);
    decoded = result as HeifDecoded;
    const plane = decoded.channels[0];
    if (!plane || plane.width <= 0 || plane.height <= 0 || plane.stride < plane.width * 3) throw heifProblem(filePath, 'no RGB plane');

    const rowBytes = plane.width * 3;
    const layout = options.iccProfile ? rgbTiffLayout(plane.width, plane.height, options.iccProfile) : { buffer: Buffer.allocUnsafe(rowBytes * plane.height), offset: 0 };
    if (plane.stride === rowBytes) {
      layout.buffer.set(plane.data.subarray(0, rowBytes * plane.height), layout.offset);
    } else {
      for (let y = 0; y < plane.height; y++) {
        layout.buffer.set(plane.data.subarray(y * plane.stride, y * plane.stride + rowBytes), layout.offset + y * rowBytes);
      }
    }
    return { data: layout.buffer, container: options.iccProfile ? 'tiff' : 'raw', width: plane.width, height: plane.height };
  } catch (err) {
    if (err instanceof PhotoProblemError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/memory|abort|OOM/i.test(message)) {
      instance = undefined; // a wasm instance that ran out of memory is not safe to reuse
      throw photoProblem.outOfMemory(filePath, err);
    }
    throw heifProblem(filePath, message, err);
  } finally {
    if (decoded) lib.heif_image_release(decoded.image);
    if (handle && !isHeifError(handle)) lib.heif_image_handle_release(handle);
    lib.heif_context_free(context);
    if (instance && instance.HEAPU8.length > MAX_RETAINED_HEAP) instance = undefined;
  }
}

function heifProblem(filePath: string, message: string, cause?: unknown): PhotoProblemError {
  const lower = message.toLowerCase();
  if (lower.includes('security limit') || lower.includes('too large') || lower.includes('maximum image size')) {
    return photoProblem.tooManyPixels(filePath, undefined, undefined, cause ?? new Error(message));
  }
  if (lower.includes('unsupported') || lower.includes('no matching decoder') || lower.includes('not supported')) {
    return photoProblem.unsupportedCompression(filePath, cause ?? new Error(message));
  }
  if (lower.includes('end of data') || lower.includes('too small') || lower.includes('truncated')) {
    return photoProblem.truncated(filePath, `libheif: ${message}`, cause ?? new Error(message));
  }
  return photoProblem.corrupt(filePath, `libheif: ${message}`, cause ?? new Error(message));
}

/**
 * A buffer holding a little-endian, uncompressed, single-strip RGB TIFF with an ICC profile, with the
 * pixel bytes left for the caller to fill from `offset`.
 */
export function rgbTiffLayout(width: number, height: number, icc: Uint8Array): { buffer: Buffer; offset: number } {
  const entries: Array<[tag: number, type: number, count: number, value: number]> = [];
  const entryCount = 11;
  const ifdOffset = 8;
  const bitsOffset = ifdOffset + 2 + entryCount * 12 + 4;
  const iccOffset = bitsOffset + 6;
  const pixelOffset = iccOffset + icc.length + (icc.length % 2);
  const pixelBytes = width * height * 3;
  entries.push(
    [256, 4, 1, width], // ImageWidth
    [257, 4, 1, height], // ImageLength
    [258, 3, 3, bitsOffset], // BitsPerSample 8,8,8
    [259, 3, 1, 1], // Compression: none
    [262, 3, 1, 2], // PhotometricInterpretation: RGB
    [273, 4, 1, pixelOffset], // StripOffsets
    [277, 3, 1, 3], // SamplesPerPixel
    [278, 4, 1, height], // RowsPerStrip
    [279, 4, 1, pixelBytes], // StripByteCounts
    [284, 3, 1, 1], // PlanarConfiguration: chunky
    [34675, 7, icc.length, iccOffset], // ICCProfile
  );
  const buffer = Buffer.allocUnsafe(pixelOffset + pixelBytes);
  buffer.fill(0, 0, pixelOffset);
  buffer.write('II', 0, 'latin1');
  buffer.writeUInt16LE(42, 2);
  buffer.writeUInt32LE(ifdOffset, 4);
  buffer.writeUInt16LE(entryCount, ifdOffset);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdOffset + 2 + i * 12;
    buffer.writeUInt16LE(tag, at);
    buffer.writeUInt16LE(type, at + 2);
    buffer.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) buffer.writeUInt16LE(value, at + 8);
    else buffer.writeUInt32LE(value, at + 8);
  });
  buffer.writeUInt32LE(0, ifdOffset + 2 + entryCount * 12); // no next IFD
  buffer.writeUInt16LE(8, bitsOffset);
  buffer.writeUInt16LE(8, bitsOffset + 2);
  buffer.writeUInt16LE(8, bitsOffset + 4);
  buffer.set(icc, iccOffset);
  return { buffer, offset: pixelOffset };
}
