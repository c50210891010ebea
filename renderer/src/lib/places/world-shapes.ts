// The offline world map's shapes: Natural Earth's countries at 1:50m (npm package world-atlas, TopoJSON)
// decoded with topojson-client and projected to SVG paths in map units, loaded only when Places opens.
import { feature } from 'topojson-client';
import { project } from './place-clusters.ts';

/** SVG paths are written in map units × SCALE (a 10,000-unit square), to one decimal. */
export const SHAPE_SCALE = 10_000;

type Ring = number[][];
interface Geometry {
  type: string;
  coordinates: Ring[] | Ring[][];
}
interface Feature {
  id?: string;
  properties?: { name?: string };
  geometry: Geometry | null;
}

export interface CountryShape {
  id: string;
  name: string;
  d: string;
}

/**
 * A ring as path data. Rings that cross the antimeridian (Chukotka, Fiji, Antarctica's edge) jump from
 * 180° to -180°; their longitudes are unwrapped so the outline continues past the map's edge instead of
 * drawing a line across the whole world.
 */
function ringPath(ring: Ring): string {
  let d = '';
  let last = '';
  let shift = 0;
  let previous: number | undefined;
  for (const [rawLon, lat] of ring) {
    if (previous !== undefined && Math.abs(rawLon! + shift - previous) > 180) shift += rawLon! + shift > previous ? -360 : 360;
    const lon = rawLon! + shift;
    previous = lon;
    const at = { x: (lon + 180) / 360, y: project(lat!, 0).y };
    const point = `${(at.x * SHAPE_SCALE).toFixed(1)} ${(at.y * SHAPE_SCALE).toFixed(1)}`;
    if (point === last) continue;
    d += `${d ? 'L' : 'M'}${point}`;
    last = point;
  }
  return `${d}Z`;
}

/** Country outlines as SVG path data, decoded once. */
export async function loadCountryShapes(): Promise<CountryShape[]> {
  const { default: raw } = await import('world-atlas/countries-50m.json?raw');
  const topology = JSON.parse(raw) as { objects: { countries: unknown } };
  const collection = feature(topology, topology.objects.countries) as { features: Feature[] };
  const shapes: CountryShape[] = [];
  collection.features.forEach((f, i) => {
    if (!f.geometry) return;
    const polygons = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as Ring[][];
    const d = polygons.map((polygon) => polygon.map(ringPath).join('')).join('');
    shapes.push({ id: `${f.id ?? i}-${i}`, name: f.properties?.name ?? '', d });
  });
  return shapes;
}
