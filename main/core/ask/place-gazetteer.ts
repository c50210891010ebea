// Place names a library question can mention ("dogs on the beach in Lisbon"), resolved offline to a
// circle on the map that photos' GPS positions are matched against. No network geocoder: Photobind is
// private and works offline, so the names are a bundled list of large and well-known cities (coordinates
// of their centre, rounded; a city counts out to RADIUS_KM, which covers its metropolitan area), and
// then any city of at least OTHER_CITY_MIN_PEOPLE from the GeoNames list that names photos' places
// ("dogs in Porto"; [Note: offline places] in main/core/places/reverse-geocoder.ts).
import { placeDirectory, reachKm } from '../places/reverse-geocoder.ts';

export interface KnownPlace {
  name: string;
  lat: number;
  lon: number;
  /** Other spellings people type ("Saigon" for Ho Chi Minh City). */
  aliases?: string[];
}

export interface PlaceCircle {
  name: string;
  lat: number;
  lon: number;
  radiusKm: number;
}

const RADIUS_KM = 40;

// prettier-ignore
export const KNOWN_PLACES: readonly KnownPlace[] = [
  { name: 'Amsterdam', lat: 52.37, lon: 4.9 }, { name: 'Athens', lat: 37.98, lon: 23.73 },
  { name: 'Auckland', lat: -36.85, lon: 174.76 }, { name: 'Bangkok', lat: 13.756, lon: 100.502, aliases: ['krung thep'] },
  { name: 'Barcelona', lat: 41.39, lon: 2.17 }, { name: 'Beijing', lat: 39.9, lon: 116.41, aliases: ['peking'] },
  { name: 'Berlin', lat: 52.52, lon: 13.405 }, { name: 'Bogotá', lat: 4.71, lon: -74.07, aliases: ['bogota'] },
  { name: 'Boston', lat: 42.36, lon: -71.06 }, { name: 'Brussels', lat: 50.85, lon: 4.35 },
  { name: 'Budapest', lat: 47.5, lon: 19.04 }, { name: 'Buenos Aires', lat: -34.604, lon: -58.382 },
  { name: 'Cairo', lat: 30.04, lon: 31.24 }, { name: 'Cape Town', lat: -33.925, lon: 18.424 },
  { name: 'Chiang Mai', lat: 18.79, lon: 98.98 }, { name: 'Chicago', lat: 41.88, lon: -87.63 },
  { name: 'Copenhagen', lat: 55.68, lon: 12.57 }, { name: 'Delhi', lat: 28.61, lon: 77.21, aliases: ['new delhi'] },
  { name: 'Dubai', lat: 25.2, lon: 55.27 }, { name: 'Dublin', lat: 53.35, lon: -6.26 },
  { name: 'Edinburgh', lat: 55.95, lon: -3.19 }, { name: 'Florence', lat: 43.77, lon: 11.26 },
  { name: 'Hanoi', lat: 21.028, lon: 105.834 }, { name: 'Helsinki', lat: 60.17, lon: 24.94 },
  { name: 'Ho Chi Minh City', lat: 10.82, lon: 106.63, aliases: ['saigon'] }, { name: 'Hong Kong', lat: 22.32, lon: 114.17 },
  { name: 'Istanbul', lat: 41.01, lon: 28.98 }, { name: 'Jakarta', lat: -6.21, lon: 106.85 },
  { name: 'Johannesburg', lat: -26.2, lon: 28.05 }, { name: 'Kuala Lumpur', lat: 3.14, lon: 101.69 },
  { name: 'Kyoto', lat: 35.012, lon: 135.768 }, { name: 'Lagos', lat: 6.52, lon: 3.38 },
  { name: 'Lima', lat: -12.05, lon: -77.04 }, { name: 'Lisbon', lat: 38.722, lon: -9.139, aliases: ['lisboa'] },
  { name: 'London', lat: 51.507, lon: -0.128 }, { name: 'Los Angeles', lat: 34.05, lon: -118.24 },
  { name: 'Madrid', lat: 40.42, lon: -3.7 }, { name: 'Manila', lat: 14.6, lon: 120.98 },
  { name: 'Marseille', lat: 43.297, lon: 5.37 }, { name: 'Melbourne', lat: -37.81, lon: 144.96 },
  { name: 'Mexico City', lat: 19.43, lon: -99.13 }, { name: 'Miami', lat: 25.76, lon: -80.19 },
  { name: 'Milan', lat: 45.46, lon: 9.19 }, { name: 'Montreal', lat: 45.5, lon: -73.57 },
  { name: 'Moscow', lat: 55.76, lon: 37.62 }, { name: 'Mumbai', lat: 19.08, lon: 72.88, aliases: ['bombay'] },
  { name: 'Munich', lat: 48.14, lon: 11.58 }, { name: 'Nairobi', lat: -1.29, lon: 36.82 },
  { name: 'Naples', lat: 40.85, lon: 14.27 }, { name: 'New York', lat: 40.71, lon: -74.01, aliases: ['new york city', 'nyc'] },
  { name: 'Osaka', lat: 34.69, lon: 135.5 }, { name: 'Oslo', lat: 59.91, lon: 10.75 },
  { name: 'Paris', lat: 48.857, lon: 2.352 }, { name: 'Phuket', lat: 7.88, lon: 98.39 },
  { name: 'Porto', lat: 41.15, lon: -8.61 }, { name: 'Prague', lat: 50.08, lon: 14.44 },
  { name: 'Reykjavik', lat: 64.147, lon: -21.943, aliases: ['reykjavík'] }, { name: 'Rio de Janeiro', lat: -22.91, lon: -43.17, aliases: ['rio'] },
  { name: 'Rome', lat: 41.9, lon: 12.5 }, { name: 'San Francisco', lat: 37.77, lon: -122.42 },
  { name: 'Santiago', lat: -33.45, lon: -70.67 }, { name: 'São Paulo', lat: -23.55, lon: -46.63, aliases: ['sao paulo'] },
  { name: 'Seattle', lat: 47.61, lon: -122.33 }, { name: 'Seoul', lat: 37.57, lon: 126.98 },
  { name: 'Shanghai', lat: 31.23, lon: 121.47 }, { name: 'Singapore', lat: 1.35, lon: 103.82 },
  { name: 'Stockholm', lat: 59.33, lon: 18.07 }, { name: 'Sydney', lat: -33.869, lon: 151.209 },
  { name: 'Taipei', lat: 25.03, lon: 121.57 }, { name: 'Tokyo', lat: 35.68, lon: 139.69 },
  { name: 'Toronto', lat: 43.65, lon: -79.38 }, { name: 'Vancouver', lat: 49.283, lon: -123.121 },
  { name: 'Venice', lat: 45.44, lon: 12.32 }, { name: 'Vienna', lat: 48.21, lon: 16.37 },
  { name: 'Warsaw', lat: 52.23, lon: 21.01 }, { name: 'Washington', lat: 38.91, lon: -77.04, aliases: ['washington dc'] },
  { name: 'Zurich', lat: 47.38, lon: 8.54, aliases: ['zürich'] },
];

const byName = new Map<string, KnownPlace>();
for (const place of KNOWN_PLACES) for (const name of [place.name, ...(place.aliases ?? [])]) byName.set(name.toLowerCase(), place);
// Longest names first, so "new york city" wins over "new york".
const NAMES = [...byName.keys()].sort((a, b) => b.length - a.length);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PLACE_PATTERN = new RegExp(`(?:^|\\s)(?:in|from|at|around|near) (${NAMES.map(escape).join('|')})(?=$|[\\s,.?!])`, 'u');

/** Other cities count only from this size: "at night" or "on the beach" must not turn into a village. */
const OTHER_CITY_MIN_PEOPLE = 100_000;
const OTHER_PLACE_PATTERN = /(?:^|\s)(?:in|from|at|around|near) ((?:[\p{L}'’.-]+ ?){1,4})/gu;

/** Finds "in/from/at/near PLACE" in a lower-cased question; returns the place and the text without it. */
export function findPlace(text: string): { place: PlaceCircle; rest: string } | null {
  const match = PLACE_PATTERN.exec(text);
  if (!match) return findOtherCity(text);
  const known = byName.get(match[1]!)!;
  const rest = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).replace(/\s+/g, ' ').trim();
  return { place: { name: known.name, lat: known.lat, lon: known.lon, radiusKm: RADIUS_KM }, rest };
}

/** A city of the GeoNames list after "in/from/at/near" (the longest name of up to four words that is one). */
function findOtherCity(text: string): { place: PlaceCircle; rest: string } | null {
  for (const match of text.matchAll(OTHER_PLACE_PATTERN)) {
    const words = match[1]!.trim().split(' ');
    for (let n = words.length; n >= 1; n--) {
      const name = words.slice(0, n).join(' ').replace(/[.,]+$/, '');
      const city = placeDirectory().byName(name);
      if (!city || city.population < OTHER_CITY_MIN_PEOPLE) continue;
      const start = match.index + match[0].indexOf(match[1]!);
      const prepositionAt = match.index + (match[0].startsWith(' ') ? 1 : 0);
      const rest = (text.slice(0, prepositionAt) + text.slice(start + name.length)).replace(/\s+/g, ' ').trim();
      const radiusKm = Math.min(RADIUS_KM, Math.max(15, 2 * reachKm(city.population)));
      return { place: { name: city.name, lat: city.lat, lon: city.lon, radiusKm }, rest };
    }
  }
  return null;
}

/** The latitude/longitude box around a circle (SQL-friendly; the exact distance is checked afterwards). */
export function boundingBox(circle: PlaceCircle): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  const dLat = circle.radiusKm / 111.32;
  const dLon = circle.radiusKm / (111.32 * Math.max(0.01, Math.cos((circle.lat * Math.PI) / 180)));
  return { minLat: circle.lat - dLat, maxLat: circle.lat + dLat, minLon: circle.lon - dLon, maxLon: circle.lon + dLon };
}

/** Great-circle distance in kilometres. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
