// Reads a photo's capture time, place, camera, orientation, caption, keywords and rating (EXIF, IPTC, XMP
// and an .xmp sidecar). Never throws: whatever could be read is returned.
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Exifr from 'exifr';
import { detectPhotoFormat, type DetectedFormat } from './photo-format.ts';
import { MAX_SIDECAR_BYTES, sidecarCandidates } from './sidecar-stamp.ts';
import {
  cameraText,
  cleanDescription,
  exifDateTime,
  exifGps,
  gpsDateTime,
  hierarchicalLeaves,
  iptcDateTime,
  isRecord,
  mergeKeywords,
  orientationValue,
  starRating,
  textList,
  xmpDateTime,
  xmpGps,
  type GpsPosition,
  type LocalIsoDateTime,
} from './photo-metadata-fields.ts';

export type { GpsPosition, LocalIsoDateTime } from './photo-metadata-fields.ts';

// exifr ships a UMD build (Node's "main") and an ESM build (bundlers' "module") whose default exports
// differ (the ESM default lacks `sidecar`). Loading the CommonJS build explicitly gives the same API
// under Node, tsx and Vitest.
// Loaded on first use, so commands that import this file for its helpers (status, the XMP writer) do not pay for it.
let exifrModule: typeof Exifr | undefined;
const loadExifr = () => (exifrModule ??= createRequire(import.meta.url)('exifr') as typeof Exifr);

export interface PhotoMetadata {
  /** Capture time as the camera wrote it (local time), plus its UTC offset when known; see LocalIsoDateTime. */
  takenAt?: LocalIsoDateTime;
  gps?: GpsPosition;
  camera?: { make?: string; model?: string };
  /**
   * EXIF orientation (1–8) a viewer must apply to the stored pixels. Always 1 for HEIF/HEIC/AVIF: those
   * carry their own rotation boxes (irot/imir), which the decoder applies, and their EXIF orientation is
   * informational only (HEIF spec; libheif, browsers and Apple ignore it).
   */
  orientation: number;
  description?: string;
  /** Keywords from XMP dc:subject, IPTC Keywords and Lightroom hierarchical keywords (leaf names), deduplicated. */
  keywords: string[];
  /** 1–5 stars, or -1 for "rejected"; undefined when unrated. */
  rating?: number;
}

type Fields = Record<string, unknown>;

/** The raw blocks found in one file or sidecar; XMP is keyed by namespace URI. */
interface MetadataSources {
  ifd0?: Fields;
  exif?: Fields;
  gps?: Fields;
  iptc?: Fields;
  xmp?: XmpNamespaces;
}

type XmpNamespaces = Map<string, Fields>;

const NS = {
  dc: 'http://purl.org/dc/elements/1.1/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  exif: 'http://ns.adobe.com/exif/1.0/',
  exifEX: 'http://cipa.jp/exif/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  lr: 'http://ns.adobe.com/lightroom/1.0/',
} as const;

const EXIFR_OPTIONS = {
  tiff: true,
  ifd0: {},
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: { parse: false },
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
} as const;

const HEIF_FAMILY: ReadonlySet<DetectedFormat> = new Set<DetectedFormat>(['heic', 'heif', 'avif']);

export interface ReadPhotoMetadataOptions {
  /** The format if already detected (saves a second detection). */
  format?: DetectedFormat;
  /** Look for an .xmp sidecar next to the photo (default true). */
  sidecar?: boolean;
  /** Extra bytes to read metadata from when the file itself has none (e.g. a RAW's embedded preview). */
  fallbackBytes?: Uint8Array;
}

/**
 * Metadata of the photo at `filePath`. Pass `bytes` when the file is already in memory (it is not read
 * again). Sidecar values (`<file>.xmp` or `<basename>.xmp`) win over embedded ones, field by field.
 */
export async function readPhotoMetadata(filePath: string, bytes?: Uint8Array, options: ReadPhotoMetadataOptions = {}): Promise<PhotoMetadata> {
  let data = bytes;
  if (!data) {
    try {
      data = await readFile(filePath);
    } catch {
      data = new Uint8Array(0);
    }
  }
  const format = options.format ?? detectPhotoFormat(data, filePath);
  const [embedded, fallback, sidecar] = await Promise.all([
    readEmbeddedSources(data, format),
    options.fallbackBytes ? readEmbeddedSources(options.fallbackBytes, 'jpeg') : Promise.resolve(undefined),
    options.sidecar === false ? Promise.resolve(undefined) : readSidecarXmp(filePath),
  ]);
  return buildMetadata(embedded, fallback, sidecar, format);
}

/** Metadata blocks embedded in the file's bytes; empty when none can be read. */
async function readEmbeddedSources(bytes: Uint8Array, format: DetectedFormat): Promise<MetadataSources> {
  try {
    switch (format) {
      case 'not-an-image':
      case 'jxl':
      case 'gif':
        return {};
      case 'webp':
        return await readWebpSources(bytes);
      case 'cr3':
        return await readCr3Sources(bytes);
      case 'raf': {
        // Fujifilm keeps EXIF only in the JPEG preview that the RAF header points to.
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (bytes.length < 92) return {};
        const offset = view.getUint32(84, false);
        const length = view.getUint32(88, false);
        return offset > 0 && offset + length <= bytes.length ? await readExifrSources(bytes.subarray(offset, offset + length)) : {};
      }
      case 'orf': {
        // Olympus uses its own TIFF magic ("IIRO"); exifr only knows 42, so parse a patched copy.
        const patched = Buffer.from(bytes);
        patched.writeUInt16LE(42, 2);
        return await readExifrSources(patched);
      }
      default:
        return await readExifrSources(bytes);
    }
  } catch {
    return {};
  }
}

/**
 * exifr drops everything when one block fails (e.g. a NEF whose IFD0 holds IPTC as a LONG array), so
 * when the full read yields only errors, read again without IPTC, then without XMP as well.
 */
async function readExifrSources(bytes: Uint8Array): Promise<MetadataSources> {
  const attempts = [EXIFR_OPTIONS, { ...EXIFR_OPTIONS, iptc: false }, { ...EXIFR_OPTIONS, iptc: false, xmp: false }];
  for (const options of attempts) {
    let output: unknown;
    try {
      output = await loadExifr().parse(bytes, options);
    } catch {
      continue;
    }
    if (!isRecord(output)) return {};
    const usable = Object.keys(output).some((key) => key !== 'errors');
    if (usable) return exifrOutputToSources(output);
  }
  return {};
}

async function exifrOutputToSources(output: Record<string, unknown>): Promise<MetadataSources> {
  const sources: MetadataSources = {
    ifd0: recordOrUndefined(output['ifd0']),
    exif: recordOrUndefined(output['exif']),
    gps: recordOrUndefined(output['gps']),
    iptc: recordOrUndefined(output['iptc']),
  };
  const xmp = output['xmp'];
  if (typeof xmp === 'string') sources.xmp = await parseXmp(xmp);
  return sources;
}

/** WebP keeps EXIF and XMP in RIFF chunks, which exifr does not read. */
async function readWebpSources(bytes: Uint8Array): Promise<MetadataSources> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sources: MetadataSources = {};
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const type = String.fromCharCode(...bytes.subarray(pos, pos + 4));
    const size = view.getUint32(pos + 4, true);
    const body = bytes.subarray(pos + 8, Math.min(bytes.length, pos + 8 + size));
    if (type === 'EXIF') {
      const exifStart = body[0] === 0x45 && body[1] === 0x78 ? 6 : 0; // optional "Exif\0\0"
      sources = { ...(await readExifrSources(body.subarray(exifStart))), xmp: sources.xmp };
    } else if (type === 'XMP ') {
      sources.xmp = await parseXmp(decodeXmpText(body));
    }
    pos += 8 + size + (size % 2);
  }
  return sources;
}

const EXIF_TAG_NAMES: Readonly<Record<string, string>> = {
  '36867': 'DateTimeOriginal',
  '36868': 'CreateDate',
  '36880': 'OffsetTime',
  '36881': 'OffsetTimeOriginal',
  '36882': 'OffsetTimeDigitized',
  '37521': 'SubSecTimeOriginal',
  '37522': 'SubSecTimeDigitized',
};
const GPS_TAG_NAMES: Readonly<Record<string, string>> = {
  '1': 'GPSLatitudeRef',
  '2': 'GPSLatitude',
  '3': 'GPSLongitudeRef',
  '4': 'GPSLongitude',
  '7': 'GPSTimeStamp',
  '29': 'GPSDateStamp',
};

/**
 * Canon CR3 stores IFD0, EXIF and GPS as separate little TIFFs in CMT1/CMT2/CMT4 boxes near the start
 * of the file. exifr reads each as an IFD0, so EXIF and GPS tags come back numeric and are renamed here.
 */
async function readCr3Sources(bytes: Uint8Array): Promise<MetadataSources> {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024 * 1024));
  const box = (name: string): Uint8Array | undefined => {
    const at = head.indexOf(name, 0, 'latin1');
    if (at < 4) return undefined;
    const size = head.readUInt32BE(at - 4);
    return size > 8 && at - 4 + size <= bytes.length ? bytes.subarray(at + 4, at - 4 + size) : undefined;
  };
  const ifd0Of = async (tiff: Uint8Array | undefined) => (tiff ? (await readExifrSources(tiff)).ifd0 : undefined);
  const [ifd0, exifRaw, gpsRaw, xmpBox] = await Promise.all([ifd0Of(box('CMT1')), ifd0Of(box('CMT2')), ifd0Of(box('CMT4')), Promise.resolve(box('XMP '))]);
  const renamed = (fields: Fields | undefined, names: Readonly<Record<string, string>>) =>
    fields ? Object.fromEntries(Object.entries(fields).map(([key, value]) => [names[key] ?? key, value])) : undefined;
  return {
    ifd0,
    exif: renamed(exifRaw, EXIF_TAG_NAMES),
    gps: renamed(gpsRaw, GPS_TAG_NAMES),
    xmp: xmpBox ? await parseXmp(decodeXmpText(xmpBox)) : undefined,
  };
}

/** The first sidecar that exists: `IMG_1.CR2.xmp` (darktable, digiKam) before `IMG_1.xmp` (Lightroom). */
async function readSidecarXmp(filePath: string): Promise<XmpNamespaces | undefined> {
  for (const candidate of sidecarCandidates(filePath)) {
    try {
      const info = await stat(candidate);
      if (!info.isFile() || info.size === 0 || info.size > MAX_SIDECAR_BYTES) continue;
      return await parseXmp(decodeXmpText(await readFile(candidate)));
    } catch {
      continue;
    }
  }
  return undefined;
}

/** XMP bytes as text: UTF-8, or UTF-16 (with or without BOM; Lightroom 4 wrote UTF-16 sidecars). */
export function decodeXmpText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const probe = bytes.subarray(0, 64);
  const zeros = probe.filter((b) => b === 0).length;
  if (zeros > probe.length / 4) return new TextDecoder(probe[0] === 0 ? 'utf-16be' : 'utf-16le').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** XMP text parsed (by exifr) into namespaces keyed by URI. */
async function parseXmp(text: string): Promise<XmpNamespaces | undefined> {
  const clean = text.replace(/^\uFEFF/, '').replaceAll('\u0000', '');
  if (!clean.includes('<')) return undefined;
  let output: unknown;
  try {
    output = await loadExifr().sidecar(Buffer.from(clean, 'utf8'), { translateValues: false, reviveValues: true }, 'xmp');
  } catch {
    return undefined;
  }
  if (!isRecord(output)) return undefined;
  const prefixes = isRecord(output['xmlns']) ? output['xmlns'] : {};
  const namespaces: XmpNamespaces = new Map();
  for (const [prefix, fields] of Object.entries(output)) {
    if (prefix === 'xmlns' || !isRecord(fields)) continue;
    const uri = typeof prefixes[prefix] === 'string' ? prefixes[prefix] : knownUri(prefix);
    if (!uri) continue;
    namespaces.set(uri, { ...(namespaces.get(uri) ?? {}), ...fields });
  }
  return namespaces;
}

function knownUri(prefix: string): string | undefined {
  return (NS as Record<string, string>)[prefix];
}

function xmpField(xmp: XmpNamespaces | undefined, uri: string, name: string): unknown {
  return xmp?.get(uri)?.[name];
}

/** Capture time from XMP: exif:DateTimeOriginal, photoshop:DateCreated, then xmp:CreateDate. */
function xmpTakenAt(xmp: XmpNamespaces | undefined): LocalIsoDateTime | undefined {
  return (
    xmpDateTime(xmpField(xmp, NS.exif, 'DateTimeOriginal')) ??
    xmpDateTime(xmpField(xmp, NS.exifEX, 'DateTimeOriginal')) ??
    xmpDateTime(xmpField(xmp, NS.photoshop, 'DateCreated')) ??
    xmpDateTime(xmpField(xmp, NS.xmp, 'CreateDate'))
  );
}

function exifTakenAt(s: MetadataSources): LocalIsoDateTime | undefined {
  const exif = s.exif ?? {};
  return (
    exifDateTime(exif['DateTimeOriginal'], exif['SubSecTimeOriginal'], exif['OffsetTimeOriginal'] ?? exif['OffsetTime']) ??
    xmpTakenAt(s.xmp) ??
    exifDateTime(exif['CreateDate'] ?? exif['DateTimeDigitized'], exif['SubSecTimeDigitized'], exif['OffsetTimeDigitized'] ?? exif['OffsetTime']) ??
    iptcDateTime(s.iptc?.['DateCreated'], s.iptc?.['TimeCreated']) ??
    gpsDateTime(s.gps?.['GPSDateStamp'], s.gps?.['GPSTimeStamp']) ??
    xmpDateTime(xmpField(s.xmp, NS.exif, 'GPSTimeStamp'))
  );
}

function sourcesGps(s: MetadataSources): GpsPosition | undefined {
  const gps = s.gps ?? {};
  return (
    exifGps(gps['GPSLatitude'], gps['GPSLatitudeRef'], gps['GPSLongitude'], gps['GPSLongitudeRef']) ??
    xmpGps(xmpField(s.xmp, NS.exif, 'GPSLatitude'), xmpField(s.xmp, NS.exif, 'GPSLongitude'))
  );
}

function sourcesDescription(s: MetadataSources): string | undefined {
  return (
    cleanDescription(xmpField(s.xmp, NS.dc, 'description')) ??
    cleanDescription(s.iptc?.['Caption']) ??
    cleanDescription(s.ifd0?.['ImageDescription'])
  );
}

function xmpKeywords(xmp: XmpNamespaces | undefined): string[] {
  return mergeKeywords(textList(xmpField(xmp, NS.dc, 'subject')), hierarchicalLeaves(xmpField(xmp, NS.lr, 'hierarchicalSubject')));
}

function sourcesKeywords(s: MetadataSources): string[] {
  return mergeKeywords(xmpKeywords(s.xmp), textList(s.iptc?.['Keywords']));
}

function sourcesCamera(s: MetadataSources): { make?: string; model?: string } {
  return {
    make: cameraText(s.ifd0?.['Make']) ?? cameraText(xmpField(s.xmp, NS.tiff, 'Make')),
    model: cameraText(s.ifd0?.['Model']) ?? cameraText(xmpField(s.xmp, NS.tiff, 'Model')),
  };
}

function sourcesRating(s: MetadataSources): number | undefined {
  return starRating(xmpField(s.xmp, NS.xmp, 'Rating')) ?? starRating(s.ifd0?.['Rating']);
}

/** Combines embedded blocks, an optional fallback (RAW preview), and the sidecar (which wins). */
function buildMetadata(embedded: MetadataSources, fallback: MetadataSources | undefined, sidecar: XmpNamespaces | undefined, format: DetectedFormat): PhotoMetadata {
  const file: MetadataSources[] = fallback ? [embedded, fallback] : [embedded];
  const first = <T>(pick: (s: MetadataSources) => T | undefined): T | undefined => {
    for (const s of file) {
      const value = pick(s);
      if (value !== undefined) return value;
    }
    return undefined;
  };

  const takenAt = xmpTakenAt(sidecar) ?? first(exifTakenAt);
  const gps = xmpGps(xmpField(sidecar, NS.exif, 'GPSLatitude'), xmpField(sidecar, NS.exif, 'GPSLongitude')) ?? first(sourcesGps);
  const description = cleanDescription(xmpField(sidecar, NS.dc, 'description')) ?? first(sourcesDescription);
  const sidecarKeywords = xmpKeywords(sidecar);
  const keywords = sidecarKeywords.length > 0 ? sidecarKeywords : (file.map(sourcesKeywords).find((list) => list.length > 0) ?? []);
  const rating = starRating(xmpField(sidecar, NS.xmp, 'Rating')) ?? first(sourcesRating);
  const make = cameraText(xmpField(sidecar, NS.tiff, 'Make')) ?? first((s) => sourcesCamera(s).make);
  const model = cameraText(xmpField(sidecar, NS.tiff, 'Model')) ?? first((s) => sourcesCamera(s).model);
  const orientation = HEIF_FAMILY.has(format)
    ? 1
    : (orientationValue(xmpField(sidecar, NS.tiff, 'Orientation')) ??
      orientationValue(embedded.ifd0?.['Orientation']) ??
      orientationValue(xmpField(embedded.xmp, NS.tiff, 'Orientation')) ??
      1);

  const metadata: PhotoMetadata = { orientation, keywords };
  if (takenAt) metadata.takenAt = takenAt;
  if (gps) metadata.gps = gps;
  if (make || model) metadata.camera = { ...(make ? { make } : {}), ...(model ? { model } : {}) };
  if (description) metadata.description = description;
  if (rating !== undefined) metadata.rating = rating;
  return metadata;
}

function recordOrUndefined(value: unknown): Fields | undefined {
  return isRecord(value) ? value : undefined;
}
