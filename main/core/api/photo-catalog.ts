// The library in browsing order (newest first) for the grid's pages, plus the values of the filter chips.
// The store has no ordered, offset query, so the order (path, folder, date: small) is computed once
// per library change and pages are read by path. See docs/architecture.md ("The app").
import path from 'node:path';
import type { LibraryFacets } from '../../../common/api/photobind.contract.ts';
import type { Photo, SearchFilters } from '../../../common/photo.types.ts';
import { sqlString, type PhotoStoreRepository } from '../storage/photo-store.repository.ts';

interface CatalogEntry {
  path: string;
  folder: string;
  takenAt: string | null;
  /** Lower-cased "make model", as the search filter matches it. */
  camera: string;
}

interface Catalog {
  entries: CatalogEntry[];
  facets: LibraryFacets;
}

export interface CatalogSource {
  store: PhotoStoreRepository;
}

export class PhotoCatalog {
  private catalog: Promise<Catalog> | undefined;

  constructor(private readonly source: () => Promise<CatalogSource>) {}

  invalidate(): void {
    this.catalog = undefined;
  }

  async page(offset: number, limit: number, filters: SearchFilters = {}): Promise<{ total: number; photos: Photo[] }> {
    const { entries } = await this.load();
    const matching = filters.folder || filters.camera || filters.since || filters.until ? entries.filter(matcher(filters)) : entries;
    const slice = matching.slice(offset, offset + limit);
    if (slice.length === 0) return { total: matching.length, photos: [] };
    const { store } = await this.source();
    const rows = await store.listPhotos(`path IN (${slice.map((e) => sqlString(e.path)).join(', ')})`);
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
    const { store } = await this.source();
    const photos = await store.listPhotos();
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
      entries: photos.map((p) => ({ path: p.path, folder: p.folder, takenAt: p.takenAt, camera: `${p.cameraMake ?? ''} ${p.cameraModel ?? ''}`.trim().toLowerCase() })),
      facets: { folders: [...folders].sort(byName), cameras: [...cameras].sort(byName), firstDate, lastDate },
    };
  }
}

/** The same filters as search's SQL filter (filterToSql), applied to the catalog in memory. */
function matcher(filters: SearchFilters): (entry: CatalogEntry) => boolean {
  const folder = filters.folder?.replace(/[\\/]+$/, '');
  const camera = filters.camera?.toLowerCase();
  const until = filters.until && /^\d{4}-\d{2}-\d{2}$/.test(filters.until) ? `${filters.until}T23:59:59.999` : filters.until;
  return (entry) =>
    (!folder || entry.folder === folder || entry.folder.startsWith(folder + path.sep)) &&
    (!camera || entry.camera.includes(camera)) &&
    (!filters.since || (entry.takenAt !== null && entry.takenAt >= filters.since)) &&
    (!until || (entry.takenAt !== null && entry.takenAt <= until));
}
