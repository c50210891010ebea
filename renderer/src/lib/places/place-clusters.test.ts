// Tests for the Places view's projection and clustering: merging with zoom out, splitting with zoom in, labels, areas.
import { describe, expect, it } from 'vitest';
import type { PlacePoint } from '$common/place.types.ts';
import { boundsOf, clusterLabel, clusterPlaces, project, unproject } from './place-clusters.ts';

function place(city: string | null, country: string, lat: number, lon: number, count: number): PlacePoint {
  return {
    lat,
    lon,
    count,
    area: { minLat: lat - 0.01, maxLat: lat + 0.01, minLon: lon - 0.01, maxLon: lon + 0.01 },
    place: city ? { city, country, countryCode: country.slice(0, 2).toUpperCase(), km: 1 } : null,
    coverHash: `${city ?? 'sea'}-cover`,
  };
}

const lisbon = place('Lisbon', 'Portugal', 38.72, -9.14, 12);
const porto = place('Porto', 'Portugal', 41.15, -8.61, 5);
const madrid = place('Madrid', 'Spain', 40.42, -3.7, 3);
const sydney = place('Sydney', 'Australia', -33.87, 151.21, 7);
const sea = place(null, '', 40, -40, 2);

describe('projection', () => {
  it('maps the world to a unit square (Web Mercator) and back, wrapping longitudes and clamping the poles', () => {
    expect(project(0, 0)).toEqual({ x: 0.5, y: 0.5 });
    expect(project(0, -180).x).toBeCloseTo(0, 9);
    expect(project(0, 360).x).toBeCloseTo(0.5, 9);
    expect(project(0, 190).x).toBeCloseTo(project(0, -170).x, 9);
    expect(project(90, 0).y).toBeCloseTo(0, 4);
    expect(project(-90, 0).y).toBeCloseTo(1, 4);
    const back = unproject(project(38.72, -9.14));
    expect(back.lat).toBeCloseTo(38.72, 9);
    expect(back.lon).toBeCloseTo(-9.14, 9);
  });
});

describe('clustering', () => {
  it('keeps every place apart when zoomed in, and merges neighbours as the map zooms out', () => {
    const points = [sydney, porto, lisbon, madrid, sea];
    // 2^16 pixels wide: city-level zoom; 44 px apart.
    const close = clusterPlaces(points, 44 / 65536);
    expect(close.map((c) => c.label)).toEqual(['Lisbon, Portugal', 'Sydney, Australia', 'Porto, Portugal', 'Madrid, Spain', '40.00° N, 40.00° W']);
    // A 4096-px-wide world: Lisbon and Porto (3° apart) merge; Madrid (6° from Lisbon) stays apart.
    const country = clusterPlaces(points, 44 / 4096);
    expect(country.map((c) => [c.label, c.count])).toEqual([
      ['Lisbon and 1 more place, Portugal', 17],
      ['Sydney, Australia', 7],
      ['Madrid, Spain', 3],
      ['40.00° N, 40.00° W', 2],
    ]);
    // The whole world in 300 px: Iberia and the mid-Atlantic are one cluster, named after its biggest place.
    const world = clusterPlaces(points, 44 / 300);
    const iberia = world.find((c) => c.places.includes(lisbon))!;
    expect(iberia.label).toBe('Lisbon, Portugal and 3 more places');
    expect(iberia.count).toBe(22);
    expect(iberia.coverHash).toBe('Lisbon-cover');
    expect(world.reduce((sum, c) => sum + c.count, 0)).toBe(29);
  });

  it("gives a cluster the box around all its places' photos, and a photo-weighted centre", () => {
    const [merged] = clusterPlaces([lisbon, porto], 44 / 4096);
    expect(merged!.area).toEqual({ minLat: 38.71, maxLat: 41.16, minLon: -9.15, maxLon: -8.6 });
    const centre = (project(38.72, -9.14).y * 12 + project(41.15, -8.61).y * 5) / 17;
    expect(merged!.y).toBeCloseTo(centre, 12);
  });

  it('is stable: the same places give the same clusters whatever their order', () => {
    const a = clusterPlaces([lisbon, porto, madrid, sydney], 44 / 2048);
    const b = clusterPlaces([sydney, madrid, porto, lisbon], 44 / 2048);
    expect(b).toEqual(a);
    expect(clusterPlaces([], 0.1)).toEqual([]);
  });

  it('names groups and bounds', () => {
    expect(clusterLabel([lisbon])).toBe('Lisbon, Portugal');
    expect(clusterLabel([lisbon, porto, madrid])).toBe('Lisbon, Portugal and 2 more places');
    expect(clusterLabel([])).toBe('');
    const box = boundsOf([lisbon, sydney])!;
    expect(box.x0).toBeCloseTo(project(0, -9.14).x, 9);
    expect(box.x1).toBeCloseTo(project(0, 151.21).x, 9);
    expect(boundsOf([])).toBeNull();
  });
});
