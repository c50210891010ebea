// API handlers of the library domain: folders, overview, facets, problems and the demo album.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import { alreadyInMessage } from '../library/library.service.ts';
import { DEMO_ALBUM, renderDemoAlbum } from '../toy-world/demo-album.ts';
import { isDemoOnlySet } from '../models/model-catalog.ts';
import { DEMO_MODEL_SET, type LibrarySession } from './library-session.ts';

export function libraryHandlers(session: LibrarySession): PhotobindHandlers['library'] {
  return {
    overview: () => session.overview(),

    async addFolder({ path: typed, allowDemoModels }) {
      // The same rules as `photobind index DIR` (LibraryService); a folder already inside one is refused here.
      const core = await session.core();
      const checked = await core.library.checkFolder(typed, { allowedInsideLibrary: session.demoDir });
      const parent = await core.library.containingRoot(checked);
      if (parent) throw new ApiError('bad-folder', alreadyInMessage(typed, parent));
      // See [Note: toy models stay with the demo]: a folder of the user's is not given to toy models unasked.
      const askedForByName = session.requestedModelSet === core.modelSet.name; // `serve --models toy`, as the CLI's --models toy
      if (isDemoOnlySet(core.modelSet) && checked !== session.demoDir && !allowDemoModels && !askedForByName) {
        throw new ApiError(
          'needs-confirmation',
          `This library uses the toy demo models, which only understand Photobind's toy scenes: they would search and caption ${typed} wrongly. ` +
            'Start your library with the real models (the demo album is removed), or add the folder with the toy models anyway.',
        );
      }
      const { folders } = await core.library.addFolders([checked], { allowedInsideLibrary: session.demoDir });
      const root = folders[0]!;
      session.libraryChanged(0);
      const job = session.enqueueIndex('add-folder', `Adding ${path.basename(root) || root}`, [root]);
      return { root, job };
    },

    async removeFolder({ path: root }) {
      const roots = (await session.readSettings()).roots;
      if (!roots.includes(root)) throw new ApiError('not-found', `${root} is not one of the library's folders.`);
      for (const id of session.jobs.jobsFor(root)) session.jobs.cancel(id);
      await session.jobs.idle();
      await (await session.core()).library.removeFolder(root);
      await session.restartWatcher();
      session.libraryChanged(0);
      return session.overview();
    },

    // See [Note: removing a photo from the library]: the files stay on disk.
    async removePhotos({ paths }) {
      const core = await session.core();
      const result = await core.removal.remove(paths);
      if (result.removed.length > 0) {
        session.libraryChanged(0);
        session.events.emit('onDidChangeAlbums', { albums: await core.albums.list() });
      }
      return result;
    },

    async restorePhotos({ paths }) {
      const core = await session.core();
      const result = await core.removal.restore(paths);
      if (result.restored.length > 0) {
        session.libraryChanged(0);
        session.events.emit('onDidChangeAlbums', { albums: await core.albums.list() });
      }
      return result;
    },

    async removedPhotos() {
      const removed = await (await session.core()).removal.list();
      return { removed: removed.map(({ path: p, contentHash, removedAt }) => ({ path: p, contentHash, removedAt })) };
    },

    async openDemoAlbum({ count }) {
      const core = await session.core();
      if (core.modelSet.name !== DEMO_MODEL_SET) {
        if ((await core.library.countPhotos()) > 0) {
          throw new ApiError('invalid-input', `The demo album uses the toy models, but this library uses the "${core.modelSet.name}" models. Open the demo in a library of its own: photobind serve --library DEMO-DIR --models toy`);
        }
        await session.switchModelSet(DEMO_MODEL_SET);
      }
      const total = count ?? session.demoCount;
      const root = session.demoDir;
      await session.updateRoots((current) => (current.includes(root) ? current : [...current, root]));
      session.libraryChanged(0);
      const job = session.enqueueIndex('demo-album', 'Opening the demo album', [root], async (reporter) => {
        reporter.stage('rendering');
        if (await hasDemoAlbum(root, total)) return;
        await renderDemoAlbum({
          outDir: root,
          count: total,
          seed: DEMO_ALBUM.seed,
          onProgress: (done, all) => reporter.progress({ phase: 'scanning', total: all, done, failed: 0, skipped: 0, rate: 0, etaSeconds: null }),
        });
      });
      return { root, job };
    },

    facets: async () => (await session.catalog()).facets(),

    async problems() {
      return { problems: await (await session.core()).library.problems() };
    },
  };
}

/** A demo album of at least this many photos was already rendered (the renderer is deterministic). */
async function hasDemoAlbum(dir: string, count: number): Promise<boolean> {
  const manifest = await fs.readFile(path.join(dir, 'manifest.jsonl'), 'utf8').catch(() => '');
  return manifest.split('\n').filter((line) => line.trim()).length === count;
}
