// The library in browsing order (newest first) for the grid's pages, plus the values of the filter chips.
// The store has no ordered, offset query, so the order (path, folder, date: small) is computed once
// per library change and pages are read by path. Filters go through the store's one typed query (the
// same as search's), so listing and search always agree. See docs/architecture.md ("The app").
import type { LibraryFacets } from '../../../common/api/photobind.contract.ts';
import type { Photo, SearchFilters } from '../../../common/photo.types.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';

interface CatalogEntry {
  path: string;
}

interface Catalog {
  entries: CatalogEntry[];
  facets: LibraryFacets;
}

export class PhotoCatalog {
  private catalog: Promise<Catalog> | undefined;

  constructor(private readonly store: PhotoStoreRepository) {}

  invalidate(): void {
    this.catalog = undefined;
  }

  async page(offset: number, limit: number, filters: SearchFilters = {}): Promise<{ total: number; photos: Photo[] }> {
    const { entries } = await this.load();
    const store = this.store;
    const filtered = Object.values(filters).some((value) => value !== undefined && value !== '');
    const allowed = filtered ? new Set(await store.matchingPaths(filters)) : null;
    const matching = allowed ? entries.filter((e) => allowed.has(e.path)) : entries;
    const slice = matching.slice(offset, offset + limit);
    if (slice.length === 0) return { total: matching.length, photos: [] };
    const rows = await store.listPhotos({ paths: slice.map((e) => e.path) });
    const byPath = new Map(rows.map((photo) => [photo.path, photo]));
    // A photo deleted since the catalog was built is simply left out of its page.
    const photos = slice.map((e) => byPath.get(e.path)).filter((p): p is Photo => p !== undefined);
    return { total: matching.length, photos };
  }

  async facets(): Promise<LibraryFacets> {
    return (await this.load()).facets;
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
      const camera = [photo.cameraMake, photo.cameraModel].filter(Boolean).join(' ');
      if (camera) cameras.add(camera);
      if (photo.takenAt) {
        if (!firstDate || photo.takenAt < firstDate) firstDate = photo.takenAt;
        if (!lastDate || photo.takenAt > lastDate) lastDate = photo.takenAt;
      }
    }
    const byName = (a: string, b: string) => a.localeCompare(b);
    return {
      entries: photos.map((p) => ({ path: p.path })),
      facets: { folders: [...folders].sort(byName), cameras: [...cameras].sort(byName), firstDate, lastDate },
    };
  }
}
