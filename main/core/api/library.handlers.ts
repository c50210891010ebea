// API handlers of the library domain: folders, overview, facets, problems and the demo album.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import { isInside } from '../indexer/index.service.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { DEMO_MODEL_SET, type LibrarySession } from './library-session.ts';

const DEMO_SEED = 7;

/** Checks a folder typed or picked by the user; returns its real absolute path or a 'bad-folder' error that says what is wrong. */
export async function checkNewFolder(session: LibrarySession, typed: string, roots: string[]): Promise<string> {
  if (!path.isAbsolute(typed) && !typed.startsWith('~')) throw new ApiError('bad-folder', `"${typed}" is not a full path; give the whole path of the folder, e.g. /home/you/Pictures.`);
  const expanded = typed.startsWith('~') ? path.join(process.env.HOME ?? '', typed.slice(1)) : typed;
  const stat = await fs.stat(expanded).catch((error: NodeJS.ErrnoException) => error);
  if (stat instanceof Error) {
    if (stat.code === 'ENOENT' || stat.code === 'ENOTDIR') throw new ApiError('bad-folder', `The folder ${typed} does not exist; check the path (or plug in its drive).`);
    if (stat.code === 'EACCES' || stat.code === 'EPERM') throw new ApiError('bad-folder', `Photobind may not read ${typed}; check the folder's permissions.`);
    throw new ApiError('bad-folder', `The folder ${typed} cannot be read (${stat.code ?? stat.message}).`);
  }
  if (!stat.isDirectory()) throw new ApiError('bad-folder', `${typed} is a file, not a folder; give the folder that holds your photos.`);
  const real = await fs.realpath(path.resolve(expanded));
  const libraryDir = await fs.realpath((await session.core()).layout.root);
  if ((real === libraryDir || isInside(real, libraryDir)) && real !== session.demoDir) {
    throw new ApiError('bad-folder', `${typed} is inside Photobind's own library folder (${libraryDir}); add the folder where your photos are.`);
  }
  const parent = roots.find((root) => root !== real && isInside(real, root));
  if (parent) throw new ApiError('bad-folder', `${typed} is already in the library, as part of ${parent}.`);
  return real;
}

export function libraryHandlers(session: LibrarySession): PhotobindHandlers['library'] {
  return {
    overview: () => session.overview(),

    async addFolder({ path: typed }) {
      const roots = (await session.readSettings()).roots;
      const root = await checkNewFolder(session, typed, roots);
      // A folder that contains existing roots takes their place (their photos stay: same paths).
      await session.updateRoots((current) => [...current.filter((r) => !isInside(r, root) && r !== root), root]);
      session.libraryChanged(0);
      const job = session.enqueueIndex('add-folder', `Adding ${path.basename(root) || root}`, [root]);
      return { root, job };
    },

    async removeFolder({ path: root }) {
      const roots = (await session.readSettings()).roots;
      if (!roots.includes(root)) throw new ApiError('not-found', `${root} is not one of the library's folders.`);
      for (const id of session.jobs.jobsFor(root)) session.jobs.cancel(id);
      await session.jobs.idle();
      await session.updateRoots((current) => current.filter((r) => r !== root));
      const core = await session.core();
      const gone = await core.store.pathsUnder(root, path.sep);
      await core.store.deletePhotos(gone);
      const problems = [...(await core.store.problemMap()).keys()].filter((p) => isInside(p, root));
      await core.store.clearProblems([...gone, ...problems]);
      await session.restartWatcher();
      session.libraryChanged(0);
      return session.overview();
    },

    async openDemoAlbum({ count }) {
      const core = await session.core();
      if (core.modelSet.name !== DEMO_MODEL_SET) {
        if ((await core.store.countPhotos()) > 0) {
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
          seed: DEMO_SEED,
          onProgress: (done, all) => reporter.progress({ phase: 'scanning', total: all, done, failed: 0, skipped: 0, rate: 0, etaSeconds: null }),
        });
      });
      return { root, job };
    },

    facets: () => session.catalog.facets(),

    async problems() {
      const core = await session.core();
      const problems = [...(await core.store.problemMap()).values()]
        .sort((a, b) => a.path.localeCompare(b.path))
        .map(({ path: p, kind, reason, permanent }) => ({ path: p, kind, reason, permanent }));
      return { problems };
    },
  };
}

/** A demo album of at least this many photos was already rendered (the renderer is deterministic). */
async function hasDemoAlbum(dir: string, count: number): Promise<boolean> {
  const manifest = await fs.readFile(path.join(dir, 'manifest.jsonl'), 'utf8').catch(() => '');
  return manifest.split('\n').filter((line) => line.trim()).length === count;
}
