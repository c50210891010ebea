// The app's addresses: one URL hash per view (#/photo/<hash>, #/search?q=…, #/album/<id>, #/favourites, #/places, #/place?box=…), so
// Back, Forward, reload and links behave. Pure parsing and formatting; RouterState applies them.

export type Route =
  | { kind: 'home' }
  | { kind: 'photo'; hash: string }
  | { kind: 'search'; q: string; sort: 'relevance' | 'date' }
  | { kind: 'album'; id: string }
  | { kind: 'favourites' }
  | { kind: 'places' }
  /** The library within a box on the map (a place opened from the Places view). */
  | { kind: 'place'; area: { minLat: number; maxLat: number; minLon: number; maxLon: number } };

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = text.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(safeDecode);
  const query = new URLSearchParams(queryPart);
  if (parts[0] === 'photo' && parts[1] && /^[0-9a-f]{16,128}$/.test(parts[1])) return { kind: 'photo', hash: parts[1] };
  if (parts[0] === 'search' && query.get('q')?.trim()) return { kind: 'search', q: query.get('q')!, sort: query.get('sort') === 'date' ? 'date' : 'relevance' };
  if (parts[0] === 'album' && parts[1] && /^[0-9a-z]{1,40}$/.test(parts[1])) return { kind: 'album', id: parts[1] };
  if (parts[0] === 'favourites') return { kind: 'favourites' };
  if (parts[0] === 'places') return { kind: 'places' };
  if (parts[0] === 'place') {
    const box = (query.get('box') ?? '').split(',').map(Number);
    if (box.length === 4 && box.every(Number.isFinite)) {
      const [minLat, maxLat, minLon, maxLon] = box as [number, number, number, number];
      if (minLat <= maxLat && minLon <= maxLon) return { kind: 'place', area: { minLat, maxLat, minLon, maxLon } };
    }
  }
  return { kind: 'home' };
}

export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'home':
      return '#/';
    case 'photo':
      return `#/photo/${route.hash}`;
    case 'search': {
      const query = new URLSearchParams({ q: route.q });
      if (route.sort === 'date') query.set('sort', 'date');
      return `#/search?${query.toString()}`;
    }
    case 'album':
      return `#/album/${route.id}`;
    case 'favourites':
      return '#/favourites';
    case 'places':
      return '#/places';
    case 'place': {
      const { minLat, maxLat, minLon, maxLon } = route.area;
      return `#/place?box=${[minLat, maxLat, minLon, maxLon].map((v) => Number(v.toFixed(6))).join(',')}`;
    }
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
