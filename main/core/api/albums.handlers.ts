// API handlers of the albums domain: albums, favourites and live albums over AlbumsService.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import { AlbumInputError, AlbumNotFoundError, type AlbumsService } from '../albums/albums.service.ts';
import { ExportError, exportCopies } from '../albums/export-copies.service.ts';
import type { LibrarySession } from './library-session.ts';

export function albumsHandlers(session: LibrarySession): PhotobindHandlers['albums'] {
  // The core is reopened when the model set changes: always ask the session for the current one.
  let current: AlbumsService | undefined;
  const albums = (): AlbumsService => current!;
  const changed = async () => session.events.emit('onDidChangeAlbums', { albums: await albums().list() });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    current = (await session.core()).albums;
    return mapped(work);
  };
  return {
    async list() {
      return { albums: await call(() => albums().list()) };
    },
    async create({ name }) {
      const album = await call(() => albums().create(name));
      await changed();
      return { album };
    },
    async createLive({ name, text, filters }) {
      const album = await call(() => albums().createLive(name, text, filters));
      await changed();
      return { album };
    },
    async rename({ id, name }) {
      const album = await call(() => albums().rename(id, name));
      await changed();
      return { album };
    },
    async remove({ id }) {
      await call(() => albums().remove(id));
      await changed();
      return {};
    },
    async addPhotos({ id, paths }) {
      const result = await call(() => albums().addPhotos(id, paths));
      await changed();
      return result;
    },
    async removePhotos({ id, paths }) {
      const album = await call(() => albums().removePhotos(id, paths));
      await changed();
      return { album };
    },
    async photos({ id }) {
      return call(() => albums().photos(id));
    },
    async setFavourite({ paths, favourite }) {
      return { favourites: await call(() => albums().setFavourite(paths, favourite)) };
    },
    async exportCopies({ paths, folder }) {
      const known = await (await session.catalog()).hashesOf(paths);
      const unknown = paths.find((p) => !known.has(p));
      if (unknown) throw new ApiError('not-found', `${unknown} is not a photo of this library.`);
      const core = await session.core();
      const copied = await call(() => exportCopies([...new Set(paths)], folder, core.layout.root));
      return { folder, copied };
    },
    async favourites() {
      const [favourites, photos] = await call(() => Promise.all([albums().favouriteHashes(), albums().favouritePhotos()]));
      return { favourites, photos };
    },
  };
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AlbumNotFoundError) throw new ApiError('not-found', error.message);
    if (error instanceof AlbumInputError || error instanceof ExportError) throw new ApiError('invalid-input', error.message);
    throw error;
  }
}
