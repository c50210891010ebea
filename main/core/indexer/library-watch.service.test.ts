// The watcher for real: chokidar on a temp folder, the model process with the toy CLIP, real LanceDB.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import type { LibraryWatchService } from './library-watch.service.ts';

let tmp: string;
let root: string;
let spare: string[];
let core: PhotobindCore;
let watcher: LibraryWatchService;

async function settle(): Promise<void> {
  // Write-finish detection waits for stable sizes, then the watcher applies the batch.
  await new Promise((r) => setTimeout(r, 1500));
  await watcher.idle();
}

const paths = async () => (await core.store.listPhotos()).map((p) => path.relative(root, p.path)).sort();

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-watch-'));
  root = path.join(tmp, 'photos');
  const initial = await renderDemoAlbum({ outDir: path.join(root, 'trip'), count: 4, seed: 55 });
  await fs.rm(initial.manifestPath);
  spare = (await renderDemoAlbum({ outDir: path.join(tmp, 'spare'), count: 3, seed: 56 })).files;
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
  await core.index.index([root]);
  watcher = core.createWatcher({ settleMs: 300, writeStableMs: 300, rootCheckMs: 300 });
  await watcher.start([root]);
});

afterAll(async () => {
  await watcher?.stop();
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('LibraryWatchService', () => {
  it('indexes a photo that arrives', async () => {
    await fs.copyFile(spare[0]!, path.join(root, 'new-arrival.jpg'));
    await settle();
    expect(await paths()).toContain('new-arrival.jpg');
  });

  it('a pass that fails keeps its changes and applies them on the next try', async () => {
    // Fault injection around the real index service: its next pass fails once (a disk hiccup).
    const real = core.index.applyChanges.bind(core.index);
    let failuresLeft = 1;
    core.index.applyChanges = (...args) => (failuresLeft-- > 0 ? Promise.reject(new Error('disk hiccup')) : real(...args));
    const failed = new Promise<Error>((resolve) => watcher.once('error', resolve));
    try {
      await fs.copyFile(spare[1]!, path.join(root, 'second-arrival.jpg'));
      expect((await failed).message).toBe('disk hiccup');
      await settle(); // the retry, 5 s on
      expect(await paths()).toContain('second-arrival.jpg');
    } finally {
      core.index.applyChanges = real;
    }
    await fs.rm(path.join(root, 'second-arrival.jpg'));
    await settle();
    expect(await paths()).not.toContain('second-arrival.jpg');
  }, 60_000);

  it('a renamed photo keeps its row (same content hash) without model work', async () => {
    const before = await core.store.getPhoto(path.join(root, 'new-arrival.jpg'));
    const applied: number[] = [];
    watcher.on('applied', (s) => applied.push(s.modelWork));
    await fs.rename(path.join(root, 'new-arrival.jpg'), path.join(root, 'renamed.jpg'));
    await settle();
    const after = await core.store.getPhoto(path.join(root, 'renamed.jpg'));
    expect(after?.contentHash).toBe(before?.contentHash);
    expect(await core.store.getPhoto(path.join(root, 'new-arrival.jpg'))).toBeNull();
    expect(applied.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a moved folder keeps its photos; a deleted photo is removed', async () => {
    await fs.rename(path.join(root, 'trip'), path.join(root, 'holidays-2024'));
    await settle();
    const moved = await paths();
    expect(moved.filter((p) => p.startsWith('holidays-2024/'))).toHaveLength(4);
    expect(moved.filter((p) => p.startsWith('trip/'))).toHaveLength(0);
    await fs.rm(path.join(root, 'renamed.jpg'));
    await settle();
    expect(await paths()).not.toContain('renamed.jpg');
  });

  it('a root that disappears is marked offline and its photos are kept', async () => {
    const count = await core.store.countPhotos();
    const offline = new Promise<string>((resolve) => watcher.once('rootOffline', resolve));
    await fs.rename(root, `${root}-unplugged`);
    expect(await offline).toBe(root);
    await settle();
    expect(await core.store.countPhotos()).toBe(count);
    const online = new Promise<string>((resolve) => watcher.once('rootOnline', resolve));
    await fs.rename(`${root}-unplugged`, root);
    expect(await online).toBe(root);
    await settle();
    expect(await core.store.countPhotos()).toBe(count);
  });
});
