// A place named in a search ("Lisbon", "boats in Porto"): found with the question parser's place list and
// the offline GeoNames places, so searches match photos by GPS as library questions do ([Note: offline places]).
import { boundingBox, findPlace, KNOWN_PLACES, type PlaceCircle } from '../ask/place-gazetteer.ts';
import { foldName, placeDirectory, reachKm } from './reverse-geocoder.ts';

/** A bare place name counts from this size, as in questions: "Beach" or "Florence, Alabama" must not win over meaning. */
const BARE_NAME_MIN_PEOPLE = 100_000;
const RADIUS_KM = 40;

/** The place a search names, with the rest of the search (empty for a bare place name), or null. */
export function findPlaceInQuery(query: string): { place: PlaceCircle; rest: string } | null {
  const text = query.toLowerCase().replace(/[?!.]+\s*$/, '').replace(/\s+/g, ' ').trim();
  if (!text || text.split(' ').length > 12) return null;
  const bare = foldName(text);
  const known = KNOWN_PLACES.find((p) => [p.name, ...(p.aliases ?? [])].some((name) => foldName(name) === bare));
  if (known) return { place: { name: known.name, lat: known.lat, lon: known.lon, radiusKm: RADIUS_KM }, rest: '' };
  if (text.split(' ').length <= 4) {
    const city = placeDirectory().byName(text);
    if (city && city.population >= BARE_NAME_MIN_PEOPLE) {
      return { place: { name: city.name, lat: city.lat, lon: city.lon, radiusKm: Math.min(RADIUS_KM, Math.max(15, 2 * reachKm(city.population))) }, rest: '' };
    }
  }
  return findPlace(text);
}

export { boundingBox };
