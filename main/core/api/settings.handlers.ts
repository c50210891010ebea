// API handlers of the settings domain: model set, device, library location.
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';

export function settingsHandlers(session: LibrarySession): PhotobindHandlers['settings'] {
  return {
    get: () => session.settingsInfo(),

    async setModelSet({ modelSet }) {
      await session.switchModelSet(modelSet);
      return session.settingsInfo();
    },
  };
}
