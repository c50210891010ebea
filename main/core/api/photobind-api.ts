// The implementation of the Photobind API contract over one library session: one handler module per domain.
import { photobindApi, type PhotobindApi } from '../../../common/api/photobind.contract.ts';
import { implement, type ApiImplementation } from '../../../common/api/rpc.ts';
import { albumsHandlers } from './albums.handlers.ts';
import { toApiError } from './api-errors.ts';
import { chatHandlers } from './chat.handlers.ts';
import { indexingHandlers } from './indexing.handlers.ts';
import { libraryHandlers } from './library.handlers.ts';
import type { LibrarySession } from './library-session.ts';
import { modelsHandlers } from './models.handlers.ts';
import { peopleHandlers } from './people.handlers.ts';
import { photosHandlers } from './photos.handlers.ts';
import { placesHandlers } from './places.handlers.ts';
import { searchHandlers } from './search.handlers.ts';
import { settingsHandlers } from './settings.handlers.ts';
import { videoHandlers } from './video.handlers.ts';

export function createPhotobindApi(session: LibrarySession): ApiImplementation<PhotobindApi> {
  return implement(
    photobindApi,
    {
      library: libraryHandlers(session),
      photos: photosHandlers(session),
      search: searchHandlers(session),
      indexing: indexingHandlers(session),
      chat: chatHandlers(session),
      settings: settingsHandlers(session),
      albums: albumsHandlers(session),
      models: modelsHandlers(session),
      people: peopleHandlers(session),
      places: placesHandlers(session),
      video: videoHandlers(session),
    },
    { events: session.events, toApiError },
  );
}
