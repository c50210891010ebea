// Places view geometry: Web Mercator projection of positions, and clustering of the library's places
// on screen (clusters merge as the map zooms out and split as it zooms in). Pure functions, no DOM.
import type { Area, PlacePoint } from '$common/place.types.ts';

/** Mercator is unbounded at the poles; like web maps, the world stops at ±85.05°, a square. */
export const MAX_MERCATOR_LAT = 85.0511;

/** A position in map units: x 0 (180° W) to 1 (180° E), y 0 (85° N) to 1 (85° S). */
export interface MapPoint {
  x: number;
  y: number;
}

export function project(lat: number, lon: number): MapPoint {
  const clamped = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat));
  const phi = (clamped * Math.PI) / 180;
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return { x: (wrapped + 180) / 360, y: (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2 };
}

/** The inverse of `project`. */
export function unproject(point: MapPoint): { lat: number; lon: number } {
  const lon = point.x * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * point.y))) * 180) / Math.PI;
  return { lat, lon };
}

export interface PlaceCluster {
  /** Stable across zooms while its biggest place leads it (for keyed lists). */
  key: string;
  /** Centre in map units (photo-weighted). */
  x: number;
  y: number;
  count: number;
  /** The box around all its photos: the area filter that lists them. */
  area: Area;
  /** Its places, most photos first. */
  places: PlacePoint[];
  /** "Lisbon, Portugal", "Lisbon and 2 more places, Portugal", "Lisbon, Portugal and 3 more places". */
  label: string;
  coverHash: string;
}

const pointKey = (p: PlacePoint) => (p.place ? `${p.place.city}|${p.place.countryCode}` : `@${p.lat.toFixed(2)},${p.lon.toFixed(2)}`);

/** One place's name; a position without a town nearby (at sea) by its coordinates. */
export function placeName(point: PlacePoint): string {
  if (point.place) return `${point.place.city}, ${point.place.country}`;
  const ns = point.lat >= 0 ? 'N' : 'S';
  const ew = point.lon >= 0 ? 'E' : 'W';
  return `${Math.abs(point.lat).toFixed(2)}° ${ns}, ${Math.abs(point.lon).toFixed(2)}° ${ew}`;
}

/** The name of a group of places (most photos first). */
export function clusterLabel(places: readonly PlacePoint[]): string {
  const [first, ...others] = places;
  if (!first) return '';
  if (others.length === 0) return placeName(first);
  const more = `${others.length} more place${others.length === 1 ? '' : 's'}`;
  const country = first.place?.country;
  if (country && others.every((p) => p.place?.country === country)) return `${first.place!.city} and ${more}, ${country}`;
  return `${placeName(first)} and ${more}`;
}

/**
 * Groups places lying within `radius` map units of a cluster's leader (its biggest place), greedily from the
 * biggest place down; a grid of radius-sized cells keeps it linear. At a zoom where the map is S pixels
 * wide, `radius = px / S` keeps clusters about `px` pixels apart on screen.
 */
export function clusterPlaces(points: readonly PlacePoint[], radius: number): PlaceCluster[] {
  const order = points
    .map((point) => ({ point, at: project(point.lat, point.lon) }))
    .sort((a, b) => b.point.count - a.point.count || pointKey(a.point).localeCompare(pointKey(b.point)));
  const cell = Math.max(radius, 1e-9);
  const grid = new Map<string, number[]>();
  order.forEach((entry, i) => {
    const key = `${Math.floor(entry.at.x / cell)},${Math.floor(entry.at.y / cell)}`;
    const list = grid.get(key);
    if (list) list.push(i);
    else grid.set(key, [i]);
  });
  const taken = new Uint8Array(order.length);
  const clusters: PlaceCluster[] = [];
  for (let i = 0; i < order.length; i++) {
    if (taken[i]) continue;
    const leader = order[i]!;
    taken[i] = 1;
    const members = [leader];
    const cx = Math.floor(leader.at.x / cell);
    const cy = Math.floor(leader.at.y / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          if (taken[j]) continue;
          const other = order[j]!;
          if (Math.hypot(other.at.x - leader.at.x, other.at.y - leader.at.y) > radius) continue;
          taken[j] = 1;
          members.push(other);
        }
      }
    }
    members.sort((a, b) => b.point.count - a.point.count || pointKey(a.point).localeCompare(pointKey(b.point)));
    let count = 0;
    let x = 0;
    let y = 0;
    const area = { ...leader.point.area };
    for (const m of members) {
      count += m.point.count;
      x += m.at.x * m.point.count;
      y += m.at.y * m.point.count;
      area.minLat = Math.min(area.minLat, m.point.area.minLat);
      area.maxLat = Math.max(area.maxLat, m.point.area.maxLat);
      area.minLon = Math.min(area.minLon, m.point.area.minLon);
      area.maxLon = Math.max(area.maxLon, m.point.area.maxLon);
    }
    const places = members.map((m) => m.point);
    clusters.push({ key: pointKey(leader.point), x: x / count, y: y / count, count, area, places, label: clusterLabel(places), coverHash: leader.point.coverHash });
  }
  return clusters;
}

/** The box in map units around some places (for fitting the view), or null for none. */
export function boundsOf(points: readonly PlacePoint[]): { x0: number; y0: number; x1: number; y1: number } | null {
  if (points.length === 0) return null;
  let x0 = 1;
  let y0 = 1;
  let x1 = 0;
  let y1 = 0;
  for (const p of points) {
    const at = project(p.lat, p.lon);
    x0 = Math.min(x0, at.x);
    y0 = Math.min(y0, at.y);
    x1 = Math.max(x1, at.x);
    y1 = Math.max(y1, at.y);
  }
  return { x0, y0, x1, y1 };
}
