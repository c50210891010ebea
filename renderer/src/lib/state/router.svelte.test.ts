// RouterState at start-up: the address the page loaded with is applied, but a bare "#/" never undoes a
// search the person typed while the app was still loading (it used to clear the box and leave "Searching").
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { SearchHit } from '$common/photo.types.ts';
import { deferred } from './real-api.test-support.ts';
import { RouterState } from './router.svelte.ts';
import { SearchState } from './search.svelte.ts';
import type { AlbumsState } from './albums.svelte.ts';
import type { PlacesState } from './places.svelte.ts';
import type { ViewerState } from './viewer.svelte.ts';

interface Reply {
  hits: SearchHit[];
  weaker: SearchHit[];
  goodMatches: boolean;
}

/** The browser's address bar, as far as the router uses it (Node has none). */
function addressBar(hash: string) {
  const location = { hash };
  const history = {
    state: null as unknown,
    pushState(state: unknown, _title: string, next: string) {
      this.state = state;
      location.hash = next;
    },
    replaceState(state: unknown, _title: string, next: string) {
      this.state = state;
      location.hash = next;
    },
    back() {},
  };
  vi.stubGlobal('location', location);
  vi.stubGlobal('history', history);
  vi.stubGlobal('window', { addEventListener() {}, removeEventListener() {} });
  return location;
}

function setUp(hash: string) {
  const location = addressBar(hash);
  const replies: ReturnType<typeof deferred<Reply>>[] = [];
  const client = {
    search: {
      query() {
        const reply = deferred<Reply>();
        replies.push(reply);
        return reply.promise;
      },
    },
  } as unknown as PhotobindClient;
  const search = new SearchState(client, () => {});
  const viewer = { photo: null, open() {}, close() {} } as unknown as ViewerState;
  const albums = { current: null, close() {}, open: async () => {}, openFavourites: async () => {} } as unknown as AlbumsState;
  const places = { open: false, show() {}, hide() {} } as unknown as PlacesState;
  const router = new RouterState({ api: client, search, viewer, albums, places });
  return { location, replies, search, router };
}

describe('RouterState.start', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('keeps a search typed before the app finished loading, and its spinner ends with the answer', async () => {
    const { replies, search, router } = setUp('');
    // Typed while the library, settings and the grid's first page were still loading.
    search.setText('red car');
    search.submit();
    const stop = router.start();
    try {
      expect(search.text).toBe('red car');
      expect(search.active).toBe(true);
      replies[0]!.resolve({ hits: [], weaker: [], goodMatches: false });
      await vi.waitFor(() => expect(search.loading).toBe(false));
      expect(search.answered).toBe('red car');
    } finally {
      stop();
    }
  });

  it('still opens the search a loaded address names', async () => {
    const { replies, search, router } = setUp('#/search?q=beach');
    const stop = router.start();
    try {
      expect(search.text).toBe('beach');
      await vi.waitFor(() => expect(replies).toHaveLength(1));
    } finally {
      stop();
    }
  });
});
