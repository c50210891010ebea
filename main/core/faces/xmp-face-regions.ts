// Named face regions in XMP (MWG regions, as digiKam, Lightroom, Picasa and exiftool write them): read from a photo's embedded XMP and sidecar, converted to and from displayed-photo boxes.
//
// [Note: MWG face regions and orientation]
// An mwg-rs:Regions struct holds mwg-rs:AppliedToDimensions (stDim:w/h/unit) and mwg-rs:RegionList, a
// bag of regions with mwg-rs:Area (stArea:x/y = the CENTRE, stArea:w/h, unit "normalized"), mwg-rs:Name
// and mwg-rs:Type ("Face", "Pet", "Focus", "BarCode"). Tools spell the same struct three ways: child
// elements with rdf:parseType="Resource" (exiftool), attributes on a nested rdf:Description (digiKam,
// Picasa, Lightroom), or a mix; `structProperty` reads all of them. The MWG guidelines (2.0, §5.9) apply
// regions to the STORED image: a viewer that turns the photo by its EXIF orientation must turn the
// regions too (Immich and PiGallery2 both had this bug). AppliedToDimensions therefore names the stored
// size; when it instead matches the displayed size of a turned photo (older digiKam wrote regions
// against the displayed image), the regions are taken as already upright. Boxes in Photobind are
// top-left fractions of the displayed photo (as the face detector gives them). Writing goes to the
// sidecar only (xmp-sidecar.writer.ts, `faceRegions`), as stored-image centres with the stored size.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeXmpText } from '../media/photo-metadata.reader.ts';
import { findAll, parseXml, type MwgRegionsField, type XmlElement } from '../media/xmp-sidecar.writer.ts';
import type { FaceBox } from './face-model.ts';

const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const MWG_RS_NS = 'http://www.metadataworkinggroup.com/schemas/regions/';
const ST_AREA_NS = 'http://ns.adobe.com/xmp/sType/Area#';
const ST_DIM_NS = 'http://ns.adobe.com/xap/1.0/sType/Dimensions#';

export interface NamedFaceRegion {
  /** The person's name, or null for an unnamed face. */
  name: string | null;
  /** Top-left fractions (0–1) of the displayed (upright) photo. */
  box: FaceBox;
}

/** One MWG region as stored: normalised centre and size in the stored image's frame. */
export interface MwgRegion {
  name: string | null;
  type: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MwgRegions {
  appliedToDimensions?: { w: number; h: number };
  regions: MwgRegion[];
}

/** The displayed photo: its size after orientation and its EXIF (or sidecar) orientation, 1–8. */
export interface DisplayedImage {
  width: number;
  height: number;
  orientation: number;
}

/** The mwg-rs:Regions of an XMP document; undefined when it has none (or is not XML). */
export function parseMwgRegions(xmpText: string): MwgRegions | undefined {
  let roots: XmlElement[];
  try {
    roots = parseXml(xmpText.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const regionsElement = findAll(roots, (e) => e.uri === MWG_RS_NS && e.local === 'Regions')[0];
  if (!regionsElement) return undefined;
  const result: MwgRegions = { regions: [] };
  const applied = structChild(regionsElement, MWG_RS_NS, 'AppliedToDimensions');
  if (applied) {
    const w = Number(structProperty(applied, ST_DIM_NS, 'w'));
    const h = Number(structProperty(applied, ST_DIM_NS, 'h'));
    if (w > 0 && h > 0) result.appliedToDimensions = { w, h };
  }
  const list = structChild(regionsElement, MWG_RS_NS, 'RegionList');
  const items = list ? findAll(list.children, (e) => e.uri === RDF_NS && e.local === 'li') : [];
  for (const item of items) {
    const area = structChild(item, MWG_RS_NS, 'Area');
    if (!area) continue;
    let [x, y, w, h] = (['x', 'y', 'w', 'h'] as const).map((key) => Number(structProperty(area, ST_AREA_NS, key)));
    if (![x, y, w, h].every((v) => Number.isFinite(v))) continue;
    const unit = structProperty(area, ST_AREA_NS, 'unit')?.trim().toLowerCase() ?? 'normalized';
    if (unit === 'pixel') {
      if (!result.appliedToDimensions) continue;
      const { w: width, h: height } = result.appliedToDimensions;
      [x, y, w, h] = [x! / width, y! / height, w! / width, h! / height];
    } else if (unit !== 'normalized') continue;
    const name = structProperty(item, MWG_RS_NS, 'Name')?.trim() || null;
    const type = structProperty(item, MWG_RS_NS, 'Type')?.trim() || null;
    result.regions.push({ name, type, x: x!, y: y!, w: w!, h: h! });
  }
  return result;
}

/** The face regions (type Face, or untyped with a name) as boxes on the displayed photo. See [Note: MWG face regions and orientation]. */
export function toDisplayedFaceRegions(mwg: MwgRegions, image: DisplayedImage): NamedFaceRegion[] {
  const orientation = regionsOrientation(mwg, image);
  return mwg.regions
    .filter((r) => (r.type === null ? r.name !== null : r.type.toLowerCase() === 'face') && r.w > 0 && r.h > 0)
    .map((r) => {
      const [cx, cy] = storedToDisplayed(r.x, r.y, orientation);
      const [w, h] = orientation >= 5 ? [r.h, r.w] : [r.w, r.h];
      return { name: r.name, box: clampBox({ x: cx - w / 2, y: cy - h / 2, width: w, height: h }) };
    })
    .filter((r) => r.box.width > 0 && r.box.height > 0);
}

/** Named boxes on the displayed photo as the MWG struct for a sidecar (stored frame, centres, stored size). */
export function toMwgRegionsField(regions: readonly NamedFaceRegion[], image: DisplayedImage): MwgRegionsField {
  const orientation = validOrientation(image.orientation);
  const swap = orientation >= 5;
  return {
    appliedToDimensions: { w: swap ? image.height : image.width, h: swap ? image.width : image.height },
    regions: regions.map(({ name, box }) => {
      const [x, y] = displayedToStored(box.x + box.width / 2, box.y + box.height / 2, orientation);
      const [w, h] = swap ? [box.height, box.width] : [box.width, box.height];
      return { name, x, y, w, h };
    }),
  };
}

export interface PhotoFaceRegions {
  regions: NamedFaceRegion[];
  /** Where they came from: the sidecar wins over the photo's own XMP when it has regions at all. */
  source: 'sidecar' | 'embedded';
  sidecarPath?: string;
}

/**
 * Face regions of a photo from its sidecar (`<file>.xmp`, then `<basename>.xmp`, as the metadata reader
 * looks) or else its embedded XMP packet. `bytes` are the photo's bytes when already read. Never throws:
 * an unreadable sidecar or photo gives what the other holds, or undefined.
 */
export async function readPhotoFaceRegions(photoPath: string, image: DisplayedImage, bytes?: Uint8Array): Promise<PhotoFaceRegions | undefined> {
  const parsed = path.parse(photoPath);
  const base = path.join(parsed.dir, parsed.name);
  for (const candidate of [`${photoPath}.xmp`, `${photoPath}.XMP`, `${base}.xmp`, `${base}.XMP`]) {
    if (candidate === photoPath) continue;
    let text: string;
    try {
      text = decodeXmpText(await readFile(candidate));
    } catch {
      continue;
    }
    const mwg = parseMwgRegions(text);
    if (mwg) return { regions: toDisplayedFaceRegions(mwg, image), source: 'sidecar', sidecarPath: candidate };
    break; // the first sidecar that exists is the photo's (see [Note: XMP sidecar naming])
  }
  let photoBytes = bytes;
  if (!photoBytes) {
    try {
      photoBytes = await readFile(photoPath);
    } catch {
      return undefined;
    }
  }
  const packet = findXmpPacket(photoBytes);
  const mwg = packet ? parseMwgRegions(packet) : undefined;
  return mwg ? { regions: toDisplayedFaceRegions(mwg, image), source: 'embedded' } : undefined;
}

/**
 * The XMP packet embedded in a file, found by scanning for `<x:xmpmeta … </x:xmpmeta>` (the XMP
 * specification's packet scanning, which works for JPEG APP1, TIFF, PNG iTXt, WebP and HEIF alike).
 * Extended XMP split over several JPEG segments is not joined.
 */
export function findXmpPacket(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = buffer.indexOf('<x:xmpmeta');
  if (start < 0) return undefined;
  const endTag = '</x:xmpmeta>';
  const end = buffer.indexOf(endTag, start);
  if (end < 0) return undefined;
  return buffer.subarray(start, end + endTag.length).toString('utf8');
}

/** Intersection over union of two boxes. */
export function boxOverlap(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Regions overlapping a detected face by at least this IoU name it (tools draw boxes of different tightness). */
export const REGION_MATCH_OVERLAP = 0.3;

/** For each detected face, the name of the region that overlaps it most (each region used once), or null. */
export function namesForFaces(faces: readonly FaceBox[], regions: readonly NamedFaceRegion[]): Array<string | null> {
  const pairs: Array<{ face: number; region: number; overlap: number }> = [];
  faces.forEach((face, i) => regions.forEach((region, j) => {
    const overlap = boxOverlap(face, region.box);
    if (overlap >= REGION_MATCH_OVERLAP && region.name) pairs.push({ face: i, region: j, overlap });
  }));
  pairs.sort((a, b) => b.overlap - a.overlap);
  const names: Array<string | null> = faces.map(() => null);
  const usedRegions = new Set<number>();
  for (const { face, region } of pairs) {
    if (names[face] !== null || usedRegions.has(region)) continue;
    names[face] = regions[region]!.name;
    usedRegions.add(region);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------

/** A struct's node and its nested rdf:Description nodes: where its fields may be written. */
function structNodes(element: XmlElement): XmlElement[] {
  return [element, ...element.children.filter((c) => c.uri === RDF_NS && c.local === 'Description')];
}

/** A field of a struct, written as an attribute or as a child element. */
function structProperty(element: XmlElement, uri: string, local: string): string | undefined {
  for (const node of structNodes(element)) {
    const attr = node.attrs.find((a) => a.uri === uri && a.local === local);
    if (attr) return attr.value;
    const child = node.children.find((c) => c.uri === uri && c.local === local);
    if (child) return child.text;
  }
  return undefined;
}

function structChild(element: XmlElement, uri: string, local: string): XmlElement | undefined {
  for (const node of structNodes(element)) {
    const child = node.children.find((c) => c.uri === uri && c.local === local);
    if (child) return child;
  }
  return undefined;
}

function validOrientation(orientation: number): number {
  return Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1;
}

/** The orientation to apply: the photo's, unless AppliedToDimensions shows the regions were written upright. */
function regionsOrientation(mwg: MwgRegions, image: DisplayedImage): number {
  const orientation = validOrientation(image.orientation);
  const applied = mwg.appliedToDimensions;
  if (orientation < 5 || !applied || image.width === image.height) return orientation;
  const aspect = (w: number, h: number) => w / h;
  const displayed = aspect(image.width, image.height);
  const stored = aspect(image.height, image.width);
  const given = aspect(applied.w, applied.h);
  const near = (a: number, b: number) => Math.abs(a / b - 1) < 0.02;
  return near(given, displayed) && !near(given, stored) ? 1 : orientation;
}

/** A normalised point of the stored image, on the displayed one (EXIF orientations 1–8). */
export function storedToDisplayed(u: number, v: number, orientation: number): [number, number] {
  switch (orientation) {
    case 2: return [1 - u, v];
    case 3: return [1 - u, 1 - v];
    case 4: return [u, 1 - v];
    case 5: return [v, u];
    case 6: return [1 - v, u];
    case 7: return [1 - v, 1 - u];
    case 8: return [v, 1 - u];
    default: return [u, v];
  }
}

/** The inverse of storedToDisplayed: 6 and 8 undo each other, the others undo themselves. */
export function displayedToStored(x: number, y: number, orientation: number): [number, number] {
  return storedToDisplayed(x, y, orientation === 6 ? 8 : orientation === 8 ? 6 : orientation);
}

function clampBox(box: FaceBox): FaceBox {
  const left = Math.min(1, Math.max(0, box.x));
  const top = Math.min(1, Math.max(0, box.y));
  const right = Math.min(1, Math.max(0, box.x + box.width));
  const bottom = Math.min(1, Math.max(0, box.y + box.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}
