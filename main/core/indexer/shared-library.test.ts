// The app and the CLI on one library at once: a long-lived core in this process (as the app's, its
// store opened before anything was written) and a real `photobind index` child index the same folder
// together. Index passes take the library lock and first catch up with the other's commits, so each
// photo has one row ([Note: one writer per library]).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { currentHolder } from '../library/library-lock.ts';
import { PhotobindCore } from '../photobind-core.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

const PHOTOS = 30;
let tmp: string;
let album: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-shared-'));
  album = path.join(tmp, 'album');
  const { manifestPath } = await renderDemoAlbum({ outDir: album, count: PHOTOS, seed: 37 });
  await fs.rm(manifestPath);
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('an app-like core and a CLI on one library', () => {
  it('index the same folder at the same time: one row per photo, and the waiting side says who it waits for', async () => {
    const library = path.join(tmp, 'library');
    const busy: string[] = [];
    const core = await PhotobindCore.open({ libraryDir: library, modelSet: 'toy', onLibraryBusy: (message) => busy.push(message) });
    try {
      await core.models(); // the app's model process is up before the CLI starts
      const cli = runPhotobind(['index', album, '--models', 'toy', '--json'], { PHOTOBIND_LIBRARY: library });
      // Start our pass while the CLI holds the library: it has to wait, then see what the CLI wrote.
      let holder = await currentHolder(library);
      while (!holder) {
        await new Promise((r) => setTimeout(r, 20));
        holder = await currentHolder(library);
      }
      expect(holder.command).toBe(`photobind index ${album} --models toy --json`);
      const ours = await core.index.index([album]);
      const theirs = await cli;
      expect(theirs.code).toBe(0);
      expect(JSON.parse(theirs.stdout)).toMatchObject({ indexed: PHOTOS });
      // Our store was opened before the CLI wrote anything; after the lock it saw every row.
      expect(ours).toMatchObject({ indexed: 0, unchanged: PHOTOS });
      expect(await core.store.countPhotos()).toBe(PHOTOS);
      expect(new Set((await core.store.listPhotos()).map((p) => p.path)).size).toBe(PHOTOS);
      expect(busy).toHaveLength(1);
      expect(busy[0]).toMatch(/^The library is in use by `photobind index .*` \(pid \d+ on .*\); waiting for it to finish/);
    } finally {
      await core.close();
    }
  }, 300_000);
});
