// While a folder is indexed, every window hears of the committed photos before the job says it is done: the
// overview sent with onDidChangeLibrary (the sidebar's "All photos" count) follows the rows as they are
// committed, instead of an early count of 0 taken before the first commit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LibraryOverview } from '../../../common/api/photobind.contract.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { openApiTestLibrary, type ApiTestLibrary } from './api-test-library.test-support.ts';

const COUNT = 6;
let lib: ApiTestLibrary;

beforeAll(async () => {
  lib = await openApiTestLibrary({ prefix: 'photobind-live-count-', fill: (out) => renderDemoAlbum({ outDir: out, count: COUNT, seed: 5 }) });
});

afterAll(async () => {
  await lib?.close();
});

it('sends the overview with the committed photos before the index job reports done', async () => {
  const seen: LibraryOverview[] = [];
  const stopLibrary = lib.client.on('onDidChangeLibrary', (overview) => seen.push(overview));
  const countWhenDone = new Promise<number | undefined>((resolve) => {
    const stop = lib.client.on('onDidIndexProgress', (state) => {
      if (state.state !== 'done' && state.state !== 'failed') return;
      stop();
      resolve(seen.at(-1)?.photoCount);
    });
  });
  await lib.client.library.addFolder({ path: lib.album });
  expect(await countWhenDone).toBe(COUNT);
  stopLibrary();
  // The stages' counts came along with it (the Pipeline list reads them from the same overview).
  const last = seen.at(-1)!;
  expect(last.stages.find((s) => s.name === 'files')).toMatchObject({ done: COUNT });
});
