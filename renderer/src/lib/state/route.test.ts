// Every view's address survives a round trip, and odd addresses fall back to the library, never throw.
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route.ts';

describe('routes', () => {
  it('round-trips every kind of view', () => {
    const routes: Route[] = [
      { kind: 'home' },
      { kind: 'photo', hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { kind: 'search', q: 'red car at night + rain & "fog"?', sort: 'relevance' },
      { kind: 'search', q: 'รถยนต์', sort: 'date' },
      { kind: 'album', id: '3f9a0c1d2e4b' },
      { kind: 'favourites' },
      { kind: 'places' },
      { kind: 'place', area: { minLat: 38.7, maxLat: 38.75, minLon: -9.2, maxLon: -9.1 } },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(formatRoute({ kind: 'search', q: 'a dog', sort: 'date' })).toBe('#/search?q=a+dog&sort=date');
    expect(formatRoute({ kind: 'places' })).toBe('#/places');
  });

  it('falls back to the library for odd or hostile addresses', () => {
    for (const hash of ['', '#', '#/nowhere', '#/photo/../../etc/passwd', '#/photo/XYZ', '#/search?q=', '#/search?q=%E0%A4%A', '#/album/a b', '#/%E0%A4%A', '#/place?box=Infinity,1,2,3']) {
      expect(() => parseRoute(hash)).not.toThrow();
    }
    expect(parseRoute('#/photo/../../etc/passwd')).toEqual({ kind: 'home' });
    expect(parseRoute('#/search?q=%20%20')).toEqual({ kind: 'home' });
    expect(parseRoute('#/place?box=1,2,3')).toEqual({ kind: 'home' });
    expect(parseRoute('#/place?box=2,1,3,4')).toEqual({ kind: 'home' });
    expect(parseRoute('#/place?box=a,b,c,d')).toEqual({ kind: 'home' });
  });
});
