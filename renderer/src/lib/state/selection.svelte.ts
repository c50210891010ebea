// Selection state: the photos picked for bulk actions (by path), the click rules (selection-rules.ts), select
// all, and the actions: favourite, add to an album, copy paths, export copies, caption.
import { SvelteMap } from 'svelte/reactivity';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import type { AlbumsState } from './albums.svelte.ts';
import { messageOf } from './errors.ts';
import type { GalleryState } from './gallery.svelte.ts';
import { clickSelection } from './selection-rules.ts';

export class SelectionState {
  private readonly api: PhotobindClient;
  private readonly gallery: GalleryState;
  private readonly albums: AlbumsState;
  readonly chosen = new SvelteMap<string, Photo>();
  private anchor: number | null = null;
  /** What the last action did ("Copied 3 paths"), or why it failed. */
  message = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state<string | null>(null);

  readonly size = $derived(this.chosen.size);
  readonly photos = $derived([...this.chosen.values()]);

  constructor(api: PhotobindClient, gallery: GalleryState, albums: AlbumsState) {
    this.api = api;
    this.gallery = gallery;
    this.albums = albums;
  }

  has(photo: Photo | undefined): boolean {
    return photo ? this.chosen.has(photo.path) : false;
  }

  /** A click on a tile; returns true when it should open the photo instead. */
  click(index: number, modifiers: { shift: boolean; toggle: boolean }): boolean {
    const outcome = clickSelection({
      // A snapshot for the pure rules, not state: not reactive on purpose.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      selected: new Set(this.chosen.keys()),
      anchor: this.anchor,
      index,
      ...modifiers,
      pathAt: (i) => this.gallery.photoAt(i)?.path,
    });
    if (outcome.open) return true;
    this.anchor = outcome.anchor;
    for (const path of [...this.chosen.keys()]) if (!outcome.selected.has(path)) this.chosen.delete(path);
    for (const path of outcome.selected) {
      if (this.chosen.has(path)) continue;
      const photo = this.photoWithPath(path, index);
      if (photo) this.chosen.set(path, photo);
    }
    this.message = null;
    return false;
  }

  clear(): void {
    this.chosen.clear();
    this.anchor = null;
    this.message = null;
    this.error = null;
  }

  /** Selects every photo the gallery shows (the library is read page by page). */
  async selectAll(): Promise<void> {
    const count = this.gallery.count;
    this.busy = 'Selecting…';
    try {
      if (this.gallery.showingSearch || this.gallery.list) {
        for (let i = 0; i < count; i++) {
          const photo = this.gallery.photoAt(i);
          if (photo) this.chosen.set(photo.path, photo);
        }
      } else {
        for (let offset = 0; offset < count; offset += 500) {
          const { photos } = await this.api.photos.list({ offset, limit: 500, filters: this.gallery.filters });
          for (const photo of photos) this.chosen.set(photo.path, photo);
        }
      }
      this.message = `${this.chosen.size.toLocaleString()} selected`;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = null;
    }
  }

  async favourite(): Promise<void> {
    await this.albums.toggleFavourite(this.photos);
    this.message = this.photos.every((p) => this.albums.isFavourite(p)) ? 'Added to favourites' : 'Removed from favourites';
  }

  async addToAlbum(id: string): Promise<void> {
    const added = await this.albums.addPhotos(id, this.photos);
    const name = this.albums.albums.find((a) => a.id === id)?.name ?? 'the album';
    if (added !== null) this.message = added === 0 ? `Already in ${name}` : `Added ${added} to ${name}`;
  }

  /** The selected photos' paths, one a line, on the clipboard. */
  async copyPaths(): Promise<void> {
    const text = this.photos.map((p) => p.path).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      this.message = `Copied ${this.photos.length === 1 ? 'the path' : `${this.photos.length} paths`}`;
    } catch (error) {
      this.error = `The clipboard refused the paths: ${messageOf(error)}`;
    }
  }

  /** Copies the selected files into a folder; nothing there is ever overwritten. */
  async exportCopies(folder: string): Promise<boolean> {
    this.busy = 'Exporting…';
    this.error = null;
    try {
      const { copied, folder: into } = await this.api.albums.exportCopies({ paths: this.photos.map((p) => p.path), folder });
      this.message = `Copied ${copied.length} ${copied.length === 1 ? 'file' : 'files'} to ${into}`;
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /** Captions the selected photos one after another (a person's own captions are kept). */
  async caption(): Promise<void> {
    const photos = this.photos;
    let done = 0;
    this.error = null;
    for (const photo of photos) {
      this.busy = `Captioning ${done + 1} of ${photos.length}…`;
      try {
        const { photo: captioned } = await this.api.photos.generateCaption({ path: photo.path });
        this.gallery.updatePhoto(captioned);
        this.chosen.set(captioned.path, captioned);
        done++;
      } catch (error) {
        this.error = messageOf(error);
        break;
      }
    }
    this.busy = null;
    this.message = `Captioned ${done} of ${photos.length}`;
  }

  private photoWithPath(path: string, near: number): Photo | undefined {
    const at = this.gallery.photoAt(near);
    if (at?.path === path) return at;
    const index = this.gallery.indexOfPath(path);
    return index >= 0 ? this.gallery.photoAt(index) : undefined;
  }
}
