// API handlers of the photos domain: pages of the library for the grid, one photo, captions.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { Photo } from '../../../common/photo.types.ts';
import type { PhotobindCore } from '../photobind-core.ts';
import type { LibrarySession } from './library-session.ts';
import { modelAvailability, unavailableMessage } from './model-availability.ts';

/** A photo of the library, or a 'not-found' error: paths from a client only ever serve as keys. */
export async function libraryPhoto(core: PhotobindCore, photoPath: string): Promise<Photo> {
  const photo = await core.library.photo(photoPath);
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
      const page = await (await session.catalog()).page(offset, limit, filters);
      return { ...page, offset };
    },

    async timeline({ filters }) {
      return (await session.catalog()).timeline(filters);
    },

    async byHash({ contentHash }) {
      const photo = await (await session.catalog()).byHash(contentHash);
      if (!photo) throw new ApiError('not-found', `No photo of this library has the content hash ${contentHash}.`);
      return { photo };
    },

    async get({ path }) {
      return { photo: await libraryPhoto(await session.core(), path) };
    },

    async text({ path }) {
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      const reading = await core.text.textOf(photo.contentHash);
      return { text: reading.text, lines: reading.textLines, read: reading.read };
    },

    async generateCaption({ path }) {
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      await requireModel(core, 'caption');
      const summary = await core.captions.caption({ paths: [photo.path] }, { force: true });
      const failure = summary.failures[0];
      if (failure && /No caption model is configured/.test(failure.reason)) {
        throw new ApiError('model-unavailable', 'The caption model was installed after Photobind started; restart Photobind to use it.');
      }
      if (failure) throw new ApiError('internal', failure.reason, true);
      const captioned = await libraryPhoto(core, photo.path);
      session.events.emit('onDidChangePhoto', { photo: captioned });
      return { photo: captioned };
    },

    async setCaption({ path, caption }) {
      const core = await session.core();
      await libraryPhoto(core, path);
      const { sidecar: _sidecar, ...photo } = await core.captions.editCaption(path, caption);
      session.events.emit('onDidChangePhoto', { photo });
      return { photo };
    },
  };
}
