// Builds real (small, synthetic) photo files for the media tests: JPEGs, PNG bombs, RAW containers.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** The shared real-photo test set (see its README.md); undefined when this checkout does not have it. */
export const REAL_PHOTOS: string | undefined = (() => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const folder = path.resolve(repoRoot, '../shared/testdata/real-photos');
  return existsSync(path.join(folder, 'README.md')) ? folder : undefined;
})();

export const REAL_PHOTOS_SKIP_NOTE = 'skipped: ../shared/testdata/real-photos (the shared real-photo test set) is not present next to this checkout';

export function realPhoto(relative: string): string {
  if (!REAL_PHOTOS) throw new Error(REAL_PHOTOS_SKIP_NOTE);
  return path.join(REAL_PHOTOS, relative);
}

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'photobind-media-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A JPEG of random noise: it compresses badly, so cutting it anywhere removes real picture data. */
export async function noiseJpeg(width: number, height: number, options: { progressive?: boolean } = {}): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85, progressive: options.progressive ?? false })
    .toBuffer();
}

/** A solid-colour JPEG with optional EXIF (sharp's withExif keys: IFD0, IFD2 = EXIF, IFD3 = GPS). */
export async function solidJpeg(width: number, height: number, exif?: Record<string, Record<string, string>>, colour = '#4080c0'): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 90 });
  return (exif ? image.withExif(exif) : image).toBuffer();
}

/** A JPEG whose EXIF orientation is `orientation`, with a red top-left quadrant as stored. */
export async function orientedJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  const marker = await sharp({ create: { width: Math.round(width / 2), height: Math.round(height / 2), channels: 3, background: '#ff0000' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#0000ff' } })
    .composite([{ input: marker, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .withMetadata({ orientation })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG whose header declares `width` × `height` RGB pixels: a decompression bomb's calling card. */
export function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(4096))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Random filler that contains no 0xFF byte, so it can never look like a JPEG marker. */
export function bytesWithoutMarkers(length: number): Buffer {
  return Buffer.from(randomBytes(length).map((b) => (b === 0xff ? 0xfe : b)));
}

/** The start of a lossless-JPEG (SOF3) stream, as RAW sensor data is stored in DNG and CR2. */
export function losslessJpegStub(width: number, height: number): Buffer {
  const sof3 = Buffer.from([0xff, 0xc3, 0x00, 0x0b, 0x0c, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof3, sos, bytesWithoutMarkers(256), Buffer.from([0xff, 0xd9])]);
}

type TiffValue = { type: 1 | 2 | 3 | 4 | 7; values: number[] | string | Uint8Array };
export type TiffEntries = Record<number, TiffValue>;

export const tiffShort = (...values: number[]): TiffValue => ({ type: 3, values });
export const tiffLong = (...values: number[]): TiffValue => ({ type: 4, values });
export const tiffAscii = (text: string): TiffValue => ({ type: 2, values: text });
export const tiffBytes = (...values: number[]): TiffValue => ({ type: 1, values });

/**
 * A little-endian TIFF writer: append blobs (previews, raw data) first to learn their offsets, then
 * directories that point at them, then `finish(ifd0)`.
 */
export class TiffBuilder {
  private readonly parts: Buffer[] = [Buffer.alloc(8)];
  private length = 8;

  constructor(private readonly magic = 42) {}

  /** Appends bytes (word-aligned) and returns their offset. */
  append(bytes: Uint8Array): number {
    if (this.length % 2 === 1) this.push(Buffer.alloc(1));
    const offset = this.length;
    this.push(Buffer.from(bytes));
    return offset;
  }

  /** Writes a directory and returns its offset. UNDEFINED (type 7) values are written out of line. */
  directory(entries: TiffEntries, next = 0): number {
    const tags = Object.keys(entries).map(Number).sort((a, b) => a - b);
    const encoded = tags.map((tag) => {
      const entry = entries[tag]!;
      const data = encodeTiffValue(entry);
      const count = entry.type === 2 ? data.length : entry.type === 3 ? data.length / 2 : entry.type === 4 ? data.length / 4 : data.length;
      return { tag, type: entry.type, count, data, offset: data.length > 4 ? this.append(data) : -1 };
    });
    if (this.length % 2 === 1) this.push(Buffer.alloc(1));
    const ifd = Buffer.alloc(2 + encoded.length * 12 + 4);
    ifd.writeUInt16LE(encoded.length, 0);
    encoded.forEach((entry, i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16LE(entry.tag, at);
      ifd.writeUInt16LE(entry.type, at + 2);
      ifd.writeUInt32LE(entry.count, at + 4);
      if (entry.offset >= 0) ifd.writeUInt32LE(entry.offset, at + 8);
      else entry.data.copy(ifd, at + 8);
    });
    ifd.writeUInt32LE(next, 2 + encoded.length * 12);
    return this.append(ifd);
  }

  finish(ifd0Offset: number, header?: Buffer): Buffer {
    const head = this.parts[0]!;
    head.write('II', 0, 'latin1');
    head.writeUInt16LE(this.magic, 2);
    head.writeUInt32LE(ifd0Offset, 4);
    if (header) header.copy(head, 0, 0, Math.min(8, header.length));
    return Buffer.concat(this.parts);
  }

  /** The offset the next appended blob will get (before alignment). */
  get size(): number {
    return this.length;
  }

  private push(bytes: Buffer): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
}

function encodeTiffValue(entry: TiffValue): Buffer {
  if (entry.type === 2) return Buffer.from(`${String(entry.values)}\0`, 'latin1');
  if (entry.values instanceof Uint8Array) return Buffer.from(entry.values);
  const values = entry.values as number[];
  if (entry.type === 3) {
    const out = Buffer.alloc(values.length * 2);
    values.forEach((v, i) => out.writeUInt16LE(v, i * 2));
    return out;
  }
  if (entry.type === 4) {
    const out = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => out.writeUInt32LE(v, i * 4));
    return out;
  }
  return Buffer.from(values);
}

/** A DNG-like file: IFD0 thumbnail JPEG, a SubIFD with the JPEG preview, a SubIFD with lossless raw data. */
export function fakeDng(preview: Buffer, options: { thumbnail?: Buffer; orientation?: number; make?: string; model?: string; dngVersion?: boolean } = {}): Buffer {
  const tiff = new TiffBuilder();
  const previewAt = tiff.append(preview);
  const rawData = losslessJpegStub(6000, 4000);
  const rawAt = tiff.append(rawData);
  const previewIfd = tiff.directory({ 0xfe: tiffLong(1), 0x103: tiffShort(7), 0x111: tiffLong(previewAt), 0x117: tiffLong(preview.length) });
  const rawIfd = tiff.directory({ 0xfe: tiffLong(0), 0x103: tiffShort(7), 0x111: tiffLong(rawAt), 0x117: tiffLong(rawData.length) });
  const ifd0: TiffEntries = {
    0xfe: tiffLong(1),
    0x10f: tiffAscii(options.make ?? 'Canon'),
    0x110: tiffAscii(options.model ?? 'Canon EOS R6'),
    0x112: tiffShort(options.orientation ?? 1),
    0x14a: tiffLong(previewIfd, rawIfd),
  };
  if (options.dngVersion ?? true) ifd0[0xc612] = tiffBytes(1, 4, 0, 0);
  if (options.thumbnail) {
    const thumbAt = tiff.append(options.thumbnail);
    ifd0[0x201] = tiffLong(thumbAt);
    ifd0[0x202] = tiffLong(options.thumbnail.length);
  }
  return tiff.finish(tiff.directory(ifd0));
}

/** A Fujifilm RAF: the magic header, with the JPEG preview pointer at offset 84. */
export function fakeRaf(preview: Buffer): Buffer {
  const header = Buffer.alloc(160);
  header.write('FUJIFILMCCD-RAW 0201FF383501', 0, 'latin1');
  header.writeUInt32BE(160, 84);
  header.writeUInt32BE(preview.length, 88);
  return Buffer.concat([header, preview, randomBytes(4096)]);
}

function isoBox(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A Canon CR3 (ISO-BMFF, brand "crx "): CMT1 metadata in moov/uuid, the preview JPEG inside mdat. */
export function fakeCr3(preview: Buffer, options: { make?: string; model?: string; orientation?: number } = {}): Buffer {
  const cmt1 = new TiffBuilder();
  const cmt1Bytes = cmt1.finish(
    cmt1.directory({ 0x10f: tiffAscii(options.make ?? 'Canon'), 0x110: tiffAscii(options.model ?? 'Canon EOS R5'), 0x112: tiffShort(options.orientation ?? 1) }),
  );
  const ftyp = isoBox('ftyp', Buffer.from('crx \0\0\0\x01crx isom', 'latin1'));
  const uuid = isoBox('uuid', Buffer.from('85c0b687820f11e08111f4ce462b6a48', 'hex'), isoBox('CMT1', cmt1Bytes));
  const moov = isoBox('moov', uuid);
  const mdat = isoBox('mdat', bytesWithoutMarkers(2048), preview, bytesWithoutMarkers(2048));
  return Buffer.concat([ftyp, moov, mdat]);
}

/** A Panasonic RW2 ("IIU"): the preview JPEG stored as UNDEFINED bytes in IFD0 tag 0x2E. */
export function fakeRw2(preview: Buffer, orientation = 1): Buffer {
  const tiff = new TiffBuilder(0x55);
  return tiff.finish(tiff.directory({ 0x2e: { type: 7, values: preview }, 0x10f: tiffAscii('Panasonic'), 0x110: tiffAscii('DC-G9'), 0x112: tiffShort(orientation) }));
}

/** An Olympus ORF ("IIRO"): the preview is not referenced from IFD0 (real ones hide it in the makernote). */
export function fakeOrf(preview: Buffer): Buffer {
  const tiff = new TiffBuilder(0x4f52);
  tiff.append(bytesWithoutMarkers(1024));
  tiff.append(preview);
  return tiff.finish(tiff.directory({ 0x10f: tiffAscii('OLYMPUS IMAGING CORP.'), 0x110: tiffAscii('E-M1'), 0x112: tiffShort(1) }));
}

/** A NEF-like TIFF: Nikon make, a small IFD0 strip, the JPEG preview in a SubIFD (JpegInterchangeFormat). */
export function fakeNef(preview: Buffer): Buffer {
  const tiff = new TiffBuilder();
  const previewAt = tiff.append(preview);
  const sub = tiff.directory({ 0xfe: tiffLong(1), 0x103: tiffShort(6), 0x201: tiffLong(previewAt), 0x202: tiffLong(preview.length) });
  return tiff.finish(tiff.directory({ 0xfe: tiffLong(1), 0x10f: tiffAscii('NIKON CORPORATION'), 0x110: tiffAscii('NIKON Z 6'), 0x112: tiffShort(1), 0x14a: tiffLong(sub) }));
}
