// API handlers of the search domain: plain-language search, "more like this" and a video's moments.
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';

export function searchHandlers(session: LibrarySession): PhotobindHandlers['search'] {
  return {
    // The rpc layer aborts `signal` when the caller cancels (a newer search superseded this one).
    async query({ text, filters, sort, limit }, { signal }) {
      const core = await session.core();
      const { hits, weaker, goodMatches } = await core.search.searchRanked(text, { ...filters, sort, limit, signal });
      return { hits, weaker, goodMatches };
    },

    async similar({ path, limit }, { signal }) {
      const core = await session.core();
      return { hits: await core.search.similar(path, { limit, signal }) };
    },

    async moments({ text, contentHash }) {
      const core = await session.core();
      return { moments: await core.search.momentsOf(text, contentHash) };
    },
  };
}
