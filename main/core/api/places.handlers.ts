// API handlers of the places domain: place names of positions and the library's photos by place.
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';

export function placesHandlers(session: LibrarySession): PhotobindHandlers['places'] {
  return {
    async overview({ filters }) {
      return (await session.core()).places.overview(filters);
    },

    async names({ positions }) {
      const core = await session.core();
      return { places: positions.map((position) => core.places.nameOf(position)) };
    },
  };
}
