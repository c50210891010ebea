// Keeps the address bar and the app in step: each view has its own #/… address (route.ts), Back and Forward
// restore the view, a reload reopens it. State → URL through one effect; URL → state on popstate.
import { untrack } from 'svelte';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { AlbumsState } from './albums.svelte.ts';
import type { PlacesState } from './places.svelte.ts';
import type { SearchState } from './search.svelte.ts';
import type { ViewerState } from './viewer.svelte.ts';
import { formatRoute, parseRoute, type Route } from './route.ts';
import { messageOf } from './errors.ts';

interface RouteTargets {
  api: PhotobindClient;
  search: SearchState;
  viewer: ViewerState;
  albums: AlbumsState;
  places: PlacesState;
}

export class RouterState {
  /** Set while a popped or loaded address is being applied, so the state it changes is not pushed back. */
  private applying = $state(0);
  error = $state<string | null>(null);
  private readonly targets: RouteTargets;

  constructor(targets: RouteTargets) {
    this.targets = targets;
  }

  /** The route the app's state describes now. */
  private current(): Route {
    const { viewer, search, albums, places } = this.targets;
    if (viewer.photo) return { kind: 'photo', hash: viewer.photo.contentHash };
    if (places.open) return { kind: 'places' };
    if (search.active && !search.similarTo && search.text.trim()) return { kind: 'search', q: search.text.trim(), sort: search.sort };
    if (albums.current === 'favourites') return { kind: 'favourites' };
    if (albums.current) return { kind: 'album', id: albums.current };
    if (search.filters.area) return { kind: 'place', area: search.filters.area };
    return { kind: 'home' };
  }

  /** Starts following the address: applies the one the page loaded with, then keeps both in step. */
  start(): () => void {
    const onpop = () => void this.apply(parseRoute(location.hash));
    window.addEventListener('popstate', onpop);
    // The address the page loaded with. A bare '#/' names nothing to open: it must not undo what the person
    // did while the app was still loading (a search typed before the grid's first page arrived).
    const loaded = parseRoute(location.hash);
    if (loaded.kind !== 'home') void this.apply(loaded);
    const stop = $effect.root(() => {
      $effect(() => {
        const route = this.current();
        if (this.applying > 0) return;
        untrack(() => this.follow(route));
      });
    });
    return () => {
      window.removeEventListener('popstate', onpop);
      stop();
    };
  }

  private follow(route: Route): void {
    const hash = formatRoute(route);
    if (hash === (location.hash || '#/')) return;
    const state = history.state as { back?: string } | null;
    // Going where we just came from (closing a photo) is Back, so Forward can reopen it.
    if (state?.back === hash) {
      history.back();
      return;
    }
    const from = parseRoute(location.hash);
    // Typing refines a search: one history entry per search, not per keystroke.
    if (from.kind === 'search' && route.kind === 'search') history.replaceState({ back: state?.back }, '', hash);
    else history.pushState({ back: location.hash || '#/' }, '', hash);
  }

  private async apply(route: Route): Promise<void> {
    const { api, search, viewer, albums, places } = this.targets;
    this.applying++;
    try {
      this.error = null;
      if (route.kind === 'photo') {
        if (viewer.photo?.contentHash !== route.hash) viewer.open((await api.photos.byHash({ contentHash: route.hash })).photo);
        return;
      }
      viewer.close();
      if (route.kind === 'places') {
        if (!places.open) places.show();
        return;
      }
      places.hide();
      if (route.kind === 'search') {
        if (search.sort !== route.sort) search.sort = route.sort;
        if (search.text !== route.q || search.similarTo) {
          search.setText(route.q);
          search.submit();
        }
        return;
      }
      if (search.active) search.clear();
      if (route.kind === 'place') {
        if (albums.current) albums.close();
        const shown = search.filters.area;
        if (!shown || formatRoute({ kind: 'place', area: shown }) !== formatRoute(route)) search.setFilter('area', route.area);
        return;
      }
      if (search.filters.area) search.setFilter('area', undefined);
      if (route.kind === 'album') await albums.open(route.id);
      else if (route.kind === 'favourites') await albums.openFavourites();
      else if (albums.current) albums.close();
    } catch (error) {
      this.error = `This link could not be opened: ${messageOf(error)}`;
      viewer.close();
    } finally {
      this.applying--;
    }
  }
}
