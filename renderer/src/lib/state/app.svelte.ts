// The app's state root: builds one state class per domain over the API client and wires them together.
import { getContext } from 'svelte';
import type { Platform } from '../platform/platform.ts';
import { AlbumsState } from './albums.svelte.ts';
import { ChatState } from './chat.svelte.ts';
import { GalleryState } from './gallery.svelte.ts';
import { IndexingState } from './indexing.svelte.ts';
import { LibraryState } from './library.svelte.ts';
import { ModelsState } from './models.svelte.ts';
import { SelectionState } from './selection.svelte.ts';
import { PeopleState } from './people.svelte.ts';
import { PhotoActionsState } from './photo-actions.svelte.ts';
import { PlacesState } from './places.svelte.ts';
import { SearchState } from './search.svelte.ts';
import { SettingsState } from './settings.svelte.ts';
import { RouterState } from './router.svelte.ts';
import { ThemeState } from './theme.svelte.ts';
import { ViewerState } from './viewer.svelte.ts';
import { VideoState } from './video.svelte.ts';
import { TileBadgesState } from './tile-badges.svelte.ts';

export type Dialog = 'add-folder' | 'settings' | 'problems' | 'people';

export class AppState {
  readonly library: LibraryState;
  readonly indexing: IndexingState;
  readonly search: SearchState;
  readonly gallery: GalleryState;
  readonly viewer: ViewerState;
  readonly chat: ChatState;
  readonly settings: SettingsState;
  readonly albums: AlbumsState;
  readonly router: RouterState;
  readonly selection: SelectionState;
  readonly people: PeopleState;
  /** Remove from library (with Undo) and show in folder, for the selection bar and the photo view. */
  readonly photoActions: PhotoActionsState;
  readonly places: PlacesState;
  readonly models: ModelsState;
  readonly video: VideoState;
  /** Grid tiles' badges: a video's duration, a live photo's Live. */
  readonly tileBadges: TileBadgesState;
  readonly theme = new ThemeState();
  dialog = $state<Dialog | null>(null);
  /** Where the keyboard focus should go next ("/" → search, Esc from the viewer → grid); n makes repeats count. */
  focusRequest = $state.raw<{ target: 'search' | 'grid' | null; n: number }>({ target: null, n: 0 });
  disconnected = $state(false);
  /** The "Ask your library" panel (header button), and the sidebar as a drawer on narrow screens. */
  askOpen = $state(false);
  sidebarOpen = $state(false);

  readonly platform: Platform;

  constructor(platform: Platform) {
    this.platform = platform;
    const api = platform.client;
    this.settings = new SettingsState(api);
    this.search = new SearchState(api, () => this.gallery.refresh());
    this.gallery = new GalleryState(api, this.search);
    this.library = new LibraryState(api);
    this.indexing = new IndexingState(api, () => void this.library.loadProblems());
    this.viewer = new ViewerState(api, this.gallery, () => this.settings.captionModel?.available ?? false, () => (this.search.similarTo ? '' : this.search.answered));
    this.chat = new ChatState(api);
    this.albums = new AlbumsState(api, this.gallery);
    this.selection = new SelectionState(api, this.gallery, this.albums);
    this.places = new PlacesState(api, { search: this.search, albums: this.albums });
    this.router = new RouterState({ api, search: this.search, viewer: this.viewer, albums: this.albums, places: this.places });
    this.people = new PeopleState(api);
    this.photoActions = new PhotoActionsState(api, platform.showInFolder, async () => {
      await this.albums.load();
      if (this.albums.current === 'favourites') await this.albums.openFavourites();
    });
    this.models = new ModelsState(api);
    this.video = new VideoState(api);
    this.tileBadges = new TileBadgesState(api);
    api.on('onDidChangeLibrary', () => {
      this.gallery.refresh();
      this.search.refresh();
    });
    api.on('onDidChangeSettings', () => this.gallery.refresh());
    api.on('onDidChangePhoto', ({ photo }) => {
      this.gallery.updatePhoto(photo);
      if (this.viewer.photo?.path === photo.path) this.viewer.photo = photo;
    });
    api.onDisconnect(() => (this.disconnected = true));
  }

  async start(): Promise<void> {
    await Promise.all([this.library.load(), this.indexing.load(), this.settings.load(), this.albums.load(), this.models.load()]);
    this.gallery.refresh();
    this.router.start();
  }

  openDialog(dialog: Dialog): void {
    this.library.clearError();
    this.dialog = dialog;
  }

  closeDialog(): void {
    this.dialog = null;
  }

  requestFocus(target: 'search' | 'grid'): void {
    this.focusRequest = { target, n: this.focusRequest.n + 1 };
  }

  thumbUrl(contentHash: string): string {
    return this.platform.mediaUrl('thumb', contentHash);
  }

  photoUrl(contentHash: string): string {
    return this.platform.mediaUrl('photo', contentHash);
  }

  /** A library video, streamed with byte ranges. */
  videoUrl(contentHash: string): string {
    return this.platform.mediaUrl('video', contentHash);
  }

  /** A video's H.264 preview (for codecs the window does not play), or a still's motion; see [Note: playing videos]. */
  motionUrl(kind: 'preview' | 'motion', contentHash: string): string {
    return this.platform.mediaUrl(kind, contentHash);
  }
}

const KEY = Symbol('photobind-app');

/** The context to mount the app with, so every component can reach the state via useApp(). */
export function appContext(app: AppState): Map<symbol, AppState> {
  // A plain Map on purpose: mount() takes the context as one, and it never changes.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return new Map([[KEY, app]]);
}

export function useApp(): AppState {
  return getContext<AppState>(KEY);
}
