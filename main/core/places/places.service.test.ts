// Tests for grouping the library's located photos by place (the Places view's data) and for naming positions.
import { describe, expect, it } from 'vitest';
import { PlacesService } from './places.service.ts';

const photo = (contentHash: string, lat: number, lon: number) => ({ contentHash, lat, lon });

describe('PlacesService', () => {
  it('groups photos by town or city with their mean position, box, count and newest photo; sea positions by degree', async () => {
    const located = [
      photo('a1', 38.7223, -9.1393), // Lisbon
      photo('b1', 43.2965, 5.3698), // Marseille
      photo('a2', 38.74, -9.15), // Lisbon
      photo('a3', 38.71, -9.12), // Lisbon
      photo('s1', 40.1, -40.2), // mid-Atlantic
      photo('s2', 39.9, -39.9), // mid-Atlantic, same degree
    ];
    const filtersSeen: unknown[] = [];
    const service = new PlacesService({ located: (filters) => (filtersSeen.push(filters), Promise.resolve(located)) });
    const { total, points } = await service.overview({ camera: 'x' });
    expect(filtersSeen).toEqual([{ camera: 'x' }]);
    expect(total).toBe(6);
    expect(points.map((p) => [p.place?.city ?? null, p.count, p.coverHash])).toEqual([
      ['Lisbon', 3, 'a1'],
      [null, 2, 's1'],
      ['Marseille', 1, 'b1'],
    ]);
    const lisbon = points[0]!;
    expect(lisbon.place).toMatchObject({ city: 'Lisbon', country: 'Portugal', countryCode: 'PT' });
    expect(lisbon.lat).toBeCloseTo((38.7223 + 38.74 + 38.71) / 3, 6);
    expect(lisbon.area).toEqual({ minLat: 38.71, maxLat: 38.74, minLon: -9.15, maxLon: -9.12 });
    expect(points[1]!.area).toEqual({ minLat: 39.9, maxLat: 40.1, minLon: -40.2, maxLon: -39.9 });
  });

  it('names positions (null without one or at sea), the same for nearby positions', () => {
    const service = new PlacesService({ located: () => Promise.resolve([]) });
    expect(service.nameOf({ lat: 13.7563, lon: 100.5018 })).toMatchObject({ city: 'Bangkok', country: 'Thailand' });
    expect(service.nameOf({ lat: 13.75631, lon: 100.50181 })).toMatchObject({ city: 'Bangkok' });
    expect(service.nameOf(null)).toBeNull();
    expect(service.nameOf({ lat: 40, lon: -40 })).toBeNull();
    expect(service.nameOf({ lat: Number.NaN, lon: 1 })).toBeNull();
  });
});
