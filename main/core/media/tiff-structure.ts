// A small, bounds-checked TIFF directory (IFD) walker for TIFF-based RAW files and Canon CR3 metadata boxes.
//
// It reads only the directory structure (tags, types, counts, value offsets) and never trusts an offset
// without checking it against the buffer, so damaged or hostile files end in `undefined`, not a throw.

const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

export const TIFF_TAG = {
  NewSubfileType: 0x00fe,
  ImageWidth: 0x0100,
  ImageLength: 0x0101,
  Compression: 0x0103,
  Make: 0x010f,
  Model: 0x0110,
  StripOffsets: 0x0111,
  Orientation: 0x0112,
  StripByteCounts: 0x0117,
  DateTime: 0x0132,
  SubIFDs: 0x014a,
  JpegInterchangeFormat: 0x0201,
  JpegInterchangeFormatLength: 0x0202,
  ExifIfd: 0x8769,
  GpsIfd: 0x8825,
  DateTimeOriginal: 0x9003,
  DateTimeDigitized: 0x9004,
  OffsetTimeOriginal: 0x9011,
  SubSecTimeOriginal: 0x9291,
  DngVersion: 0xc612,
  Sr2Private: 0x7200,
  /** Panasonic RW2: the full-size JPEG preview, stored as an UNDEFINED byte array in IFD0. */
  PanasonicJpgFromRaw: 0x002e,
} as const;

export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Absolute offset (in the whole buffer) of the entry's value bytes. */
  valueOffset: number;
}

export interface TiffIfd {
  /** Absolute offset of the directory. */
  offset: number;
  /** How this directory was reached: the IFD chain, a SubIFDs entry, or the EXIF/GPS pointer. */
  via: 'chain' | 'sub' | 'exif' | 'gps';
  entries: Map<number, TiffEntry>;
}

export interface TiffStructure {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  /** Absolute offset of the TIFF header; all TIFF offsets are relative to it. */
  start: number;
  /** The 16-bit magic: 42 for TIFF, 0x4f52/0x5352 for Olympus ORF, 0x55 for Panasonic RW2. */
  magic: number;
  ifds: TiffIfd[];
}

export interface ReadTiffOptions {
  /** Follow SubIFDs, EXIF and GPS pointers too (default true). */
  followPointers?: boolean;
  /** Stop after this many directories (default 64). */
  maxIfds?: number;
}

/** Parses the TIFF header at `start` and walks its directories; undefined when it is not a readable TIFF. */
export function readTiffStructure(bytes: Uint8Array, start = 0, options: ReadTiffOptions = {}): TiffStructure | undefined {
  if (start < 0 || start + 8 > bytes.length) return undefined;
  const order = bytes[start] === 0x49 && bytes[start + 1] === 0x49 ? 'II' : bytes[start] === 0x4d && bytes[start + 1] === 0x4d ? 'MM' : undefined;
  if (!order) return undefined;
  const littleEndian = order === 'II';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(start + 2, littleEndian);
  const tiff: TiffStructure = { bytes, view, littleEndian, start, magic, ifds: [] };
  const maxIfds = options.maxIfds ?? 64;
  const followPointers = options.followPointers ?? true;
  const seen = new Set<number>();
  const queue: Array<{ offset: number; via: TiffIfd['via'] }> = [{ offset: start + view.getUint32(start + 4, littleEndian), via: 'chain' }];

  while (queue.length > 0 && tiff.ifds.length < maxIfds) {
    const next = queue.shift();
    if (!next || seen.has(next.offset)) continue;
    seen.add(next.offset);
    const ifd = readIfd(tiff, next.offset, next.via);
    if (!ifd) continue;
    tiff.ifds.push(ifd);
    if (next.via === 'chain') {
      const nextOffset = readNextIfdOffset(tiff, ifd);
      if (nextOffset !== undefined) queue.push({ offset: nextOffset, via: 'chain' });
    }
    if (!followPointers) continue;
    const sub = ifd.entries.get(TIFF_TAG.SubIFDs);
    if (sub) for (const value of entryNumbers(tiff, sub, 16)) queue.push({ offset: start + value, via: 'sub' });
    const exif = ifd.entries.get(TIFF_TAG.ExifIfd);
    if (exif) for (const value of entryNumbers(tiff, exif, 1)) queue.push({ offset: start + value, via: 'exif' });
    const gps = ifd.entries.get(TIFF_TAG.GpsIfd);
    if (gps) for (const value of entryNumbers(tiff, gps, 1)) queue.push({ offset: start + value, via: 'gps' });
  }
  return tiff.ifds.length > 0 ? tiff : undefined;
}

function readIfd(tiff: TiffStructure, offset: number, via: TiffIfd['via']): TiffIfd | undefined {
  const { view, littleEndian, bytes } = tiff;
  if (offset <= tiff.start || offset + 2 > bytes.length) return undefined;
  const count = view.getUint16(offset, littleEndian);
  if (count === 0 || count > 1000 || offset + 2 + count * 12 > bytes.length) return undefined;
  const entries = new Map<number, TiffEntry>();
  for (let i = 0; i < count; i++) {
    const at = offset + 2 + i * 12;
    const tag = view.getUint16(at, littleEndian);
    const type = view.getUint16(at + 2, littleEndian);
    const n = view.getUint32(at + 4, littleEndian);
    const size = TYPE_SIZES[type];
    if (size === undefined) continue;
    const total = size * n;
    const valueOffset = total <= 4 ? at + 8 : tiff.start + view.getUint32(at + 8, littleEndian);
    if (valueOffset + total > bytes.length) continue;
    entries.set(tag, { tag, type, count: n, valueOffset });
  }
  return { offset, via, entries };
}

function readNextIfdOffset(tiff: TiffStructure, ifd: TiffIfd): number | undefined {
  const { view, littleEndian, bytes } = tiff;
  const count = view.getUint16(ifd.offset, littleEndian);
  const at = ifd.offset + 2 + count * 12;
  if (at + 4 > bytes.length) return undefined;
  const next = view.getUint32(at, littleEndian);
  return next === 0 ? undefined : tiff.start + next;
}

/** The numeric values of an entry (integers; rationals as a quotient), at most `max` of them. */
export function entryNumbers(tiff: TiffStructure, entry: TiffEntry, max = 64): number[] {
  const { view, littleEndian } = tiff;
  const out: number[] = [];
  const n = Math.min(entry.count, max);
  for (let i = 0; i < n; i++) {
    switch (entry.type) {
      case 1:
      case 7:
        out.push(view.getUint8(entry.valueOffset + i));
        break;
      case 6:
        out.push(view.getInt8(entry.valueOffset + i));
        break;
      case 3:
        out.push(view.getUint16(entry.valueOffset + i * 2, littleEndian));
        break;
      case 8:
        out.push(view.getInt16(entry.valueOffset + i * 2, littleEndian));
        break;
      case 4:
      case 13:
        out.push(view.getUint32(entry.valueOffset + i * 4, littleEndian));
        break;
      case 9:
        out.push(view.getInt32(entry.valueOffset + i * 4, littleEndian));
        break;
      case 5: {
        const den = view.getUint32(entry.valueOffset + i * 8 + 4, littleEndian);
        out.push(den === 0 ? Number.NaN : view.getUint32(entry.valueOffset + i * 8, littleEndian) / den);
        break;
      }
      case 10: {
        const den = view.getInt32(entry.valueOffset + i * 8 + 4, littleEndian);
        out.push(den === 0 ? Number.NaN : view.getInt32(entry.valueOffset + i * 8, littleEndian) / den);
        break;
      }
      case 11:
        out.push(view.getFloat32(entry.valueOffset + i * 4, littleEndian));
        break;
      case 12:
        out.push(view.getFloat64(entry.valueOffset + i * 8, littleEndian));
        break;
      default:
        return out;
    }
  }
  return out;
}

/** First numeric value of `tag` in `ifd`. */
export function ifdNumber(tiff: TiffStructure, ifd: TiffIfd, tag: number): number | undefined {
  const entry = ifd.entries.get(tag);
  return entry ? entryNumbers(tiff, entry, 1)[0] : undefined;
}

/** ASCII value of `tag` in `ifd`, trimmed, without NUL padding; undefined when absent or blank. */
export function ifdText(tiff: TiffStructure, ifd: TiffIfd, tag: number): string | undefined {
  const entry = ifd.entries.get(tag);
  if (!entry || (entry.type !== 2 && entry.type !== 7 && entry.type !== 1)) return undefined;
  const raw = tiff.bytes.subarray(entry.valueOffset, entry.valueOffset + Math.min(entry.count, 4096));
  const end = raw.indexOf(0);
  const text = new TextDecoder('utf-8').decode(end >= 0 ? raw.subarray(0, end) : raw).trim();
  return text.length > 0 ? text : undefined;
}
