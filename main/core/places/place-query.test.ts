// Tests for finding a place in a search: bare names (bundled list and GeoNames cities of 100k+), "X in PLACE", and plain words left alone.
import { describe, expect, it } from 'vitest';
import { findPlaceInQuery } from './place-query.ts';

describe('findPlaceInQuery', () => {
  it('reads a bare place name, any case or accents, from the bundled list or the GeoNames cities', () => {
    expect(findPlaceInQuery('Lisbon')).toMatchObject({ place: { name: 'Lisbon', radiusKm: 40 }, rest: '' });
    expect(findPlaceInQuery('reykjavík')).toMatchObject({ place: { name: 'Reykjavik' }, rest: '' });
    expect(findPlaceInQuery('Porto')).toMatchObject({ place: { name: 'Porto' }, rest: '' });
    expect(findPlaceInQuery('Bordeaux')?.place.lat).toBeCloseTo(44.84, 1);
  });

  it('reads "words in PLACE" and keeps the words', () => {
    expect(findPlaceInQuery('boats in Lisbon')).toMatchObject({ place: { name: 'Lisbon' }, rest: 'boats' });
    expect(findPlaceInQuery('a tram in Porto at night')).toMatchObject({ place: { name: 'Porto' }, rest: 'a tram at night' });
  });

  it('leaves ordinary searches alone', () => {
    for (const query of ['red car at night', 'beach', 'a dog on the beach', 'motorcycles outside a convenience store', '', 'sunset']) {
      expect(findPlaceInQuery(query), query).toBeNull();
    }
  });
});
