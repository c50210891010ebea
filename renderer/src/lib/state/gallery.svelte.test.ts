// GalleryState: pages requested under an old generation (the filters changed meanwhile) are dropped, and
// no library pages are fetched while search results are shown (a hand-written client for the ordering;
// the real API over the in-process transport).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { GalleryState } from './gallery.svelte.ts';
import { deferred, hasToySearch, openRealApi, type RealApi } from './real-api.test-support.ts';
import { SearchState } from './search.svelte.ts';

type Page = { total: number; offset: number; photos: Photo[] };
type Timeline = { total: number; days: { day: string | null; count: number }[]; aspects: number[] };

/** Search and gallery wired as the app wires them: a search change refreshes the gallery. */
function wire(client: PhotobindClient): { search: SearchState; gallery: GalleryState } {
  const wired: { gallery?: GalleryState } = {};
  const search = new SearchState(client, () => wired.gallery?.refresh());
  const gallery = (wired.gallery = new GalleryState(client, search));
  return { search, gallery };
}

const photo = (name: string): Photo => ({ path: `/album/${name}.jpg`, fileName: `${name}.jpg` }) as Photo;

describe('GalleryState with a hand-written client (ordering)', () => {
  it('drops a page that was asked for before the filters changed, even when it answers last', async () => {
    const lists: { filters: unknown; reply: ReturnType<typeof deferred<Page>> }[] = [];
    const timelines: ReturnType<typeof deferred<Timeline>>[] = [];
    const client = {
      photos: {
        timeline() {
          const reply = deferred<Timeline>();
          timelines.push(reply);
          return reply.promise;
        },
        list(input: { filters?: unknown }) {
          const reply = deferred<Page>();
          lists.push({ filters: input.filters, reply });
          return reply.promise;
        },
      },
    } as unknown as PhotobindClient;
    const { search, gallery } = wire(client);
    gallery.ensureRange(0, 10);
    expect(lists).toHaveLength(1);
    search.setFilter('camera', 'Pixel'); // the search box is empty: the gallery refreshes for the new filter
    expect(lists).toHaveLength(2);
    expect(lists[1]!.filters).toEqual({ camera: 'Pixel' });
    expect(timelines).toHaveLength(1);
    timelines[0]!.resolve({ total: 1, days: [{ day: null, count: 1 }], aspects: [1.5] });
    lists[1]!.reply.resolve({ total: 1, offset: 0, photos: [photo('pixel')] });
    await vi.waitFor(() => expect(gallery.libraryTotal).toBe(1));
    lists[0]!.reply.resolve({ total: 2, offset: 0, photos: [photo('old-a'), photo('old-b')] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gallery.libraryTotal).toBe(1);
    expect(gallery.count).toBe(1);
    expect(gallery.photoAt(0)?.fileName).toBe('pixel.jpg');
    expect(gallery.photoAt(1)).toBeUndefined();
    expect(gallery.error).toBeNull();
    expect(lists).toHaveLength(2);
  });
});

describe.runIf(hasToySearch)('GalleryState over the real API', () => {
  let api: RealApi;

  beforeAll(async () => {
    api = await openRealApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('pages the library, and drops the unfiltered page once a filter supersedes it', async () => {
    const { search, gallery } = wire(api.client);
    gallery.ensureRange(0, 20);
    await vi.waitFor(() => expect(gallery.count).toBe(8));
    expect(gallery.photoAt(7)?.path.startsWith(api.album)).toBe(true);

    const fresh = wire(api.client);
    fresh.gallery.ensureRange(0, 20);
    fresh.search.setFilter('camera', 'no such camera');
    await vi.waitFor(() => expect(api.calls.filter((c) => c === 'photos.list').length).toBeGreaterThanOrEqual(3));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fresh.gallery.libraryTotal).toBe(0);
    expect(fresh.gallery.count).toBe(0);
    expect(fresh.gallery.photoAt(0)).toBeUndefined();
    expect(search.active).toBe(false);
  });

  it('makes no photos.list calls while search results are shown, and reloads the library after', async () => {
    const { search, gallery } = wire(api.client);
    gallery.ensureRange(0, 20);
    await vi.waitFor(() => expect(gallery.count).toBe(8));

    api.clearCalls();
    search.setText('two black dogs on a street at night'); // a subject the demo album has
    search.submit();
    // A real search on the toy models (its first may load the place names: "at night"), so not the 1 s default.
    await vi.waitFor(() => expect(search.answered).toBe('two black dogs on a street at night'), { timeout: 30_000 });
    expect(search.hits.length).toBeGreaterThan(0);
    expect(gallery.showingSearch).toBe(true);
    expect(gallery.count).toBe(search.hits.length);
    expect(gallery.photoAt(0)).toEqual(search.hits[0]!.photo);
    // While the results show: the grid scrolls, a filter changes, the library reports a change.
    gallery.ensureRange(0, 400);
    search.setFilter('camera', 'no such camera');
    await vi.waitFor(() => expect(api.calls.filter((c) => c === 'search.query')).toHaveLength(2));
    gallery.refresh();
    search.setFilter('camera', undefined);
    await vi.waitFor(() => expect(api.calls.filter((c) => c === 'search.query')).toHaveLength(3));
    await vi.waitFor(() => expect(search.loading).toBe(false));
    expect(api.calls.filter((c) => c.startsWith('photos.'))).toEqual([]);

    search.clear();
    expect(gallery.showingSearch).toBe(false);
    await vi.waitFor(() => expect(api.calls.filter((c) => c === 'photos.list').length).toBeGreaterThan(0));
    await vi.waitFor(() => expect(gallery.photoAt(7)?.path.startsWith(api.album)).toBe(true));
    expect(gallery.count).toBe(8);
  });
});
