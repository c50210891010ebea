// The app's state root: builds one state class per domain over the API client and wires them together.
import { getContext, setContext } from 'svelte';
import type { Platform } from '../platform/platform.ts';
import { ChatState } from './chat.svelte.ts';
import { GalleryState } from './gallery.svelte.ts';
import { IndexingState } from './indexing.svelte.ts';
import { LibraryState } from './library.svelte.ts';
import { SearchState } from './search.svelte.ts';
import { SettingsState } from './settings.svelte.ts';
import { ThemeState } from './theme.svelte.ts';
import { ViewerState } from './viewer.svelte.ts';

export type Dialog = 'add-folder' | 'settings' | 'problems';

export class AppState {
  readonly library: LibraryState;
  readonly indexing: IndexingState;
  readonly search: SearchState;
  readonly gallery: GalleryState;
  readonly viewer: ViewerState;
  readonly chat: ChatState;
  readonly settings: SettingsState;
  readonly theme = new ThemeState();
  dialog = $state<Dialog | null>(null);
  disconnected = $state(false);

  readonly platform: Platform;

  constructor(platform: Platform) {
    this.platform = platform;
    const api = platform.client;
    this.settings = new SettingsState(api);
    this.search = new SearchState(api, () => this.gallery.refresh());
    this.gallery = new GalleryState(api, this.search);
    this.library = new LibraryState(api);
    this.indexing = new IndexingState(api, () => void this.library.loadProblems());
    this.viewer = new ViewerState(api, this.gallery, () => this.settings.captionModel?.available ?? false);
    this.chat = new ChatState(api);
    api.on('onDidChangeLibrary', () => {
      this.gallery.refresh();
      this.search.refresh();
    });
    api.on('onDidChangeSettings', () => this.gallery.refresh());
    api.onDisconnect(() => (this.disconnected = true));
  }

  async start(): Promise<void> {
    await Promise.all([this.library.load(), this.indexing.load(), this.settings.load()]);
    this.gallery.refresh();
  }

  openDialog(dialog: Dialog): void {
    this.library.clearError();
    this.dialog = dialog;
  }

  closeDialog(): void {
    this.dialog = null;
  }

  thumbUrl(contentHash: string): string {
    return this.platform.mediaUrl('thumb', contentHash);
  }

  photoUrl(contentHash: string): string {
    return this.platform.mediaUrl('photo', contentHash);
  }
}

const KEY = Symbol('photobind-app');

export function provideApp(app: AppState): void {
  setContext(KEY, app);
}

export function useApp(): AppState {
  return getContext<AppState>(KEY);
}
