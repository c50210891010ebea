// Places state: the Places view (the library's photos by place, clustered on an offline world map), opening
// a cluster's photos in the grid as an area filter, and place names of positions for the photo details and
// the filter chip ([Note: offline places] in main/core/places/reverse-geocoder.ts).
import type { PhotobindClient, SearchQueryFilters } from '$common/api/photobind.contract.ts';
import type { Area, PlacePoint } from '$common/place.types.ts';
import { SvelteMap } from 'svelte/reactivity';
import type { PlaceCluster } from '../places/place-clusters.ts';
import { messageOf } from './errors.ts';

interface PlacesTargets {
  search: { filters: SearchQueryFilters; setFilter(key: 'area', value: Area | undefined): void; clear(): void; active: boolean };
  albums: { close(): void; current: string | null };
}

const positionKey = (gps: { lat: number; lon: number }) => `${gps.lat.toFixed(4)},${gps.lon.toFixed(4)}`;
const areaKey = (area: Area) => [area.minLat, area.maxLat, area.minLon, area.maxLon].map((v) => v.toFixed(5)).join(',');
/** The area filter reaches a little past its outermost photos (about a metre): stored positions round-trip exactly, but a box edge must not depend on it. */
const MARGIN = 1e-5;

export class PlacesState {
  /** The Places view is on screen (its address is #/places). */
  open = $state(false);
  points = $state.raw<PlacePoint[]>([]);
  /** Photos with a GPS position (in the current filters, area aside). */
  total = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Place names of positions, and of areas opened from the map (for the filter chip). */
  private readonly names = new SvelteMap<string, string | null>();
  private readonly areaNames = new SvelteMap<string, string>();
  /** Positions waiting for a name (plain on purpose: nothing on screen reads the queue). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private pending = new Map<string, { lat: number; lon: number }>();
  private flushing = false;

  private readonly api: PhotobindClient;
  private readonly targets: PlacesTargets;

  constructor(api: PhotobindClient, targets: PlacesTargets) {
    this.api = api;
    this.targets = targets;
  }

  /** Shows the Places view (from the sidebar or #/places) and loads the places. */
  show(): void {
    if (this.targets.search.active) this.targets.search.clear();
    if (this.targets.albums.current) this.targets.albums.close();
    this.open = true;
    void this.load();
  }

  hide(): void {
    this.open = false;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      // Places honour the other filters (dates, folder, camera, person), not a previous place.
      const { area: _area, ...filters } = this.targets.search.filters;
      const overview = await this.api.places.overview({ filters });
      this.points = overview.points;
      this.total = overview.total;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  /** Opens a cluster's photos in the grid: the library filtered to the box around them. */
  openCluster(cluster: Pick<PlaceCluster, 'area' | 'label'>): void {
    const area = {
      minLat: cluster.area.minLat - MARGIN,
      maxLat: cluster.area.maxLat + MARGIN,
      minLon: cluster.area.minLon - MARGIN,
      maxLon: cluster.area.maxLon + MARGIN,
    };
    this.areaNames.set(areaKey(area), cluster.label);
    this.open = false;
    this.targets.search.setFilter('area', area);
  }

  /** The name of an area filter: the cluster it was opened from, else the place at its centre. */
  areaLabel(area: Area): string {
    const known = this.areaNames.get(areaKey(area));
    if (known) return known;
    const centre = { lat: (area.minLat + area.maxLat) / 2, lon: (area.minLon + area.maxLon) / 2 };
    return this.label(centre) ?? 'Map area';
  }

  /** "Lisbon, Portugal" for a position (asked of the core once, then cached); its coordinates until then or at sea. */
  label(gps: { lat: number; lon: number } | null): string | null {
    if (!gps) return null;
    const key = positionKey(gps);
    const name = this.names.get(key);
    if (name) return name;
    if (name === undefined && !this.pending.has(key)) {
      this.pending.set(key, gps);
      queueMicrotask(() => void this.flush());
    }
    return `${gps.lat.toFixed(4)}, ${gps.lon.toFixed(4)}`;
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.size === 0) return;
    this.flushing = true;
    const batch = [...this.pending.entries()].slice(0, 500);
    try {
      const { places } = await this.api.places.names({ positions: batch.map(([, gps]) => gps) });
      batch.forEach(([key], i) => {
        const place = places[i];
        this.names.set(key, place ? `${place.city}, ${place.country}` : null);
      });
    } catch {
      // Names are a nicety: the coordinates stay on screen.
      for (const [key] of batch) this.names.set(key, null);
    } finally {
      for (const [key] of batch) this.pending.delete(key);
      this.flushing = false;
      if (this.pending.size) void this.flush();
    }
  }
}
