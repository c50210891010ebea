// Pure helpers that turn raw EXIF / IPTC / XMP values into clean metadata fields (dates, GPS, text).

/** A capture time as `YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM|Z]`, or `YYYY-MM-DD` when only the day is known. */
export type LocalIsoDateTime = string;

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * An EXIF date ("2019:03:21 11:04:22", also tolerating "-" or "/" separators and a "T"), with optional
 * sub-seconds ("348") and offset ("-08:00"), as local ISO 8601. Undefined for blank or impossible dates
 * ("0000:00:00 00:00:00").
 */
export function exifDateTime(value: unknown, subSeconds?: unknown, offset?: unknown): LocalIsoDateTime | undefined {
  const text = asText(value);
  if (!text) return undefined;
  const match = /^(\d{4})[:\-/](\d{1,2})[:\-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, inlineOffset] = match;
  const date = validDate(Number(y), Number(mo), Number(d));
  if (!date) return undefined;
  if (h === undefined || mi === undefined) return date;
  const time = validTime(Number(h), Number(mi), Number(s ?? 0));
  if (!time) return date;
  const sub = digitsOnly(fraction) ?? digitsOnly(asText(subSeconds));
  const zone = normaliseOffset(inlineOffset) ?? normaliseOffset(asText(offset));
  return `${date}T${time}${sub ? `.${sub}` : ''}${zone ?? ''}`;
}

/** An XMP date (ISO 8601 with optional parts: "2009", "2009-11", "2022-01-10T15:15:44.31", "...+02:00"). */
export function xmpDateTime(value: unknown): LocalIsoDateTime | undefined {
  const text = asText(value);
  if (!text) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return exifDateTime(text);
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const date = validDate(Number(y), Number(mo), Number(d));
  if (!date) return undefined;
  if (h === undefined || mi === undefined) return date;
  const time = validTime(Number(h), Number(mi), Number(s ?? 0));
  if (!time) return date;
  return `${date}T${time}${fraction ? `.${fraction}` : ''}${normaliseOffset(zone) ?? ''}`;
}

/** IPTC DateCreated ("20220110") plus TimeCreated ("151544-0400"). Without a date there is no capture time. */
export function iptcDateTime(dateValue: unknown, timeValue: unknown): LocalIsoDateTime | undefined {
  const dateText = asText(dateValue)?.replace(/[^0-9]/g, '');
  if (!dateText || dateText.length !== 8) return undefined;
  const date = validDate(Number(dateText.slice(0, 4)), Number(dateText.slice(4, 6)), Number(dateText.slice(6, 8)));
  if (!date) return undefined;
  const timeMatch = /^(\d{2}):?(\d{2}):?(\d{2})\s*([+-]\d{2}:?\d{2}|Z)?$/.exec(asText(timeValue) ?? '');
  if (!timeMatch) return date;
  const [, h, mi, s, zone] = timeMatch;
  const time = validTime(Number(h), Number(mi), Number(s));
  return time ? `${date}T${time}${normaliseOffset(zone) ?? ''}` : date;
}

/** GPS date stamp ("2022:01:10") plus time stamp ([21, 15, 33.5] or "21:15:33"), in UTC. */
export function gpsDateTime(dateStamp: unknown, timeStamp: unknown): LocalIsoDateTime | undefined {
  const date = exifDateTime(dateStamp);
  if (!date || date.includes('T')) return undefined;
  let parts: number[] | undefined;
  if (Array.isArray(timeStamp)) parts = timeStamp.map(Number);
  else if (typeof timeStamp === 'string') parts = timeStamp.split(':').map(Number);
  if (!parts || parts.length < 2 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const time = validTime(Math.trunc(parts[0] ?? 0), Math.trunc(parts[1] ?? 0), Math.trunc(parts[2] ?? 0));
  return time ? `${date}T${time}Z` : undefined;
}

function validDate(y: number, mo: number, d: number): string | undefined {
  if (!(y >= 1800 && y <= 2200 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31)) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) return undefined; // 31 February and friends
  return `${y}-${pad2(mo)}-${pad2(d)}`;
}

function validTime(h: number, mi: number, s: number): string | undefined {
  if (!(h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60)) return undefined;
  return `${pad2(h)}:${pad2(mi)}:${pad2(Math.min(59, Math.trunc(s)))}`;
}

function normaliseOffset(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value === 'Z') return 'Z';
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [, sign, hh, mm] = match;
  if (Number(hh) > 14 || Number(mm) > 59) return undefined;
  return `${sign}${hh}:${mm}`;
}

function digitsOnly(value: string | undefined): string | undefined {
  const digits = value?.trim();
  return digits && /^\d{1,9}$/.test(digits) ? digits : undefined;
}

export interface GpsPosition {
  lat: number;
  lon: number;
}

/**
 * A position from EXIF-style values: degrees/minutes/seconds arrays (or a single decimal) and "N"/"S"/
 * "E"/"W" refs. Undefined for empty tags, NaN, out-of-range values, and exactly 0,0 (what cameras write
 * when they had no fix).
 */
export function exifGps(lat: unknown, latRef: unknown, lon: unknown, lonRef: unknown): GpsPosition | undefined {
  const latitude = signed(toDegrees(lat), asText(latRef), 'S');
  const longitude = signed(toDegrees(lon), asText(lonRef), 'W');
  return checkedPosition(latitude, longitude);
}

/** A position from XMP values ("40,14.0786450N", "39,6,54N", or a signed decimal). */
export function xmpGps(lat: unknown, lon: unknown): GpsPosition | undefined {
  return checkedPosition(xmpCoordinate(lat), xmpCoordinate(lon));
}

function xmpCoordinate(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const text = asText(value);
  if (!text) return undefined;
  const match = /^(-?\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])?$/i.exec(text);
  if (!match) return undefined;
  const [, deg, min, sec, ref] = match;
  const degrees = Number(deg) + Number(min ?? 0) / 60 + Number(sec ?? 0) / 3600;
  return ref && /[SW]/i.test(ref) ? -degrees : degrees;
}

function toDegrees(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  if (Array.isArray(value) && value.length > 0) {
    const [d, m, s] = value.map((part) => (part === null || part === undefined || part === '' ? Number.NaN : Number(part)));
    if (d === undefined || !Number.isFinite(d)) return undefined;
    return d + (Number.isFinite(m) ? (m ?? 0) / 60 : 0) + (Number.isFinite(s) ? (s ?? 0) / 3600 : 0);
  }
  return undefined;
}

function signed(value: number | undefined, ref: string | undefined, negativeRef: 'S' | 'W'): number | undefined {
  if (value === undefined) return undefined;
  return ref?.trim().toUpperCase().startsWith(negativeRef) ? -Math.abs(value) : value;
}

function checkedPosition(lat: number | undefined, lon: number | undefined): GpsPosition | undefined {
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  if (lat === 0 && lon === 0) return undefined;
  return { lat: round7(lat), lon: round7(lon) };
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

/** Cameras put these in ImageDescription by default; they describe nothing. */
const PLACEHOLDER_DESCRIPTIONS = new Set(
  [
    'olympus digital camera', 'sony dsc', 'digital camera', 'konica minolta digital camera', 'minolta digital camera',
    'sanyo digital camera', 'samsung digital camera', 'exif_jpeg_picture', 'default', 'image', 'untitled', 'no title',
    'description', 'lg digital camera', 'kodak digital still camera', 'ricoh digital camera', 'camera', 'photo',
  ].map((text) => text.toLowerCase()),
);

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** exifr hands XMP text over with XML character references undecoded ("Tom &amp; Jerry"). */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return XML_ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Trimmed free text, or undefined for blanks and camera placeholders. */
export function cleanDescription(value: unknown): string | undefined {
  const raw = langAltText(value);
  const text = raw === undefined ? undefined : decodeXmlEntities(raw);
  if (!text) return undefined;
  const tidy = text.replaceAll('\u0000', '').replace(/[ \t]+/g, ' ').trim();
  if (tidy.length === 0 || PLACEHOLDER_DESCRIPTIONS.has(tidy.toLowerCase()) || /^<?untitled>?$/i.test(tidy)) return undefined;
  return tidy;
}

/** XMP language alternatives ({lang, value} or a list of them) reduced to one text, preferring x-default. */
export function langAltText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const preferred = items.find((item) => isRecord(item) && item['lang'] === 'x-default') ?? items[0];
    return langAltText(preferred);
  }
  if (isRecord(value)) {
    const inner = value['value'];
    return typeof inner === 'string' || typeof inner === 'number' ? String(inner) : undefined;
  }
  return undefined;
}

/** A list value (XMP bag/seq, IPTC repeated field) as trimmed, non-empty strings. */
export function textList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items
    .map((item) => langAltText(item))
    .filter((item): item is string => item !== undefined)
    .map((item) => decodeXmlEntities(item.replaceAll('\u0000', '')).trim())
    .filter((item) => item.length > 0);
}

/** Leaf names of Lightroom hierarchical keywords ("People|Marie Curie" → "Marie Curie"). */
export function hierarchicalLeaves(value: unknown): string[] {
  return textList(value)
    .map((item) => item.split('|').pop()?.trim() ?? '')
    .filter((item) => item.length > 0);
}

/** Keywords merged in order, without case-insensitive duplicates (the first spelling wins). */
export function mergeKeywords(...lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const keyword of lists.flat()) {
    const key = keyword.normalize('NFC').toLocaleLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(keyword.normalize('NFC'));
  }
  return out;
}

/** A star rating: 1–5, or -1 for "rejected"; 0 and nonsense mean unrated (undefined). */
export function starRating(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  const rounded = Math.round(n);
  if (rounded === -1) return -1;
  return rounded >= 1 && rounded <= 5 ? rounded : undefined;
}

/** An EXIF orientation (1–8) or undefined. */
export function orientationValue(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : undefined;
}

/** Camera make/model text: NULs stripped, spaces collapsed, blanks dropped. */
export function cameraText(value: unknown): string | undefined {
  const text = asText(value)?.replaceAll('\u0000', '').replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    return text.length > 0 ? text : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
