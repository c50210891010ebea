// API handlers of the people domain: the people service of the session's core, with a face to show per person.
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { Person } from '../../../common/api/contract/people.contract.ts';
import type { PersonSummary } from '../faces/people.service.ts';
import type { PhotobindCore } from '../photobind-core.ts';
import type { LibrarySession } from './library-session.ts';
import { libraryPhoto } from './photos.handlers.ts';

async function withCover(core: PhotobindCore, person: PersonSummary): Promise<Person> {
  return { id: person.id, name: person.name, faces: person.faces, photos: person.photos, hidden: person.hidden, cover: await core.people.coverOf(person.id) };
}

export function peopleHandlers(session: LibrarySession): PhotobindHandlers['people'] {
  return {
    async list({ all }) {
      const core = await session.core();
      if (!core.faceGrouping) return { enabled: false, people: [] };
      await core.scanFaces();
      const people = await core.people.list(all ? { all: true, includeHidden: true } : {});
      return { enabled: true, people: await Promise.all(people.map((p) => withCover(core, p))) };
    },
    async rename({ id, name }) {
      const core = await session.core();
      return { person: await withCover(core, await core.people.rename(id, name)) };
    },
    async merge({ id, other }) {
      const core = await session.core();
      return { person: await withCover(core, await core.people.merge(id, other)) };
    },
    async setHidden({ id, hidden }) {
      const core = await session.core();
      return { person: await withCover(core, await core.people.setHidden(id, hidden)) };
    },
    async facesOf({ path }) {
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      return { faces: core.faceGrouping ? await core.people.facesOfPhoto(photo.contentHash) : [] };
    },
    async setEnabled({ enabled }) {
      const core = await session.core();
      await core.setFaceGrouping(enabled);
      return { enabled };
    },
  };
}
