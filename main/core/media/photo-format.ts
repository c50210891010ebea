// Tells which picture format a file really is from its first bytes (magic numbers), not its name.
import path from 'node:path';
import { readJpegStructure } from './jpeg-structure.ts';
import { ifdText, readTiffStructure, TIFF_TAG } from './tiff-structure.ts';

export type RawFormat = 'dng' | 'cr2' | 'cr3' | 'nef' | 'arw' | 'orf' | 'rw2' | 'raf';
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'heic' | 'heif' | 'gif' | 'tiff' | RawFormat | 'jxl';
export type DetectedFormat = PhotoFormat | 'not-an-image';

/** File extensions (lower case, with the dot) the scanner should consider as photos. */
export const PHOTO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg', '.jpeg', '.jpe', '.png', '.webp', '.avif', '.heic', '.heif', '.hif', '.gif', '.tif', '.tiff',
  '.dng', '.cr2', '.cr3', '.nef', '.arw', '.orf', '.rw2', '.raf', '.jxl',
]);

export const RAW_FORMATS: ReadonlySet<PhotoFormat> = new Set<PhotoFormat>(['dng', 'cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2', 'raf']);

/** Whether `filePath` has one of PHOTO_EXTENSIONS (case-insensitive). */
export function hasPhotoExtension(filePath: string): boolean {
  return PHOTO_EXTENSIONS.has(path.extname(filePath).toLowerCase());
}

export function isRawFormat(format: DetectedFormat): format is RawFormat {
  return RAW_FORMATS.has(format as PhotoFormat);
}

/** The format named for people, with its article: "a JPEG XL image". */
export function describeFormat(format: PhotoFormat): string {
  switch (format) {
    case 'jpeg': return 'a JPEG image';
    case 'png': return 'a PNG image';
    case 'webp': return 'a WebP image';
    case 'avif': return 'an AVIF image';
    case 'heic': return 'a HEIC image';
    case 'heif': return 'a HEIF image';
    case 'gif': return 'a GIF image';
    case 'tiff': return 'a TIFF image';
    case 'jxl': return 'a JPEG XL image';
    case 'dng': return 'a DNG raw photo';
    case 'cr2': return 'a Canon CR2 raw photo';
    case 'cr3': return 'a Canon CR3 raw photo';
    case 'nef': return 'a Nikon NEF raw photo';
    case 'arw': return 'a Sony ARW raw photo';
    case 'orf': return 'an Olympus ORF raw photo';
    case 'rw2': return 'a Panasonic RW2 raw photo';
    case 'raf': return 'a Fujifilm RAF raw photo';
  }
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2', 'miaf', 'MiHE', 'MiHB', 'MiPr']);
const TIFF_RAW_BY_EXTENSION: Readonly<Record<string, RawFormat>> = { '.dng': 'dng', '.cr2': 'cr2', '.nef': 'nef', '.arw': 'arw', '.orf': 'orf', '.rw2': 'rw2' };

/**
 * Detects the format from the leading bytes. `fileName` only breaks ties between TIFF-based RAW formats
 * that share the plain TIFF signature (NEF, ARW); it never turns a non-image into an image.
 */
export function detectPhotoFormat(bytes: Uint8Array, fileName?: string): DetectedFormat {
  if (bytes.length < 4) return 'not-an-image';
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 15) === 'FUJIFILMCCD-RAW') return 'raf';
  if (b(0) === 0xff && b(1) === 0x0a) return 'jxl';
  if (startsWith(bytes, 0, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])) return 'jxl';
  if (ascii(bytes, 4, 4) === 'ftyp') return detectIsoBmff(bytes);
  const order = ascii(bytes, 0, 2);
  if (order === 'II' || order === 'MM') return detectTiffFamily(bytes, order === 'II', fileName);
  return 'not-an-image';
}

function detectIsoBmff(bytes: Uint8Array): DetectedFormat {
  const brands = readFtypBrands(bytes);
  if (!brands) return 'not-an-image';
  const all = [brands.major, ...brands.compatible];
  if (all.includes('crx ')) return 'cr3';
  if (brands.major === 'jxl ') return 'jxl';
  if (AVIF_BRANDS.has(brands.major)) return 'avif';
  if (HEIC_BRANDS.has(brands.major)) return 'heic';
  if (GENERIC_HEIF_BRANDS.has(brands.major) || all.some((brand) => GENERIC_HEIF_BRANDS.has(brand))) {
    if (all.some((brand) => AVIF_BRANDS.has(brand))) return 'avif';
    if (all.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
    return 'heif';
  }
  return 'not-an-image';
}

/** The major and compatible brands of the `ftyp` box at the start of an ISO-BMFF file. */
export function readFtypBrands(bytes: Uint8Array): { major: string; compatible: string[] } | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const size = readUint32BE(bytes, 0);
  const end = Math.min(bytes.length, size < 16 ? 16 : size, 4096);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= end; at += 4) compatible.push(ascii(bytes, at, 4));
  return { major: ascii(bytes, 8, 4), compatible };
}

function detectTiffFamily(bytes: Uint8Array, littleEndian: boolean, fileName: string | undefined): DetectedFormat {
  const magic = littleEndian ? (bytes[2] ?? 0) | ((bytes[3] ?? 0) << 8) : ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  if (magic === 0x4f52 || magic === 0x5352) return 'orf'; // "IIRO", "IIRS", "MMOR"
  if (magic === 0x0055) return 'rw2'; // "IIU\0"
  if (magic === 0x002b) return 'tiff'; // BigTIFF
  if (magic !== 42) return 'not-an-image';
  if (ascii(bytes, 8, 2) === 'CR' && bytes[10] === 2) return 'cr2';
  const tiff = readTiffStructure(bytes, 0, { followPointers: false, maxIfds: 1 });
  const ifd0 = tiff?.ifds[0];
  if (!tiff || !ifd0) return 'not-an-image';
  if (ifd0.entries.has(TIFF_TAG.DngVersion)) return 'dng';
  if (ifd0.entries.has(TIFF_TAG.Sr2Private)) return 'arw';
  if (/^nikon/i.test(ifdText(tiff, ifd0, TIFF_TAG.Make) ?? '') && ifd0.entries.has(TIFF_TAG.SubIFDs)) return 'nef';
  const byExtension = fileName ? TIFF_RAW_BY_EXTENSION[path.extname(fileName).toLowerCase()] : undefined;
  return byExtension ?? 'tiff';
}

/**
 * Whether the file visibly ends before its own structure says it should (a cut-off copy). Only formats
 * with a cheap, reliable check are examined (JPEG, PNG, GIF, WebP, HEIF family); others report false.
 */
export function looksTruncated(format: PhotoFormat, bytes: Uint8Array): boolean {
  switch (format) {
    case 'jpeg': {
      const jpeg = readJpegStructure(bytes);
      return jpeg !== undefined && !jpeg.malformed && jpeg.end === undefined;
    }
    case 'png':
      return !pngHasEnd(bytes);
    case 'gif':
      return lastNonZeroByte(bytes) !== 0x3b;
    case 'webp':
      return readUint32LE(bytes, 4) + 8 > bytes.length;
    case 'heic':
    case 'heif':
    case 'avif':
    case 'cr3':
      return isoBoxesOverrun(bytes);
    default:
      return false;
  }
}

function pngHasEnd(bytes: Uint8Array): boolean {
  let pos = 8;
  for (let guard = 0; guard < 1_000_000 && pos + 8 <= bytes.length; guard++) {
    const length = readUint32BE(bytes, pos);
    const type = ascii(bytes, pos + 4, 4);
    const next = pos + 12 + length;
    if (next > bytes.length) return false;
    if (type === 'IEND') return true;
    pos = next;
  }
  return false;
}

/** Whether a top-level ISO-BMFF box claims to extend past the end of the file. */
function isoBoxesOverrun(bytes: Uint8Array): boolean {
  let pos = 0;
  for (let guard = 0; guard < 10_000 && pos + 8 <= bytes.length; guard++) {
    let size = readUint32BE(bytes, pos);
    if (size === 0) return false; // the box runs to the end of the file
    if (size === 1) {
      if (pos + 16 > bytes.length) return true;
      size = readUint32BE(bytes, pos + 8) * 2 ** 32 + readUint32BE(bytes, pos + 12);
    }
    if (size < 8) return false; // malformed; leave the verdict to the decoder
    pos += size;
  }
  return pos > bytes.length;
}

function lastNonZeroByte(bytes: Uint8Array): number | undefined {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4096; i--) {
    if (bytes[i] !== 0) return bytes[i];
  }
  return undefined;
}

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((value, i) => bytes[at + i] === value);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  let out = '';
  for (let i = at; i < at + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

function readUint32BE(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) >>> 0) + ((bytes[at + 1] ?? 0) << 16) + ((bytes[at + 2] ?? 0) << 8) + (bytes[at + 3] ?? 0);
}

function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) + ((bytes[at + 1] ?? 0) << 8) + ((bytes[at + 2] ?? 0) << 16) + (((bytes[at + 3] ?? 0) << 24) >>> 0);
}
