// Albums, favourites and live albums (saved searches that fill themselves): the rules over AlbumsRepository.
// See [Note: albums live in a JSON file] (main/core/storage/albums.repository.ts).
import { randomUUID } from 'node:crypto';
import type { Photo, SearchFilters } from '../../../common/photo.types.ts';
import type { AlbumsRepository, StoredAlbum } from '../storage/albums.repository.ts';

/** What the service needs to know of the library's photos (the photo catalog and search provide it). */
export interface AlbumPhotoSource {
  /** Content hashes of these library photos, by path (paths not in the library are left out). */
  hashesOf(paths: readonly string[]): Promise<Map<string, string>>;
  /** The library's photos with these content hashes, newest first. */
  withHashes(hashes: ReadonlySet<string>): Promise<Photo[]>;
  /** Photos matching a saved search, newest first: words (searched) and filters, or filters alone. */
  matching(text: string, filters: SearchFilters): Promise<Photo[]>;
}

export interface AlbumSummary {
  id: string;
  name: string;
  kind: 'manual' | 'live';
  /** Photos in a manual album; null for a live album (it is counted when opened). */
  count: number | null;
  /** A live album's saved search. */
  query: { text: string; filters: SearchFilters } | null;
}

export class AlbumNotFoundError extends Error {}
export class AlbumInputError extends Error {}

const MAX_NAME = 120;

export class AlbumsService {
  constructor(
    private readonly repository: AlbumsRepository,
    private readonly source: AlbumPhotoSource,
  ) {}

  async list(): Promise<AlbumSummary[]> {
    const { albums } = await this.repository.read();
    return albums.map(summary).sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(name: string): Promise<AlbumSummary> {
    const album: StoredAlbum = { id: newId(), name: checkName(name), kind: 'manual', createdAt: new Date().toISOString(), members: [] };
    await this.repository.update((file) => file.albums.push(album));
    return summary(album);
  }

  /** A live album: a saved search that shows every photo matching it, including photos indexed later. */
  async createLive(name: string, text: string, filters: SearchFilters): Promise<AlbumSummary> {
    const words = text.trim();
    if (!words && !Object.values(filters).some((v) => v !== undefined && v !== '')) {
      throw new AlbumInputError('A live album needs words to search for or at least one filter (a folder, dates, a camera).');
    }
    const album: StoredAlbum = { id: newId(), name: checkName(name), kind: 'live', createdAt: new Date().toISOString(), query: { text: words, filters } };
    await this.repository.update((file) => file.albums.push(album));
    return summary(album);
  }

  async rename(id: string, name: string): Promise<AlbumSummary> {
    const checked = checkName(name);
    return this.repository.update((file) => {
      const album = find(file.albums, id);
      album.name = checked;
      return summary(album);
    });
  }

  async remove(id: string): Promise<void> {
    await this.repository.update((file) => {
      find(file.albums, id);
      file.albums = file.albums.filter((a) => a.id !== id);
    });
  }

  /** Adds library photos to a manual album; returns how many were new to it. */
  async addPhotos(id: string, paths: readonly string[]): Promise<{ added: number; album: AlbumSummary }> {
    const hashes = [...new Set((await this.source.hashesOf(paths)).values())];
    return this.repository.update((file) => {
      const album = manual(find(file.albums, id));
      const members = new Set(album.members);
      const before = members.size;
      for (const hash of hashes) members.add(hash);
      album.members = [...members];
      return { added: members.size - before, album: summary(album) };
    });
  }

  async removePhotos(id: string, paths: readonly string[]): Promise<AlbumSummary> {
    const hashes = new Set((await this.source.hashesOf(paths)).values());
    return this.repository.update((file) => {
      const album = manual(find(file.albums, id));
      album.members = album.members.filter((h) => !hashes.has(h));
      return summary(album);
    });
  }

  /** An album's photos, newest first (a live album runs its saved search now). */
  async photos(id: string): Promise<{ album: AlbumSummary; photos: Photo[] }> {
    const album = find((await this.repository.read()).albums, id);
    const photos = album.kind === 'live' ? await this.source.matching(album.query.text, album.query.filters) : await this.source.withHashes(new Set(album.members));
    return { album: { ...summary(album), count: photos.length }, photos };
  }

  async setFavourite(paths: readonly string[], favourite: boolean): Promise<string[]> {
    const hashes = new Set((await this.source.hashesOf(paths)).values());
    return this.repository.update((file) => {
      const set = new Set(file.favourites);
      for (const hash of hashes) {
        if (favourite) set.add(hash);
        else set.delete(hash);
      }
      file.favourites = [...set];
      return file.favourites;
    });
  }

  /** Content hashes of the favourite photos. */
  async favouriteHashes(): Promise<string[]> {
    return (await this.repository.read()).favourites;
  }

  async favouritePhotos(): Promise<Photo[]> {
    return this.source.withHashes(new Set(await this.favouriteHashes()));
  }

  /** The manual albums each content is in and whether it is a favourite (kept when a photo is removed from the library). */
  async placesOf(contentHashes: readonly string[]): Promise<Map<string, { albums: string[]; favourite: boolean }>> {
    const file = await this.repository.read();
    return new Map(contentHashes.map((hash) => [hash, {
      albums: file.albums.filter((a) => a.kind === 'manual' && a.members.includes(hash)).map((a) => a.id),
      favourite: file.favourites.includes(hash),
    }]));
  }

  /** Takes contents that left the library out of every manual album and the favourites. */
  async forgetContents(contentHashes: readonly string[]): Promise<void> {
    const gone = new Set(contentHashes);
    if (gone.size === 0) return;
    await this.repository.update((file) => {
      for (const album of file.albums) if (album.kind === 'manual') album.members = album.members.filter((h) => !gone.has(h));
      file.favourites = file.favourites.filter((h) => !gone.has(h));
    });
  }

  /** Puts restored contents back into the albums they were in (those that still exist) and the favourites. */
  async restoreContents(places: ReadonlyArray<{ contentHash: string; albums: readonly string[]; favourite: boolean }>): Promise<void> {
    if (!places.some((p) => p.favourite || p.albums.length > 0)) return;
    await this.repository.update((file) => {
      for (const place of places) {
        for (const album of file.albums) {
          if (album.kind === 'manual' && place.albums.includes(album.id) && !album.members.includes(place.contentHash)) album.members.push(place.contentHash);
        }
        if (place.favourite && !file.favourites.includes(place.contentHash)) file.favourites.push(place.contentHash);
      }
    });
  }
}

function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new AlbumInputError('An album needs a name.');
  if (trimmed.length > MAX_NAME) throw new AlbumInputError(`An album name has at most ${MAX_NAME} characters.`);
  return trimmed;
}

function find(albums: StoredAlbum[], id: string): StoredAlbum {
  const album = albums.find((a) => a.id === id);
  if (!album) throw new AlbumNotFoundError(`There is no album with the id ${id}.`);
  return album;
}

function manual(album: StoredAlbum): Extract<StoredAlbum, { kind: 'manual' }> {
  if (album.kind !== 'manual') throw new AlbumInputError(`"${album.name}" is a live album: it fills itself from its saved search, so photos cannot be added or removed by hand.`);
  return album;
}

function summary(album: StoredAlbum): AlbumSummary {
  return {
    id: album.id,
    name: album.name,
    kind: album.kind,
    count: album.kind === 'manual' ? album.members.length : null,
    query: album.kind === 'live' ? album.query : null,
  };
}
