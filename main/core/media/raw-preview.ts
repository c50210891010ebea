// Finds the JPEG previews that cameras embed in RAW files, largest first, without copying bytes.
//
// [Note: RAW files are shown through their embedded preview]
// Demosaicing sensor data needs a RAW developer (libraw) that sharp's prebuilt libvips lacks. Every RAW
// format we accept carries a camera-rendered JPEG preview, usually full size or at least 1.5 MP (NEF,
// CR2, ARW, DNG from cameras, RW2, RAF, CR3), which is exactly what a search index and a thumbnail need.
// TIFF-based RAWs (DNG, CR2, NEF, ARW, ORF, RW2) list their previews in the TIFF directories; RAF has a
// pointer in its header; CR3 and Olympus makernote previews are found by scanning for JPEG markers and
// checking each hit with the marker walker. Lossless-JPEG raw data (SOF3) is rejected as a preview.
import { DECODABLE_JPEG_FRAMES, readJpegStructure } from './jpeg-structure.ts';
import type { RawFormat } from './photo-format.ts';
import { entryNumbers, ifdNumber, readTiffStructure, TIFF_TAG, type TiffStructure } from './tiff-structure.ts';

export interface EmbeddedJpeg {
  offset: number;
  length: number;
  width: number;
  height: number;
  /** A view into the RAW file's bytes (no copy). */
  bytes: Uint8Array;
}

/** Previews smaller than this on their long side make us also scan the file for bigger ones. */
const SMALL_PREVIEW_SIDE = 1000;
const MAX_SCAN_HITS = 5000;

/** All decodable embedded JPEGs in a RAW file, largest (by pixel count) first. */
export function findEmbeddedJpegs(bytes: Uint8Array, format: RawFormat): EmbeddedJpeg[] {
  const found = new Map<number, EmbeddedJpeg>();
  const add = (offset: number, length: number | undefined) => {
    if (found.has(offset) || offset < 0 || offset >= bytes.length) return;
    const bounded = length !== undefined && length > 0 ? Math.min(bytes.length, offset + length) : bytes.length;
    const jpeg = measure(bytes, offset, bounded) ?? (bounded < bytes.length ? measure(bytes, offset, bytes.length) : undefined);
    if (jpeg) found.set(offset, jpeg);
  };

  if (format === 'raf') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length >= 92) add(view.getUint32(84, false), view.getUint32(88, false));
  } else if (format !== 'cr3') {
    const tiff = readTiffStructure(bytes, 0);
    if (tiff) for (const [offset, length] of tiffJpegPointers(tiff)) add(offset, length);
  }

  const largestSide = Math.max(0, ...[...found.values()].map((jpeg) => Math.max(jpeg.width, jpeg.height)));
  if (largestSide < SMALL_PREVIEW_SIDE) scanForJpegs(bytes, add);

  return [...found.values()].sort((a, b) => b.width * b.height - a.width * a.height);
}

function measure(bytes: Uint8Array, offset: number, limit: number): EmbeddedJpeg | undefined {
  const jpeg = readJpegStructure(bytes, offset, limit);
  if (!jpeg || jpeg.end === undefined || !DECODABLE_JPEG_FRAMES.has(jpeg.frameMarker) || jpeg.width === 0 || jpeg.height === 0) return undefined;
  return { offset, length: jpeg.end - offset, width: jpeg.width, height: jpeg.height, bytes: bytes.subarray(offset, jpeg.end) };
}

/** (offset, length) pairs of JPEG data referenced by the TIFF directories. */
function* tiffJpegPointers(tiff: TiffStructure): Generator<[number, number | undefined]> {
  for (const ifd of tiff.ifds) {
    const jpegOffset = ifdNumber(tiff, ifd, TIFF_TAG.JpegInterchangeFormat);
    if (jpegOffset !== undefined) yield [tiff.start + jpegOffset, ifdNumber(tiff, ifd, TIFF_TAG.JpegInterchangeFormatLength)];

    const compression = ifdNumber(tiff, ifd, TIFF_TAG.Compression);
    const stripOffsets = ifd.entries.get(TIFF_TAG.StripOffsets);
    const stripCounts = ifd.entries.get(TIFF_TAG.StripByteCounts);
    if ((compression === 6 || compression === 7) && stripOffsets?.count === 1 && stripCounts?.count === 1) {
      const [offset] = entryNumbers(tiff, stripOffsets, 1);
      const [length] = entryNumbers(tiff, stripCounts, 1);
      if (offset !== undefined) yield [tiff.start + offset, length];
    }

    const rw2Preview = ifd.via === 'chain' ? ifd.entries.get(TIFF_TAG.PanasonicJpgFromRaw) : undefined;
    if (rw2Preview && rw2Preview.type === 7) yield [rw2Preview.valueOffset, rw2Preview.count];
  }
}

function scanForJpegs(bytes: Uint8Array, add: (offset: number, length: number | undefined) => void): void {
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const soi = Buffer.from([0xff, 0xd8, 0xff]);
  let from = 0;
  for (let hits = 0; hits < MAX_SCAN_HITS; hits++) {
    const at = haystack.indexOf(soi, from);
    if (at < 0) return;
    add(at, undefined);
    from = at + 3;
  }
}
