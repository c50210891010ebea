// API handlers of the indexing domain: job status, rescans, cancelling.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';

export function indexingHandlers(session: LibrarySession): PhotobindHandlers['indexing'] {
  return {
    status: () => Promise.resolve({ jobs: session.jobs.status() }),

    async rescan() {
      const roots = (await session.readSettings()).roots;
      if (roots.length === 0) throw new ApiError('bad-folder', 'The library has no folders yet; add one first.');
      return { job: session.enqueueIndex('rescan', 'Checking your folders for changes', roots) };
    },

    cancel: ({ jobId }) => Promise.resolve({ cancelled: session.jobs.cancel(jobId) }),
  };
}
