// Renames and folder moves under the real watcher with the app's own timings (chokidar, write-finish
// detection, the toy CLIP in the model process, real LanceDB): each keeps the user's caption and costs
// no model work. See [Note: watching without losing photos].
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import type { IndexSummary } from './index.service.ts';
import type { LibraryWatchService } from './library-watch.service.ts';

const ROUNDS = 10;

let tmp: string;
let root: string;
let core: PhotobindCore;
let watcher: LibraryWatchService;
const applied: IndexSummary[] = [];

/** Waits until the library's paths under the root satisfy `ready`, then until the watcher has nothing pending. */
async function until(ready: (paths: Set<string>) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const paths = new Set((await core.store.listPhotos()).map((p) => path.relative(root, p.path)));
    if (ready(paths)) break;
    if (Date.now() > deadline) throw new Error(`the watcher did not catch up: ${[...paths].sort().join(', ')}; its errors: ${errors.join(' | ') || 'none'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await watcher.idle();
}

/** What the watcher reported as errors (shown when it does not catch up). */
const errors: string[] = [];
const work = () => ({ modelWork: applied.reduce((n, s) => n + s.modelWork, 0), indexed: applied.reduce((n, s) => n + s.indexed, 0) });

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-watch-moves-'));
  root = path.join(tmp, 'photos');
  const album = await renderDemoAlbum({ outDir: path.join(root, 'trip'), count: 5, seed: 71 });
  await fs.rm(album.manifestPath);
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
  await core.index.index([root]);
  for (const photo of await core.store.listPhotos()) await core.captions.editCaption(photo.path, `my words for ${path.basename(photo.path)}`);
  // The app's own timings (write-finish 700 ms, settle 500 ms): no test-only shortcuts.
  watcher = core.createWatcher();
  watcher.on('applied', (summary) => applied.push(summary));
  watcher.on('error', (error) => errors.push(error.message));
  await watcher.start([root]);
}, 120_000);

afterAll(async () => {
  await watcher?.stop();
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('watch: renames and moves keep what the user wrote', () => {
  it(`renames a photo ${ROUNDS} times: the caption stays, nothing is embedded again`, async () => {
    const folder = path.join(root, 'trip');
    const first = (await fs.readdir(folder)).sort()[0]!;
    const caption = `my words for ${first}`;
    const hash = (await core.store.getPhoto(path.join(folder, first)))!.contentHash;
    let current = first;
    let kept = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const next = `renamed-${round}.jpg`;
      await fs.rename(path.join(folder, current), path.join(folder, next));
      await until((paths) => paths.has(`trip/${next}`) && !paths.has(`trip/${current}`));
      const photo = await core.store.getPhoto(path.join(folder, next));
      if (photo?.caption === caption && photo.captionEdited && photo.contentHash === hash) kept += 1;
      current = next;
    }
    expect(kept).toBe(ROUNDS);
    expect(work()).toEqual({ modelWork: 0, indexed: 0 });
    expect(await core.store.countPhotos()).toBe(5);
  }, 300_000);

  it(`moves the whole folder ${ROUNDS} times: every caption stays, nothing is embedded again`, async () => {
    const before = new Map((await core.store.listPhotos()).map((p) => [path.basename(p.path), p.caption]));
    let current = 'trip';
    let kept = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const next = round % 2 ? `moved-${round}/inner` : `moved-${round}`;
      await fs.mkdir(path.dirname(path.join(root, next)), { recursive: true });
      await fs.rename(path.join(root, current), path.join(root, next));
      const previous = current;
      await until((paths) => [...paths].filter((p) => p.startsWith(`${next}/`)).length === 5 && ![...paths].some((p) => p.startsWith(`${previous}/`)));
      const photos = await core.store.listPhotos();
      if (photos.length === 5 && photos.every((p) => p.captionEdited && p.caption === before.get(path.basename(p.path)))) kept += 1;
      current = next;
    }
    expect(kept).toBe(ROUNDS);
    expect(work()).toEqual({ modelWork: 0, indexed: 0 });
  }, 600_000);
});
