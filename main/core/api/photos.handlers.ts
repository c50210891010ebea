// API handlers of the photos domain: pages of the library for the grid, one photo, captions.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { Photo } from '../../../common/photo.types.ts';
import type { PhotobindCore } from '../photobind-core.ts';
import type { LibrarySession } from './library-session.ts';
import { modelAvailability, unavailableMessage } from './model-availability.ts';

/** A photo of the library, or a 'not-found' error: paths from a client only ever serve as keys. */
export async function libraryPhoto(core: PhotobindCore, photoPath: string): Promise<Photo> {
  const photo = await core.store.getPhoto(photoPath);
  if (!photo) throw new ApiError('not-found', `${photoPath} is not a photo of this library.`);
  return photo;
}

/** Fails early, with a sentence the UI can show, when the model a task needs is not installed. */
export async function requireModel(core: PhotobindCore, task: 'caption' | 'ask'): Promise<string> {
  const model = (await modelAvailability(core.modelSet, core.layout.models)).find((m) => m.task === task)!;
  if (!model.available) throw new ApiError('model-unavailable', unavailableMessage(task, model.id, model.problem));
  return model.id;
}

export function photosHandlers(session: LibrarySession): PhotobindHandlers['photos'] {
  return {
    async list({ offset, limit, filters }) {
      const page = await session.catalog.page(offset, limit, filters);
      return { ...page, offset };
    },

    async get({ path }) {
      return { photo: await libraryPhoto(await session.core(), path) };
    },

    async generateCaption({ path }) {
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      const model = await requireModel(core, 'caption');
      const client = await core.models();
      const caption = await client.request({ type: 'caption', path: photo.path });
      return { caption: caption.trim(), model };
    },

    async setCaption({ path }) {
      await libraryPhoto(await session.core(), path);
      // TODO(issue 5): persist the user's caption (store upsert of caption + captionEdited) once the
      // core has a caption-saving method; until then the UI shows this error.
      throw new ApiError('not-implemented', 'Saving your own captions is not available yet; it comes with caption editing (issue 5).');
    },
  };
}
