// Gallery state: what the grid shows (the library page by page, or search results), the selection and
// keyboard movement. Pages load as the virtualised grid scrolls to them.
import { SvelteMap } from 'svelte/reactivity';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { messageOf } from './errors.ts';
import type { SearchState } from './search.svelte.ts';

const PAGE_SIZE = 200;

export class GalleryState {
  /** Library photos by page number; replaced (not mutated) so the grid updates. */
  private pages = $state.raw<Record<number, Photo[]>>({});
  libraryTotal = $state(0);
  selectedIndex = $state(-1);
  /** Set by the grid from its width, for up/down movement. */
  columns = $state(1);
  error = $state<string | null>(null);
  /** Captions generated in this session and not saved in the library yet (saving comes with issue 5). */
  readonly captions = new SvelteMap<string, string>();

  readonly showingSearch = $derived(this.search.active);
  readonly count = $derived(this.showingSearch ? this.search.hits.length : this.libraryTotal);
  readonly selected = $derived(this.photoAt(this.selectedIndex));

  private readonly api: PhotobindClient;
  private readonly search: SearchState;
  private readonly loading = new Set<number>();
  private generation = 0;

  constructor(api: PhotobindClient, search: SearchState) {
    this.api = api;
    this.search = search;
  }

  photoAt(index: number): Photo | undefined {
    if (index < 0) return undefined;
    if (this.showingSearch) return this.search.hits[index]?.photo;
    return this.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
  }

  scoreAt(index: number): number | undefined {
    return this.showingSearch && !this.search.similarTo ? this.search.hits[index]?.score : undefined;
  }

  captionOf(photo: Photo): string | null {
    return this.captions.get(photo.path) ?? photo.caption;
  }

  /** Forgets loaded pages (the library or the filters changed) and reloads what is on screen. */
  refresh(): void {
    this.generation++;
    this.loading.clear();
    this.pages = {};
    this.selectedIndex = Math.min(this.selectedIndex, this.count - 1);
    void this.loadPage(0);
  }

  /** Called by the grid with the range of indices on screen. */
  ensureRange(start: number, end: number): void {
    if (this.showingSearch) return;
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(Math.max(start, end) / PAGE_SIZE); page++) void this.loadPage(page);
  }

  select(index: number): void {
    this.selectedIndex = this.count === 0 ? -1 : Math.max(0, Math.min(this.count - 1, index));
  }

  /** Arrow keys: left/right by one, up/down by a row. */
  move(dx: number, dy: number): void {
    if (this.count === 0) return;
    if (this.selectedIndex < 0) return this.select(0);
    this.select(this.selectedIndex + dx + dy * this.columns);
  }

  indexOf(photo: Photo): number {
    if (this.showingSearch) return this.search.hits.findIndex((h) => h.photo.path === photo.path);
    for (const [page, photos] of Object.entries(this.pages)) {
      const i = photos.findIndex((p) => p.path === photo.path);
      if (i >= 0) return Number(page) * PAGE_SIZE + i;
    }
    return -1;
  }

  private async loadPage(page: number): Promise<void> {
    if (this.pages[page] || this.loading.has(page)) return;
    const generation = this.generation;
    this.loading.add(page);
    try {
      const result = await this.api.photos.list({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, filters: this.search.filters });
      if (generation !== this.generation) return;
      this.libraryTotal = result.total;
      this.pages = { ...this.pages, [page]: result.photos };
      this.error = null;
    } catch (error) {
      if (generation === this.generation) this.error = messageOf(error);
    } finally {
      if (generation === this.generation) this.loading.delete(page);
    }
  }
}
