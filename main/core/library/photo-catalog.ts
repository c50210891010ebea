// The library in browsing order (newest first) for the grid's pages, plus the values of the filter chips.
// The store has no ordered, offset query, so the order (path, date, hash, shape: small) is computed once
// per library change and pages are read by path. Filters go through the store's one typed query (the
// same as search's), so listing and search always agree. See docs/architecture.md ("The app").
// It also gives the timeline its skeleton ([Note: timeline skeleton], renderer/src/lib/timeline/) and the
// albums their photos by content hash.
import type { LibraryFacets } from '../../../common/api/photobind.contract.ts';
import type { Photo, SearchFilters } from '../../../common/photo.types.ts';
import type { PeopleLookup } from '../search/search.service.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { cameraName } from '../../../common/camera-name.ts';

interface CatalogEntry {
  path: string;
  takenAt: string | null;
  contentHash: string;
  /** Width / height as displayed, for the timeline's justified rows. */
  aspect: number;
  /** GPS position (null without one), for the Places view. */
  gps: { lat: number; lon: number } | null;
}

/** The whole browsing order in a few bytes a photo: days with their photo counts, and each photo's aspect ratio. */
export interface TimelineSkeleton {
  total: number;
  days: Array<{ day: string | null; count: number }>;
  aspects: number[];
}

interface Catalog {
  entries: CatalogEntry[];
  facets: LibraryFacets;
}

export class PhotoCatalog {
  private catalog: Promise<Catalog> | undefined;

  constructor(
    private readonly store: PhotoStoreRepository,
    /** Named people, for the person filter (undefined while face grouping is off). */
    private readonly people: () => Promise<PeopleLookup | undefined> = () => Promise.resolve(undefined),
  ) {}

  invalidate(): void {
    this.catalog = undefined;
  }

  async page(offset: number, limit: number, filters: SearchFilters = {}): Promise<{ total: number; photos: Photo[] }> {
    const matching = await this.matchingEntries(filters);
    const slice = matching.slice(offset, offset + limit);
    if (slice.length === 0) return { total: matching.length, photos: [] };
    return { total: matching.length, photos: await this.photosOf(slice) };
  }

  /** The layout skeleton of the (filtered) library: the timeline lays out 100k photos without loading them. */
  async timeline(filters: SearchFilters = {}): Promise<TimelineSkeleton> {
    const matching = await this.matchingEntries(filters);
    const days: TimelineSkeleton['days'] = [];
    const aspects: number[] = new Array<number>(matching.length);
    matching.forEach((entry, i) => {
      const day = entry.takenAt ? entry.takenAt.slice(0, 10) : null;
      const last = days[days.length - 1];
      if (last && last.day === day) last.count++;
      else days.push({ day, count: 1 });
      aspects[i] = Math.round(entry.aspect * 100) / 100;
    });
    return { total: matching.length, days, aspects };
  }

  /** The photo with this content fingerprint (the first in browsing order when copies exist), for links to a photo. */
  async byHash(contentHash: string): Promise<Photo | null> {
    const entry = (await this.load()).entries.find((e) => e.contentHash === contentHash);
    return entry ? ((await this.photosOf([entry]))[0] ?? null) : null;
  }

  /** Content hashes of library photos, by path (unknown paths are left out). */
  async hashesOf(paths: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Set(paths);
    const found = new Map<string, string>();
    for (const entry of (await this.load()).entries) if (wanted.has(entry.path)) found.set(entry.path, entry.contentHash);
    return found;
  }

  /** The library's photos with these content hashes, newest first (one per hash: the first copy). */
  async withHashes(hashes: ReadonlySet<string>): Promise<Photo[]> {
    const seen = new Set<string>();
    const picked = (await this.load()).entries.filter((e) => hashes.has(e.contentHash) && !seen.has(e.contentHash) && seen.add(e.contentHash));
    return this.photosOf(picked);
  }

  /** Photos matching the filters, newest first (a live album with filters and no words). */
  async matching(filters: SearchFilters, limit: number): Promise<Photo[]> {
    return this.photosOf((await this.matchingEntries(filters)).slice(0, limit));
  }

  /** The (filtered) photos that have a GPS position, newest first: content hash and position only. */
  async located(filters: SearchFilters = {}): Promise<Array<{ contentHash: string; lat: number; lon: number }>> {
    const located: Array<{ contentHash: string; lat: number; lon: number }> = [];
    for (const entry of await this.matchingEntries(filters)) if (entry.gps) located.push({ contentHash: entry.contentHash, ...entry.gps });
    return located;
  }

  async facets(): Promise<LibraryFacets> {
    return (await this.load()).facets;
  }

  private async matchingEntries(filters: SearchFilters): Promise<CatalogEntry[]> {
    const { entries } = await this.load();
    const filtered = Object.values(filters).some((value) => value !== undefined && value !== '');
    const { person, ...rest } = filters;
    let contentHashes: string[] | undefined;
    if (person) {
      const people = await this.people();
      if (!people) throw new Error('Face grouping is off in this library, so there are no people to filter by.');
      contentHashes = [...(await people.contentHashesOfPerson(person))];
    }
    const allowed = filtered ? new Set(await this.store.matchingPaths({ ...rest, ...(contentHashes ? { contentHashes } : {}) })) : null;
    return allowed ? entries.filter((e) => allowed.has(e.path)) : entries;
  }

  /** The photos of some entries, in their order; a photo deleted since the catalog was built is left out. */
  private async photosOf(entries: CatalogEntry[]): Promise<Photo[]> {
    if (entries.length === 0) return [];
    const byPath = new Map<string, Photo>();
    for (let i = 0; i < entries.length; i += 500) {
      for (const photo of await this.store.listPhotos({ paths: entries.slice(i, i + 500).map((e) => e.path) })) byPath.set(photo.path, photo);
    }
    return entries.map((e) => byPath.get(e.path)).filter((p): p is Photo => p !== undefined);
  }

  private load(): Promise<Catalog> {
    this.catalog ??= this.build();
    const loading = this.catalog;
    loading.catch(() => {
      if (this.catalog === loading) this.catalog = undefined;
    });
    return loading;
  }

  private async build(): Promise<Catalog> {
    // Every photo of the library, including ones waiting to be re-embedded after a model switch.
    const photos = await this.store.listPhotos();
    photos.sort((a, b) => {
      const da = a.takenAt ?? '';
      const db = b.takenAt ?? '';
      if (da !== db) return !da ? 1 : !db ? -1 : da < db ? 1 : -1;
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    });
    const folders = new Set<string>();
    const cameras = new Set<string>();
    let firstDate: string | null = null;
    let lastDate: string | null = null;
    for (const photo of photos) {
      folders.add(photo.folder);
      const camera = cameraName(photo.cameraMake, photo.cameraModel);
      if (camera) cameras.add(camera);
      if (photo.takenAt) {
        if (!firstDate || photo.takenAt < firstDate) firstDate = photo.takenAt;
        if (!lastDate || photo.takenAt > lastDate) lastDate = photo.takenAt;
      }
    }
    const byName = (a: string, b: string) => a.localeCompare(b);
    return {
      entries: photos.map((p) => ({
        path: p.path,
        takenAt: p.takenAt,
        contentHash: p.contentHash,
        aspect: p.width > 0 && p.height > 0 ? Math.min(4, Math.max(0.25, p.width / p.height)) : 1,
        gps: p.gps,
      })),
      facets: { folders: [...folders].sort(byName), cameras: [...cameras].sort(byName), firstDate, lastDate },
    };
  }
}
