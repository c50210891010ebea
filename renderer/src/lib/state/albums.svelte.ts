// Albums state: the albums and favourites kept in the library, the one on screen, and adding photos to them.
import type { AlbumSummary, PhotobindClient, SearchQueryFilters } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { SvelteSet } from 'svelte/reactivity';
import { messageOf } from './errors.ts';
import type { GalleryState } from './gallery.svelte.ts';

export class AlbumsState {
  albums = $state.raw<AlbumSummary[]>([]);
  /** Content hashes of the favourite photos. */
  readonly favourites = new SvelteSet<string>();
  /** What the gallery shows: an album's id, 'favourites', or null for the library. */
  current = $state<string | null>(null);
  error = $state<string | null>(null);

  private readonly api: PhotobindClient;
  private readonly gallery: GalleryState;

  constructor(api: PhotobindClient, gallery: GalleryState) {
    this.api = api;
    this.gallery = gallery;
    api.on('onDidChangeAlbums', ({ albums }) => {
      this.albums = albums;
      if (this.current && this.current !== 'favourites') void this.open(this.current);
    });
  }

  async load(): Promise<void> {
    await this.run(async () => {
      const [{ albums }, { favourites }] = await Promise.all([this.api.albums.list({}), this.api.albums.favourites({})]);
      this.albums = albums;
      this.setFavourites(favourites);
    });
  }

  /** Shows an album (a live album runs its saved search now). */
  async open(id: string): Promise<void> {
    this.current = id;
    await this.run(async () => {
      const { album, photos } = await this.api.albums.photos({ id });
      if (this.current === id) this.gallery.list = { title: album.name, albumId: album.id, live: album.kind === 'live', photos };
    });
  }

  async openFavourites(): Promise<void> {
    this.current = 'favourites';
    await this.run(async () => {
      const { favourites, photos } = await this.api.albums.favourites({});
      this.setFavourites(favourites);
      if (this.current === 'favourites') this.gallery.list = { title: 'Favourites', albumId: null, live: false, photos };
    });
  }

  /** Back to the library. */
  close(): void {
    this.current = null;
    this.gallery.list = null;
  }

  async create(name: string, photos: readonly Photo[] = []): Promise<AlbumSummary | null> {
    return this.run(async () => {
      const { album } = await this.api.albums.create({ name });
      if (photos.length) await this.api.albums.addPhotos({ id: album.id, paths: photos.map((p) => p.path) });
      return album;
    });
  }

  async createLive(name: string, text: string, filters: SearchQueryFilters): Promise<AlbumSummary | null> {
    return this.run(async () => (await this.api.albums.createLive({ name, text, filters })).album);
  }

  async addPhotos(id: string, photos: readonly Photo[]): Promise<number | null> {
    return this.run(async () => (await this.api.albums.addPhotos({ id, paths: photos.map((p) => p.path) })).added);
  }

  async removeFromAlbum(id: string, photos: readonly Photo[]): Promise<void> {
    await this.run(() => this.api.albums.removePhotos({ id, paths: photos.map((p) => p.path) }));
  }

  async remove(id: string): Promise<void> {
    await this.run(() => this.api.albums.remove({ id }));
    if (this.current === id) this.close();
  }

  isFavourite(photo: Photo | null | undefined): boolean {
    return photo ? this.favourites.has(photo.contentHash) : false;
  }

  /** Marks photos as favourites, or all of them not, when every one already is. */
  async toggleFavourite(photos: readonly Photo[]): Promise<void> {
    if (photos.length === 0) return;
    const favourite = !photos.every((p) => this.favourites.has(p.contentHash));
    await this.run(async () => {
      const { favourites } = await this.api.albums.setFavourite({ paths: photos.map((p) => p.path), favourite });
      this.setFavourites(favourites);
      if (this.current === 'favourites') await this.openFavourites();
    });
  }

  private setFavourites(hashes: readonly string[]): void {
    this.favourites.clear();
    for (const hash of hashes) this.favourites.add(hash);
  }

  private async run<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await work();
      this.error = null;
      return result;
    } catch (error) {
      this.error = messageOf(error);
      return null;
    }
  }
}
