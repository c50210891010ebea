// Writes a photo's caption, keywords and named face regions to an XMP sidecar (dc:description, dc:subject,
// mwg-rs:Regions) that Lightroom, digiKam and darktable read, keeping every other byte of an existing
// sidecar as it was.
//
// [Note: XMP sidecar naming]
// Tools disagree on names: Lightroom writes `IMG_1.xmp` (only for proprietary RAWs; for JPEG, TIFF, PNG
// and DNG it writes into the file), digiKam and darktable write `IMG_1.CR2.xmp`. We update the sidecar
// that already exists, in the order photo-metadata.reader.ts reads them (`<file>.xmp` first), so the
// next index reads what we wrote. `<basename>.xmp` belongs to a photo only when no other file shares its
// basename, or when the photo is the only RAW of such a group (RAW+JPEG pairs: Lightroom's `IMG_1.xmp`
// describes the CR2, never the JPG). Otherwise, and when there is no sidecar yet, we use `<file>.xmp`,
// which can never be mistaken for a sibling's; a new sidecar for a photo without siblings is
// `<basename>.xmp`, the name Lightroom and Capture One look for. The photo file itself is never
// written: rewriting a JPEG's APP1 segment changes its mtime and content hash (forcing a re-index) and
// risks the original for little gain, since every tool above reads sidecars.
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeXmpText } from './photo-metadata.reader.ts';
import { PHOTO_EXTENSIONS } from './photo-format.ts';
import { MAX_SIDECAR_BYTES } from './sidecar-stamp.ts';

const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const DC_NS = 'http://purl.org/dc/elements/1.1/';
const MWG_RS_NS = 'http://www.metadataworkinggroup.com/schemas/regions/';
const ST_AREA_NS = 'http://ns.adobe.com/xmp/sType/Area#';
const ST_DIM_NS = 'http://ns.adobe.com/xap/1.0/sType/Dimensions#';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const RAW_EXTENSIONS: ReadonlySet<string> = new Set(['.dng', '.cr2', '.cr3', '.nef', '.arw', '.orf', '.rw2', '.raf']);

/** What to change. `undefined` leaves a field as it is; `null`, `''` or `[]` removes it. */
export interface SidecarFields {
  /** dc:description, written as an rdf:Alt with one xml:lang="x-default" item. */
  description?: string | null;
  /** dc:subject, written as an rdf:Bag. */
  keywords?: readonly string[] | null;
  /** 'replace' (default) writes exactly `keywords`; 'merge' keeps the sidecar's keywords and appends new ones. */
  keywordsMode?: 'replace' | 'merge';
  /**
   * Called with the sidecar's current x-default description (null when none); the description is
   * written only if it returns true. Lets a caller protect a description a person wrote elsewhere.
   */
  replaceDescriptionIf?: (current: string | null) => boolean;
  /**
   * Named face regions (mwg-rs:Regions): replace the sidecar's Face regions; other regions (pets,
   * focus points) are kept. `null` or no regions removes the Face regions. In MWG terms: stored-image
   * frame, normalised centres (see [Note: MWG face regions and orientation] in main/core/faces).
   */
  faceRegions?: MwgRegionsField | null;
}

/** Face regions as the MWG struct stores them. */
export interface MwgRegionsField {
  /** The stored image's size in pixels (before EXIF orientation). */
  appliedToDimensions: { w: number; h: number };
  /** Normalised centre x/y and size w/h in the stored image. */
  regions: Array<{ name: string | null; x: number; y: number; w: number; h: number }>;
}

export interface SidecarWriteResult {
  sidecarPath: string;
  /** A new sidecar was created (none existed). */
  created: boolean;
  /** The file was written (false when it already said exactly this). */
  changed: boolean;
  /** The description was written (false when `replaceDescriptionIf` declined, or none was given). */
  descriptionWritten: boolean;
}

/** An existing sidecar could not be updated safely (not XML, no XMP packet); it is left untouched. */
export class XmpSidecarError extends Error {
  constructor(message: string, readonly sidecarPath: string) {
    super(message);
    this.name = 'XmpSidecarError';
  }
}

/** The sidecar a photo's metadata goes to, and whether it exists. See [Note: XMP sidecar naming]. */
export async function sidecarPathFor(photoPath: string): Promise<{ path: string; exists: boolean }> {
  const parsed = path.parse(photoPath);
  const basePath = path.join(parsed.dir, parsed.name);
  const names = new Set(await readdir(parsed.dir).catch(() => [] as string[]));
  const fileStyle = [`${parsed.base}.xmp`, `${parsed.base}.XMP`].find((name) => names.has(name));
  if (fileStyle) return { path: path.join(parsed.dir, fileStyle), exists: true };
  // Other files with the same basename (IMG_1.CR2 beside IMG_1.JPG, a Live Photo's IMG_1.MOV...).
  const siblings = [...names].filter((name) => {
    const other = path.parse(name);
    return other.name.toLowerCase() === parsed.name.toLowerCase() && name !== parsed.base && other.ext.toLowerCase() !== '.xmp' && !name.startsWith('.');
  });
  const isRaw = (name: string) => RAW_EXTENSIONS.has(path.extname(name).toLowerCase());
  const ownsBasename = siblings.length === 0 || (isRaw(parsed.base) && !siblings.some(isRaw));
  if (ownsBasename) {
    const baseStyle = [`${parsed.name}.xmp`, `${parsed.name}.XMP`].find((name) => names.has(name) && name !== parsed.base);
    if (baseStyle) return { path: path.join(parsed.dir, baseStyle), exists: true };
    if (siblings.length === 0 && PHOTO_EXTENSIONS.has(parsed.ext.toLowerCase())) return { path: `${basePath}.xmp`, exists: false };
  }
  return { path: `${photoPath}.xmp`, exists: false };
}

/**
 * Writes `fields` into the photo's sidecar (creating `<basename>.xmp` or `<file>.xmp` when there is
 * none), atomically: a temporary sibling is written, flushed and renamed over the sidecar.
 */
export async function writeSidecar(photoPath: string, fields: SidecarFields): Promise<SidecarWriteResult> {
  const target = await sidecarPathFor(photoPath);
  if (!target.exists) {
    const descriptionWritten = Boolean(cleanText(fields.description ?? '')) && (fields.replaceDescriptionIf?.(null) ?? true);
    const content = { description: descriptionWritten ? fields.description : undefined, keywords: fields.keywords };
    const hasRegions = (fields.faceRegions?.regions.length ?? 0) > 0;
    if (!descriptionWritten && !cleanKeywords(fields.keywords ?? []).length && !hasRegions) return { sidecarPath: target.path, created: false, changed: false, descriptionWritten: false };
    const packet = hasRegions ? updateFaceRegions(newXmpPacket(content), fields.faceRegions!) : newXmpPacket(content);
    await writeFileAtomic(target.path, Buffer.from(packet, 'utf8'));
    return { sidecarPath: target.path, created: true, changed: true, descriptionWritten };
  }
  const info = await stat(target.path);
  if (info.size > MAX_SIDECAR_BYTES) throw new XmpSidecarError(`The sidecar ${target.path} is larger than 16 MB; it was left untouched.`, target.path);
  // A sidecar someone made read-only is a request to leave it alone (renaming over it would work).
  if ((info.mode & 0o222) === 0) throw new XmpSidecarError(`The sidecar ${target.path} is read-only; it was left untouched.`, target.path);
  const bytes = await readFile(target.path);
  const encoding = detectEncoding(bytes);
  const original = decodeXmpText(bytes);
  let updated: { text: string; descriptionWritten: boolean };
  try {
    updated = updateXmpText(original, fields);
  } catch (error) {
    throw new XmpSidecarError(`The sidecar ${target.path} could not be updated (${(error as Error).message}); it was left untouched.`, target.path);
  }
  if (updated.text === original) return { sidecarPath: target.path, created: false, changed: false, descriptionWritten: updated.descriptionWritten };
  await writeFileAtomic(target.path, encodeText(updated.text, encoding), { mode: info.mode });
  return { sidecarPath: target.path, created: false, changed: true, descriptionWritten: updated.descriptionWritten };
}

/** A complete XMP packet holding only dc:description and dc:subject. */
export function newXmpPacket(fields: Pick<SidecarFields, 'description' | 'keywords'>): string {
  const body = dcElements(fields, 'dc', 'rdf', '   ');
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Photobind">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `  <rdf:Description rdf:about="" xmlns:dc="${DC_NS}">${body.map((line) => `\n${line}`).join('')}`,
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
    '',
  ].join('\n');
}

/**
 * Sets dc:description / dc:subject in an XMP document's text by splicing: existing dc:description and
 * dc:subject (as elements or attributes, in any rdf:Description) are removed and the new ones are
 * inserted into one rdf:Description; every other byte stays as it was. Throws if the text is not
 * well-formed XML or has no rdf:RDF.
 */
export function updateXmpText(text: string, fields: SidecarFields): { text: string; descriptionWritten: boolean } {
  if (fields.faceRegions !== undefined) {
    const { faceRegions, ...rest } = fields;
    const updated = updateXmpText(text, rest);
    return { text: updateFaceRegions(updated.text, faceRegions), descriptionWritten: updated.descriptionWritten };
  }
  const roots = parseXml(text);
  const rdf = findAll(roots, (e) => e.uri === RDF_NS && e.local === 'RDF')[0];
  if (!rdf) throw new Error('no rdf:RDF element, so it is not XMP');
  const descriptions = findAll(rdf.children, (e) => e.uri === RDF_NS && e.local === 'Description');

  const current = currentValues(descriptions);
  const wantDescription = fields.description !== undefined && (fields.replaceDescriptionIf?.(current.description) ?? true);
  let keywords: string[] | undefined;
  if (fields.keywords !== undefined) {
    const given = cleanKeywords(fields.keywords ?? []);
    keywords = fields.keywordsMode === 'merge' ? mergeKeywordLists(current.keywords, given) : given;
  }
  const targets = new Set<string>();
  if (wantDescription) targets.add('description');
  if (keywords !== undefined) targets.add('subject');
  if (targets.size === 0) return { text, descriptionWritten: false };

  const edits: Edit[] = [];
  let host: XmlElement | undefined;
  for (const description of descriptions) {
    for (const child of description.children) {
      if (child.uri === DC_NS && targets.has(child.local)) {
        edits.push({ start: lineStart(text, child.start), end: child.end, insert: '' });
        host ??= description;
      }
    }
    for (const attr of description.attrs) {
      if (attr.uri === DC_NS && targets.has(attr.local)) {
        edits.push({ start: attr.start, end: attr.end, insert: '' });
        host ??= description;
      }
    }
  }
  const newFields = { ...(wantDescription ? { description: fields.description } : {}), ...(keywords !== undefined ? { keywords } : {}) };
  const hasContent = Boolean(cleanText(newFields.description ?? '')) || (newFields.keywords?.length ?? 0) > 0;
  if (hasContent) {
    host ??= descriptions.find((d) => prefixFor(d, DC_NS) !== undefined) ?? descriptions[0];
    if (!host) {
      // An rdf:RDF without any rdf:Description: add one.
      const rdfPrefix = rdf.qname.includes(':') ? rdf.qname.slice(0, rdf.qname.indexOf(':')) : undefined;
      if (rdf.selfClosing || !rdfPrefix) throw new Error('rdf:RDF has no rdf:Description to hold the fields');
      const indent = indentOf(text, rdf.start) + ' ';
      const body = dcElements(newFields, 'dc', rdfPrefix, indent + ' ');
      const element = `\n${indent}<${rdfPrefix}:Description ${rdfPrefix}:about="" xmlns:dc="${DC_NS}">${body.map((l) => `\n${l}`).join('')}\n${indent}</${rdfPrefix}:Description>`;
      edits.push({ start: contentEnd(text, rdf), end: contentEnd(text, rdf), insert: element });
    } else {
      let dcPrefix = prefixFor(host, DC_NS);
      if (dcPrefix === undefined) {
        dcPrefix = freePrefix(host, 'dc');
        const at = host.start + 1 + host.qname.length;
        edits.push({ start: at, end: at, insert: ` xmlns:${dcPrefix}="${DC_NS}"` });
      }
      const rdfPrefix = prefixFor(host, RDF_NS);
      if (rdfPrefix === undefined) throw new Error('the rdf namespace has no prefix');
      const hostIndent = indentOf(text, host.start);
      const childIndent = host.children[0] ? indentOf(text, host.children[0].start) : hostIndent + ' ';
      const body = dcElements(newFields, dcPrefix, rdfPrefix, childIndent).map((line) => `\n${line}`).join('');
      if (host.selfClosing) {
        edits.push({ start: host.openEnd - 2, end: host.openEnd, insert: `>${body}\n${hostIndent}</${host.qname}>` });
      } else {
        const at = contentEnd(text, host);
        edits.push({ start: at, end: at, insert: body });
      }
    }
  }
  return { text: applyEdits(text, edits), descriptionWritten: wantDescription && Boolean(cleanText(newFields.description ?? '')) };
}

/**
 * Replaces the Face regions of an XMP document's mwg-rs:Regions by splicing: the old Regions struct is
 * rewritten in place (other region types and their namespace declarations copied verbatim) or a new one
 * is added to an rdf:Description; every other byte stays as it was. Throws if the text is not XMP.
 */
export function updateFaceRegions(text: string, field: MwgRegionsField | null): string {
  const roots = parseXml(text);
  const rdf = findAll(roots, (e) => e.uri === RDF_NS && e.local === 'RDF')[0];
  if (!rdf) throw new Error('no rdf:RDF element, so it is not XMP');
  const descriptions = findAll(rdf.children, (e) => e.uri === RDF_NS && e.local === 'Description');
  const existing = descriptions.flatMap((d) => d.children.filter((c) => c.uri === MWG_RS_NS && c.local === 'Regions').map((regions) => ({ host: d, regions })));
  const kept: string[] = [];
  const keptDeclarations: string[] = [];
  let keptDimensions: string | undefined;
  for (const { regions } of existing) {
    for (const item of findAll(regions.children, (e) => e.uri === RDF_NS && e.local === 'li')) {
      const type = regionType(item);
      if (type !== null && type.toLowerCase() !== 'face') kept.push(text.slice(item.start, item.end));
    }
    keptDeclarations.push(...regions.attrs.filter((a) => a.qname.startsWith('xmlns:')).map((a) => text.slice(a.start, a.end).trim()));
    const dims = findAll(regions.children, (e) => e.uri === MWG_RS_NS && e.local === 'AppliedToDimensions')[0];
    if (dims) keptDimensions ??= text.slice(dims.start, dims.end);
  }
  const regions = field?.regions ?? [];
  const edits: Edit[] = existing.map(({ regions: old }) => ({ start: lineStart(text, old.start), end: old.end, insert: '' }));
  if (regions.length || kept.length) {
    const host = existing[0]?.host ?? descriptions.find((d) => prefixFor(d, MWG_RS_NS) !== undefined) ?? descriptions[0];
    if (!host) throw new Error('rdf:RDF has no rdf:Description to hold the face regions');
    const rdfPrefix = prefixFor(host, RDF_NS);
    if (rdfPrefix === undefined) throw new Error('the rdf namespace has no prefix');
    const declarations: string[] = [];
    const prefixOf = (uri: string, wanted: string): string => {
      const bound = prefixFor(host, uri);
      if (bound !== undefined) return bound;
      declarations.push(`xmlns:${wanted}="${uri}"`);
      return wanted;
    };
    const mwg = prefixOf(MWG_RS_NS, 'mwg-rs');
    const area = prefixOf(ST_AREA_NS, 'stArea');
    const dim = prefixOf(ST_DIM_NS, 'stDim');
    for (const declaration of keptDeclarations) {
      const prefix = declaration.slice(6, declaration.indexOf('='));
      if (!declarations.some((d) => d.startsWith(`xmlns:${prefix}=`))) declarations.push(declaration);
    }
    const hostIndent = indentOf(text, host.start);
    const indent = existing[0] ? indentOf(text, existing[0].regions.start) : host.children[0] ? indentOf(text, host.children[0].start) : hostIndent + ' ';
    const number = (value: number) => String(Math.round(value * 1e6) / 1e6);
    const lines = [
      `${indent}<${mwg}:Regions ${rdfPrefix}:parseType="Resource"${declarations.map((d) => ` ${d}`).join('')}>`,
      field && regions.length
        ? `${indent} <${mwg}:AppliedToDimensions ${dim}:w="${Math.round(field.appliedToDimensions.w)}" ${dim}:h="${Math.round(field.appliedToDimensions.h)}" ${dim}:unit="pixel"/>`
        : keptDimensions ? `${indent} ${keptDimensions}` : undefined,
      `${indent} <${mwg}:RegionList>`,
      `${indent}  <${rdfPrefix}:Bag>`,
      ...regions.flatMap((r) => [
        `${indent}   <${rdfPrefix}:li ${rdfPrefix}:parseType="Resource">`,
        `${indent}    <${mwg}:Area ${area}:x="${number(r.x)}" ${area}:y="${number(r.y)}" ${area}:w="${number(r.w)}" ${area}:h="${number(r.h)}" ${area}:unit="normalized"/>`,
        ...(r.name?.trim() ? [`${indent}    <${mwg}:Name>${escapeXml(r.name.trim())}</${mwg}:Name>`] : []),
        `${indent}    <${mwg}:Type>Face</${mwg}:Type>`,
        `${indent}   </${rdfPrefix}:li>`,
      ]),
      ...kept.map((item) => `${indent}   ${item}`),
      `${indent}  </${rdfPrefix}:Bag>`,
      `${indent} </${mwg}:RegionList>`,
      `${indent}</${mwg}:Regions>`,
    ].filter((line): line is string => line !== undefined);
    const body = lines.map((line) => `\n${line}`).join('');
    if (existing[0]) {
      const at = lineStart(text, existing[0].regions.start);
      edits[0] = { start: at, end: existing[0].regions.end, insert: body };
    } else if (host.selfClosing) {
      edits.push({ start: host.openEnd - 2, end: host.openEnd, insert: `>${body}\n${hostIndent}</${host.qname}>` });
    } else {
      const at = contentEnd(text, host);
      edits.push({ start: at, end: at, insert: body });
    }
  }
  return applyEdits(text, edits);
}

/** mwg-rs:Type of a region item, as an attribute or element, on the item or its rdf:Description. */
function regionType(item: XmlElement): string | null {
  for (const node of [item, ...item.children.filter((c) => c.uri === RDF_NS && c.local === 'Description')]) {
    const attr = node.attrs.find((a) => a.uri === MWG_RS_NS && a.local === 'Type');
    if (attr) return attr.value.trim();
    const child = node.children.find((c) => c.uri === MWG_RS_NS && c.local === 'Type');
    if (child) return child.text.trim();
  }
  return null;
}

/**
 * Escapes text for XML element content, dropping characters XML 1.0 forbids (control characters, lone
 * surrogates). Quotes need no escaping in content and are left as they are, since some XMP readers
 * (exifr among them) hand entities back undecoded.
 */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

// ---------------------------------------------------------------------------------------------------
// Writing helpers

function cleanText(value: string): string {
  return value.replace(/\r\n?/g, '\n').trim();
}

function cleanKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of keywords) {
    const keyword = raw.replace(/\s+/g, ' ').trim();
    if (keyword && !seen.has(keyword.toLowerCase())) {
      seen.add(keyword.toLowerCase());
      out.push(keyword);
    }
  }
  return out;
}

function mergeKeywordLists(existing: string[], added: string[]): string[] {
  return cleanKeywords([...existing, ...added]);
}

function dcElements(fields: Pick<SidecarFields, 'description' | 'keywords'>, dc: string, rdf: string, indent: string): string[] {
  const lines: string[] = [];
  const description = cleanText(fields.description ?? '');
  if (description) {
    lines.push(`${indent}<${dc}:description>`, `${indent} <${rdf}:Alt>`, `${indent}  <${rdf}:li xml:lang="x-default">${escapeXml(description)}</${rdf}:li>`, `${indent} </${rdf}:Alt>`, `${indent}</${dc}:description>`);
  }
  const keywords = cleanKeywords(fields.keywords ?? []);
  if (keywords.length) {
    lines.push(`${indent}<${dc}:subject>`, `${indent} <${rdf}:Bag>`, ...keywords.map((k) => `${indent}  <${rdf}:li>${escapeXml(k)}</${rdf}:li>`), `${indent} </${rdf}:Bag>`, `${indent}</${dc}:subject>`);
  }
  return lines;
}

type TextEncodingKind = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'utf16be';

function detectEncoding(bytes: Uint8Array): TextEncodingKind {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf8-bom';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le-bom';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be-bom';
  const probe = bytes.subarray(0, 64);
  if (probe.filter((b) => b === 0).length > probe.length / 4) return probe[0] === 0 ? 'utf16be' : 'utf16le';
  return 'utf8';
}

/** Encodes the text back the way the sidecar was stored (Lightroom 4 wrote UTF-16). */
function encodeText(text: string, encoding: TextEncodingKind): Buffer {
  const body = text.replace(/^\uFEFF/, '');
  switch (encoding) {
    case 'utf8':
      return Buffer.from(body, 'utf8');
    case 'utf8-bom':
      return Buffer.from('\uFEFF' + body, 'utf8');
    case 'utf16le':
    case 'utf16le-bom':
      return Buffer.from((encoding === 'utf16le-bom' ? '\uFEFF' : '') + body, 'utf16le');
    case 'utf16be':
    case 'utf16be-bom':
      return Buffer.from((encoding === 'utf16be-bom' ? '\uFEFF' : '') + body, 'utf16le').swap16();
  }
}

// ---------------------------------------------------------------------------------------------------
// A minimal, offset-keeping XML reader: enough to find elements and attributes by namespace and splice
// the text. It accepts the XML that XMP tools write (no DTD entities) and rejects what is not well formed.

export interface XmlAttr {
  qname: string;
  local: string;
  uri: string | undefined;
  value: string;
  /** Span including the whitespace before the name, so removing it leaves a tidy tag. */
  start: number;
  end: number;
}

export interface XmlElement {
  qname: string;
  local: string;
  uri: string | undefined;
  start: number;
  /** Offset just past the start tag's `>`. */
  openEnd: number;
  /** Offset of the end tag's `<` (equals openEnd for a self-closing element). */
  closeStart: number;
  /** Offset just past the element. */
  end: number;
  selfClosing: boolean;
  attrs: XmlAttr[];
  children: XmlElement[];
  /** Text content of this element (entities decoded), children's text excluded. */
  text: string;
  scope: Map<string, string>;
}

interface Edit {
  start: number;
  end: number;
  insert: string;
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][\w.\-:\u00B7\u00C0-\uFFFF]*/y;

/** Parses XML text keeping offsets (see above); throws on text that is not well-formed. */
export function parseXml(text: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}`);
  };
  const skipTo = (token: string) => {
    const at = text.indexOf(token, i);
    if (at < 0) fail(`unterminated markup, missing "${token}"`);
    i = at + token.length;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const match = NAME.exec(text);
    if (!match) fail('expected a name');
    i += match![0].length;
    return match![0];
  };
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.text += decodeEntities(chunk);
    else if (chunk.trim()) fail('text outside the root element');
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<?', i)) skipTo('?>');
    else if (text.startsWith('<!--', i)) skipTo('-->');
    else if (text.startsWith('<![CDATA[', i)) {
      const start = i + 9;
      skipTo(']]>');
      if (top) top.text += text.slice(start, i - 3);
    } else if (text.startsWith('<!', i)) {
      const close = text.indexOf('>', i);
      const bracket = text.indexOf('[', i);
      if (bracket >= 0 && close >= 0 && bracket < close) skipTo(']>');
      else skipTo('>');
    } else if (text.startsWith('</', i)) {
      const closeStart = i;
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') fail('expected ">"');
      i++;
      const element = stack.pop();
      if (!element || element.qname !== name) fail(`unexpected </${name}>`);
      element!.closeStart = closeStart;
      element!.end = i;
    } else {
      const start = i;
      i++;
      const qname = readName();
      const attrs: XmlAttr[] = [];
      let selfClosing = false;
      for (;;) {
        const attrStart = i;
        skipSpace();
        if (text.startsWith('/>', i)) {
          selfClosing = true;
          i += 2;
          break;
        }
        if (text[i] === '>') {
          i++;
          break;
        }
        if (i === attrStart) fail('expected whitespace before an attribute');
        const name = readName();
        skipSpace();
        if (text[i] !== '=') fail('expected "="');
        i++;
        skipSpace();
        const quote = text[i];
        if (quote !== '"' && quote !== "'") fail('expected a quoted value');
        const valueEnd = text.indexOf(quote!, i + 1);
        if (valueEnd < 0 || text.slice(i + 1, valueEnd).includes('<')) fail('bad attribute value');
        attrs.push({ qname: name, local: '', uri: undefined, value: decodeEntities(text.slice(i + 1, valueEnd)), start: attrStart, end: valueEnd + 1 });
        i = valueEnd + 1;
      }
      const parent = stack[stack.length - 1];
      const scope = new Map(parent?.scope ?? [['xml', XML_NS]]);
      for (const attr of attrs) {
        if (attr.qname === 'xmlns') scope.set('', attr.value);
        else if (attr.qname.startsWith('xmlns:')) scope.set(attr.qname.slice(6), attr.value);
      }
      for (const attr of attrs) {
        const [prefix, local] = splitName(attr.qname);
        attr.local = local;
        attr.uri = prefix === undefined ? undefined : prefix === 'xmlns' ? 'xmlns' : scope.get(prefix);
      }
      const [prefix, local] = splitName(qname);
      const element: XmlElement = {
        qname, local, uri: scope.get(prefix ?? ''), start, openEnd: i, closeStart: i, end: i, selfClosing, attrs, children: [], text: '', scope,
      };
      (parent ? parent.children : roots).push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1]!.qname}>`);
  if (roots.length === 0) fail('no root element');
  return roots;
}

function splitName(qname: string): [string | undefined, string] {
  const colon = qname.indexOf(':');
  return colon < 0 ? [undefined, qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity as 'amp'];
  });
}

export function findAll(elements: XmlElement[], test: (e: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (list: XmlElement[]) => {
    for (const element of list) {
      if (test(element)) found.push(element);
      walk(element.children);
    }
  };
  walk(elements);
  return found;
}

function prefixFor(element: XmlElement, uri: string): string | undefined {
  for (const [prefix, bound] of element.scope) if (bound === uri && prefix !== '') return prefix;
  return undefined;
}

function freePrefix(element: XmlElement, wanted: string): string {
  let candidate = wanted;
  for (let n = 1; element.scope.has(candidate); n++) candidate = `${wanted}${n}`;
  return candidate;
}

/** The sidecar's current x-default description and dc:subject keywords (from any rdf:Description). */
function currentValues(descriptions: XmlElement[]): { description: string | null; keywords: string[] } {
  let description: string | null = null;
  const keywords: string[] = [];
  for (const host of descriptions) {
    for (const attr of host.attrs) {
      if (attr.uri === DC_NS && attr.local === 'description' && description === null) description = attr.value.trim() || null;
      if (attr.uri === DC_NS && attr.local === 'subject') keywords.push(...attr.value.split(/[,;]/));
    }
    for (const child of host.children) {
      if (child.uri !== DC_NS) continue;
      const items = findAll(child.children, (e) => e.uri === RDF_NS && e.local === 'li');
      if (child.local === 'description' && description === null) {
        const preferred = items.find((li) => li.attrs.some((a) => a.uri === XML_NS && a.local === 'lang' && a.value === 'x-default')) ?? items[0];
        description = (preferred ? preferred.text : child.text).trim() || null;
      }
      if (child.local === 'subject') keywords.push(...(items.length ? items.map((li) => li.text) : [child.text]));
    }
  }
  return { description, keywords: cleanKeywords(keywords) };
}

/** Offset where a removed element's line begins, when only whitespace precedes it on that line. */
function lineStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (i > 0 && text[i - 1] === '\n') {
    i--;
    if (i > 0 && text[i - 1] === '\r') i--;
    return i;
  }
  return at;
}

function indentOf(text: string, at: number): string {
  const lineBegin = text.lastIndexOf('\n', at - 1) + 1;
  const prefix = text.slice(lineBegin, at);
  return /^[ \t]*$/.test(prefix) ? prefix : '';
}

/** Where new children go: after the last non-blank character before the end tag. */
function contentEnd(text: string, element: XmlElement): number {
  let i = element.closeStart;
  while (i > element.openEnd && /\s/.test(text[i - 1]!)) i--;
  return i;
}

/** Applies text edits from the end, so earlier offsets stay valid; at one offset, a removal goes before an insertion. */
function applyEdits(text: string, edits: Array<{ start: number; end: number; insert: string }>): string {
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const edit of edits) out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
  return out;
}
