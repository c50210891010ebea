// API handlers of the search domain: plain-language search, "more like this" and a video's moments.
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';

export function searchHandlers(session: LibrarySession): PhotobindHandlers['search'] {
  return {
    async query({ text, filters, sort, limit }) {
      const core = await session.core();
      const { hits, weaker, goodMatches } = await core.search.searchRanked(text, { ...filters, sort, limit });
      return { hits, weaker, goodMatches };
    },

    async similar({ path, limit }) {
      const core = await session.core();
      return { hits: await core.search.similar(path, { limit }) };
    },

    async moments({ text, contentHash }) {
      const core = await session.core();
      return { moments: await core.search.momentsOf(text, contentHash) };
    },
  };
}
