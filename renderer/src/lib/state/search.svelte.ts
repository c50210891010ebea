// Search state: the query as typed (debounced), the filter chips, and the results; also "more like this".
import { SEARCH_TEXT_MAX } from '$common/api/contract/search.contract.ts';
import type { PhotobindClient, SearchQueryFilters } from '$common/api/photobind.contract.ts';
import type { Photo, SearchHit } from '$common/photo.types.ts';
import { isCancelled, messageOf } from './errors.ts';

const DEBOUNCE_MS = 250;

export type SearchSort = 'relevance' | 'date';

export class SearchState {
  text = $state('');
  filters = $state.raw<SearchQueryFilters>({});
  sort = $state<SearchSort>('relevance');
  /** Set while showing "more like this" for a photo instead of a typed query. */
  similarTo = $state.raw<Photo | null>(null);
  /** What the grid shows: the good matches, then the weaker ones once asked for. */
  hits = $state.raw<SearchHit[]>([]);
  /** Matches below the relevance floor, offered as "Show N weaker matches" (see [Note: no good matches]). */
  weaker = $state.raw<SearchHit[]>([]);
  /** False when nothing matched well: the header says so instead of showing a random photo. */
  goodMatches = $state(true);
  showingWeaker = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** The query the current hits answer (the text may have moved on while typing). */
  answered = $state('');

  readonly active = $derived(this.text.trim().length > 0 || this.similarTo !== null);
  readonly filterCount = $derived(Object.values(this.filters).filter(Boolean).length);

  private readonly api: PhotobindClient;
  private readonly onChange: () => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;

  constructor(api: PhotobindClient, onChange: () => void) {
    this.api = api;
    this.onChange = onChange;
  }

  /** Called on every keystroke; searches once typing pauses. */
  setText(typed: string): void {
    // The box has a maxlength; this also caps text set any other way (the API refuses longer text).
    const text = typed.slice(0, SEARCH_TEXT_MAX);
    this.text = text;
    this.similarTo = null;
    clearTimeout(this.timer);
    if (!text.trim()) {
      this.cancel();
      this.hits = [];
      this.weaker = [];
      this.goodMatches = true;
      this.showingWeaker = false;
      this.error = null;
      this.answered = '';
      this.onChange();
      return;
    }
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  /** Adds the weaker matches below the good ones. */
  showWeakerMatches(): void {
    if (this.showingWeaker || this.weaker.length === 0) return;
    this.hits = [...this.hits, ...this.weaker];
    this.showingWeaker = true;
    this.onChange();
  }

  /** Searches now (Enter in the search box). */
  submit(): void {
    clearTimeout(this.timer);
    void this.run();
  }

  clear(): void {
    this.setText('');
  }

  setFilter<K extends keyof SearchQueryFilters>(key: K, value: SearchQueryFilters[K] | undefined): void {
    const next = { ...this.filters };
    if (value === undefined || value === '') delete next[key];
    else next[key] = value;
    this.filters = next;
    this.onChange();
    if (this.active) void this.run();
  }

  clearFilters(): void {
    this.filters = {};
    this.onChange();
    if (this.active) void this.run();
  }

  setSort(sort: SearchSort): void {
    this.sort = sort;
    if (this.active) void this.run();
  }

  async showSimilar(photo: Photo): Promise<void> {
    clearTimeout(this.timer);
    this.text = '';
    this.similarTo = photo;
    await this.run();
  }

  /** Re-runs the current search (the library changed under it). */
  refresh(): void {
    if (this.active) void this.run();
  }

  private cancel(): void {
    this.inFlight?.abort();
    this.inFlight = undefined;
    // The cancelled search's own `finally` no longer owns the spinner (inFlight moved on): stop it here,
    // or clearing the box while a search runs leaves "Searching" up for good. run() sets it again.
    this.loading = false;
  }

  private async run(): Promise<void> {
    this.cancel();
    const controller = new AbortController();
    this.inFlight = controller;
    const text = this.text.trim();
    const similar = this.similarTo;
    if (!text && !similar) return;
    this.loading = true;
    this.error = null;
    try {
      const result = similar
        ? { ...(await this.api.search.similar({ path: similar.path }, { signal: controller.signal })), weaker: [], goodMatches: true }
        : await this.api.search.query({ text, filters: this.filters, sort: this.sort }, { signal: controller.signal });
      // A newer search superseded this one while it ran: its hits must not replace the newer ones.
      if (controller.signal.aborted) return;
      this.hits = result.hits;
      this.weaker = result.weaker;
      this.goodMatches = result.goodMatches;
      this.showingWeaker = false;
      this.answered = similar ? similar.fileName : text;
      this.onChange();
    } catch (error) {
      if (isCancelled(error) || controller.signal.aborted) return;
      this.hits = [];
      this.error = messageOf(error);
      this.onChange();
    } finally {
      if (this.inFlight === controller) {
        this.loading = false;
        this.inFlight = undefined;
      }
    }
  }
}
