// Gallery state: what the grid shows (the library page by page, or search results), the selection and
// keyboard movement. Pages load as the virtualised grid scrolls to them.
import { SvelteMap } from 'svelte/reactivity';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { groupByDay, type TimelineGroup } from '../timeline/timeline-layout.ts';
import { messageOf } from './errors.ts';
import type { SearchState } from './search.svelte.ts';

const PAGE_SIZE = 200;

export class GalleryState {
  private readonly api: PhotobindClient;
  private readonly search: SearchState;
  // Bookkeeping only (which pages are on their way), never shown: not reactive on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly loading = new Set<number>();
  private generation = 0;
  /** The library or filters changed while search results were shown: reload when the library shows again. */
  private stale = false;
  /** First and last page on screen (as the grid last reported). */
  private visiblePages: [number, number] = [0, 0];
  /** Library photos by page number; replaced (not mutated) so the grid updates. */
  private pages = $state.raw<Record<number, Photo[]>>({});
  libraryTotal = $state(0);
  /** An album or the favourites, shown instead of the library (null: the library). */
  list = $state.raw<{ title: string; albumId: string | null; live: boolean; photos: Photo[] } | null>(null);
  /** The library's timeline skeleton (days and aspect ratios, [Note: timeline skeleton]). */
  private librarySkeleton = $state.raw<{ groups: TimelineGroup[]; aspects: Float32Array }>({ groups: [], aspects: new Float32Array(0) });
  /** Up/down movement through the justified rows; set by the grid from its layout. */
  verticalStep: ((index: number, direction: -1 | 1) => number) | null = null;
  selectedIndex = $state(-1);
  /** Set by the grid from its width, for up/down movement. */
  columns = $state(1);
  error = $state<string | null>(null);
  /** Photos changed since their page was loaded (a new caption), by path. */
  readonly changed = new SvelteMap<string, Photo>();

  readonly showingSearch = $derived.by(() => this.search.active);
  readonly count = $derived.by(() => (this.showingSearch ? this.search.hits.length : this.list ? this.list.photos.length : this.libraryTotal));
  readonly selected = $derived(this.photoAt(this.selectedIndex));
  /** What the timeline lays out: groups by day (library, or results sorted by date) and every photo's aspect ratio. */
  readonly skeleton = $derived.by((): { groups: TimelineGroup[]; aspects: Float32Array; headers: boolean } => {
    if (!this.showingSearch && !this.list) return { ...this.librarySkeleton, headers: true };
    const photos = this.showingSearch ? this.search.hits.map((h) => h.photo) : this.list!.photos;
    const byDate = !this.showingSearch || (this.search.sort === 'date' && !this.search.similarTo);
    return {
      groups: byDate ? groupByDay(photos.map((p) => p.takenAt)) : [{ day: null, count: photos.length }],
      aspects: Float32Array.from(photos, (p) => (p.width > 0 && p.height > 0 ? p.width / p.height : 1)),
      headers: byDate,
    };
  });

  constructor(api: PhotobindClient, search: SearchState) {
    this.api = api;
    this.search = search;
  }

  photoAt(index: number): Photo | undefined {
    if (index < 0) return undefined;
    const photo = this.showingSearch
      ? this.search.hits[index]?.photo
      : this.list
        ? this.list.photos[index]
        : this.pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
    return photo && (this.changed.get(photo.path) ?? photo);
  }

  scoreAt(index: number): number | undefined {
    return this.showingSearch && !this.search.similarTo ? this.search.hits[index]?.score : undefined;
  }

  /** For a video among the search results: seconds to its best moment. */
  timeAt(index: number): number | undefined {
    return this.showingSearch ? this.search.hits[index]?.time : undefined;
  }

  /** A photo changed (onDidChangePhoto, or a caption this window wrote). */
  updatePhoto(photo: Photo): void {
    this.changed.set(photo.path, photo);
  }

  /**
   * The library or the filters changed: reloads the pages on screen and swaps them in at once (the old
   * ones stay up meanwhile, so a grid that refreshes while indexing does not flicker).
   */
  refresh(): void {
    const generation = ++this.generation;
    this.loading.clear();
    // Search results are on screen: library pages nobody sees are not fetched; they reload when the
    // search is cleared (its onChange calls refresh again) or the grid next asks for a range.
    if (this.showingSearch) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const [first, last] = this.visiblePages;
    const wanted = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    const skeleton = this.fetchSkeleton();
    void Promise.all([skeleton, ...wanted.map((page) => this.fetchPage(page))]).then(([timeline, ...results]) => {
      if (generation !== this.generation) return;
      if (timeline) {
        this.librarySkeleton = { groups: timeline.days, aspects: Float32Array.from(timeline.aspects) };
        this.libraryTotal = timeline.total;
      }
      const pages: Record<number, Photo[]> = {};
      results.forEach((result, i) => {
        if (result) pages[wanted[i]!] = result.photos;
      });
      const total = results.find((r) => r !== null)?.total;
      if (total !== undefined) this.libraryTotal = total;
      this.pages = pages;
      this.changed.clear();
      this.selectedIndex = Math.min(this.selectedIndex, this.count - 1);
      // The grid may have scrolled (a new filter starts at the top) while these loaded.
      const [from, to] = this.visiblePages;
      for (let page = from; page <= to; page++) void this.loadPage(page);
    });
  }

  /** Called by the grid with the range of indices on screen. */
  ensureRange(start: number, end: number): void {
    this.visiblePages = [Math.floor(start / PAGE_SIZE), Math.floor(Math.max(start, end) / PAGE_SIZE)];
    if (this.showingSearch || this.list) return;
    if (this.stale) return this.refresh();
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(Math.max(start, end) / PAGE_SIZE); page++) void this.loadPage(page);
  }

  select(index: number): void {
    this.selectedIndex = this.count === 0 ? -1 : Math.max(0, Math.min(this.count - 1, index));
  }

  /** The grid's keys: arrows move, Home/End jump, Enter opens; returns false for other keys. */
  handleKey(key: string, open: () => void): boolean {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[key];
    if (move) this.move(move[0], move[1]);
    else if (key === 'Home') this.select(0);
    else if (key === 'End') this.select(this.count - 1);
    else if (key === 'Enter' && this.selected) open();
    else return false;
    return true;
  }

  /** Arrow keys: left/right by one, up/down to the nearest photo of the row above or below. */
  move(dx: number, dy: number): void {
    if (this.count === 0) return;
    if (this.selectedIndex < 0) return this.select(0);
    if (dy !== 0 && this.verticalStep) return this.select(this.verticalStep(this.selectedIndex + dx, dy < 0 ? -1 : 1));
    this.select(this.selectedIndex + dx + dy * this.columns);
  }

  /** The filters the library view is browsed with. */
  get filters() {
    return this.search.filters;
  }

  indexOf(photo: Photo): number {
    return this.indexOfPath(photo.path);
  }

  indexOfPath(path: string): number {
    if (this.showingSearch) return this.search.hits.findIndex((h) => h.photo.path === path);
    if (this.list) return this.list.photos.findIndex((p) => p.path === path);
    for (const [page, photos] of Object.entries(this.pages)) {
      const i = photos.findIndex((p) => p.path === path);
      if (i >= 0) return Number(page) * PAGE_SIZE + i;
    }
    return -1;
  }

  private async loadPage(page: number): Promise<void> {
    if (this.pages[page] || this.loading.has(page)) return;
    const generation = this.generation;
    this.loading.add(page);
    const result = await this.fetchPage(page);
    if (generation !== this.generation) return;
    this.loading.delete(page);
    if (!result) return;
    this.libraryTotal = result.total;
    this.pages = { ...this.pages, [page]: result.photos };
  }

  private async fetchSkeleton(): Promise<{ total: number; days: TimelineGroup[]; aspects: number[] } | null> {
    try {
      return await this.api.photos.timeline({ filters: this.search.filters });
    } catch (error) {
      this.error = messageOf(error);
      return null;
    }
  }

  private async fetchPage(page: number): Promise<{ total: number; photos: Photo[] } | null> {
    try {
      const result = await this.api.photos.list({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, filters: this.search.filters });
      this.error = null;
      return result;
    } catch (error) {
      this.error = messageOf(error);
      return null;
    }
  }
}
