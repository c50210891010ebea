// The library's photos by place, for the Places view and place names wherever a position is shown:
// positions are named at read time by the offline reverse geocoder ([Note: offline places]).
import type { Area, PlaceName, PlacePoint } from '../../../common/place.types.ts';
import type { SearchFilters } from '../../../common/photo.types.ts';
import type { PhotoCatalog } from '../library/photo-catalog.ts';
import { placeDirectory } from './reverse-geocoder.ts';

/** Photos within about 100 m share one lookup (positions rounded to 0.001°). */
const MEMO_LIMIT = 200_000;

export class PlacesService {
  private readonly memo = new Map<string, PlaceName | null>();

  constructor(private readonly catalog: Pick<PhotoCatalog, 'located'>) {}

  /** The town or city and country of a position, or null (no GPS, or far from any town: open sea). */
  nameOf(gps: { lat: number; lon: number } | null | undefined): PlaceName | null {
    if (!gps || !Number.isFinite(gps.lat) || !Number.isFinite(gps.lon)) return null;
    const key = `${gps.lat.toFixed(3)},${gps.lon.toFixed(3)}`;
    let name = this.memo.get(key);
    if (name === undefined) {
      name = placeDirectory().nameOf(gps.lat, gps.lon);
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(key, name);
    }
    return name;
  }

  /**
   * The (filtered) library's photos with a GPS position, grouped by place name: each place with its
   * photos' mean position, their bounding box (the area filter that lists them), count and newest photo.
   * Positions without a name (open sea) are grouped by whole degree.
   */
  async overview(filters: SearchFilters = {}): Promise<{ total: number; points: PlacePoint[] }> {
    const located = await this.catalog.located(filters);
    const groups = new Map<string, { latSum: number; lonSum: number; area: Area; count: number; place: PlaceName | null; coverHash: string }>();
    for (const photo of located) {
      const place = this.nameOf(photo);
      const key = place ? `${place.city}\u0000${place.countryCode}` : `@${Math.round(photo.lat)},${Math.round(photo.lon)}`;
      const group = groups.get(key);
      if (!group) {
        const area = { minLat: photo.lat, maxLat: photo.lat, minLon: photo.lon, maxLon: photo.lon };
        groups.set(key, { latSum: photo.lat, lonSum: photo.lon, area, count: 1, place, coverHash: photo.contentHash });
        continue;
      }
      group.latSum += photo.lat;
      group.lonSum += photo.lon;
      group.count++;
      group.area.minLat = Math.min(group.area.minLat, photo.lat);
      group.area.maxLat = Math.max(group.area.maxLat, photo.lat);
      group.area.minLon = Math.min(group.area.minLon, photo.lon);
      group.area.maxLon = Math.max(group.area.maxLon, photo.lon);
    }
    const points = [...groups.values()].map((g) => ({
      lat: g.latSum / g.count,
      lon: g.lonSum / g.count,
      area: g.area,
      count: g.count,
      place: g.place,
      coverHash: g.coverHash,
    }));
    points.sort((a, b) => b.count - a.count || a.lat - b.lat || a.lon - b.lon);
    return { total: located.length, points };
  }
}
