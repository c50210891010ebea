// A library switching its search model (toy CLIP, 128-d → toy SigLIP, 96-d, bilingual) through the real
// parts: LanceDB, two model processes, the file system. Searches keep working on the old vectors until the
// switch; photos of an offline folder wait and are re-embedded when it is back.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { readManifest, renderDemoAlbum, type ManifestEntry } from '../toy-world/demo-album.ts';
import { MODELS, modelFiles } from '../models/model-catalog.ts';
import { startLocalHub } from '../models/local-hub.test-support.ts';
import type { ReembedProgress } from './reembed.service.ts';

let tmp: string;
let album: string;
let usb: string;
let libraryDir: string;
let manifest: ManifestEntry[];
let core: PhotobindCore | undefined;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-switch-')));
  album = path.join(tmp, 'album');
  usb = path.join(tmp, 'usb');
  libraryDir = path.join(tmp, 'library');
  manifest = await readManifest((await renderDemoAlbum({ outDir: album, count: 30, seed: 41 })).manifestPath);
  await renderDemoAlbum({ outDir: usb, count: 4, seed: 42 });
  const first = await PhotobindCore.open({ libraryDir, modelSet: 'toy' });
  await first.index.index([album, usb]);
  await first.close();
});

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('switching the search model', () => {
  it('re-embeds in the background while searches use the old vectors, then switches at once', async () => {
    await fs.rename(usb, `${usb}-unplugged`); // this folder is offline during the switch
    core = await PhotobindCore.open({ libraryDir, modelSet: 'toy-multilingual' });
    expect(core.switchPending).toBe(true);
    expect(core.activeSearchModel).toBe('photobind/toy-clip');
    const before = await core.search.searchRanked('red car', { limit: 5 }).then((r) => [...r.hits, ...r.weaker]);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((h) => h.photo.modelId === 'photobind/toy-clip')).toBe(true);

    const progress: ReembedProgress[] = [];
    const midway: Array<Promise<string[]>> = [];
    const summary = await core.switchSearchModel({
      batchSize: 8,
      onProgress: (p) => {
        progress.push(p);
        // A search while re-embedding still answers from the old model's vectors.
        if (p.phase === 'embedding' && p.done === 8) midway.push(core!.search.searchRanked('red car', { limit: 5 }).then((r) => [...r.hits, ...r.weaker]).then((hits) => hits.map((h) => h.photo.modelId)));
      },
    });
    expect(summary).toMatchObject({ switched: true, embedded: 30, photos: 30, waiting: 4 });
    expect(midway).toHaveLength(1);
    expect(new Set(await midway[0])).toEqual(new Set(['photobind/toy-clip']));
    const dones = progress.filter((p) => p.phase === 'embedding').map((p) => p.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: 30, failed: 4 });

    expect(core.switchPending).toBe(false);
    expect(core.activeSearchModel).toBe('photobind/toy-siglip');
    expect(await core.store.vectorDimension()).toBe(96);
    expect(await core.store.countPhotos()).toBe(34); // the offline photos keep their place
    // Thai now works, and only vectors of the new model are searched.
    const thai = await core.search.searchRanked('รถยนต์สีแดง', { limit: 5 }).then((r) => [...r.hits, ...r.weaker]); // the verdict aside: which model answers
    expect(thai.length).toBeGreaterThan(0);
    expect(thai.every((h) => h.photo.modelId === 'photobind/toy-siglip')).toBe(true);
    const redCars = manifest.filter((m) => m.scene.objects.some((o) => o.kind === 'car' && o.color === 'red')).map((m) => m.file);
    if (redCars.length) expect(redCars).toContain(path.basename(thai[0]!.photo.path));
  });

  it('re-embeds the waiting photos when their folder is back, and a reopened library stays switched', async () => {
    await fs.rename(`${usb}-unplugged`, usb);
    const summary = await core!.index.index([album, usb]);
    expect(summary).toMatchObject({ embedded: 4, indexed: 0, unchanged: 34 });
    await core!.close();
    core = await PhotobindCore.open({ libraryDir });
    expect(core.activeSearchModel).toBe('photobind/toy-siglip');
    expect(core.switchPending).toBe(false);
    const rows = await core.store.listPhotos();
    expect(rows).toHaveLength(34);
    expect(new Set(rows.map((p) => p.modelId))).toEqual(new Set(['photobind/toy-siglip']));
  });

  it('a switch to a model that is not installed downloads it (with progress) from the Hub, then re-embeds', async () => {
    // The local Hub serves the toy SigLIP's files under the real multilingual model's name and file names.
    const real = MODELS['onnx-community/siglip2-base-patch16-224-ONNX']!;
    const twin = MODELS['photobind/toy-siglip']!;
    if (twin.source.kind !== 'bundled') throw new Error('toy-siglip is bundled');
    const twinFolder = twin.source.folder;
    const served: Record<string, Buffer> = {};
    const names = modelFiles(real, real.defaultDtype);
    for (const [i, name] of modelFiles(twin, 'fp32').entries()) served[names[i]!] = await fs.readFile(path.join(twinFolder, name));
    const hub = await startLocalHub({ [real.id]: served });
    process.env.PHOTOBIND_HUB_URL = hub.url;
    try {
      await core!.close();
      const downloads: Array<{ model: string; loadedBytes: number }> = [];
      core = await PhotobindCore.open({ libraryDir, modelSet: 'multilingual', allowDownload: true, onDownloadProgress: (p) => downloads.push(p) });
      expect(core.switchPending).toBe(true);
      const summary = await core.switchSearchModel();
      expect(summary).toMatchObject({ switched: true, photos: 34, waiting: 0 });
      expect(downloads.length).toBeGreaterThan(0);
      expect(new Set(downloads.map((d) => d.model))).toEqual(new Set([real.id]));
      expect(hub.requests.some((r) => r.path.includes('text_model_quantized.onnx'))).toBe(true);
      expect(core.activeSearchModel).toBe(real.id);
      expect((await core.search.search('เรือ', { limit: 3 })).every((h) => h.photo.modelId === real.id)).toBe(true);
    } finally {
      delete process.env.PHOTOBIND_HUB_URL;
      await hub.close();
    }
  });
});

describe('switching while most of the library is offline', () => {
  it('keeps the old vectors (and the staged work) until the photos can be read, then switches', async () => {
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-switch-away-')));
    const home = path.join(dir, 'home');
    const away = path.join(dir, 'away');
    await renderDemoAlbum({ outDir: home, count: 2, seed: 43 });
    await renderDemoAlbum({ outDir: away, count: 6, seed: 44 });
    const library = path.join(dir, 'library');
    let first = await PhotobindCore.open({ libraryDir: library, modelSet: 'toy' });
    try {
      await first.index.index([home, away]);
      await first.close();
      await fs.rename(away, `${away}-unplugged`);
      first = await PhotobindCore.open({ libraryDir: library, modelSet: 'toy-multilingual' });
      await expect(first.switchSearchModel()).rejects.toThrow(/6 of 8 photos could not be read .*searches keep using photobind\/toy-clip/);
      expect(first.activeSearchModel).toBe('photobind/toy-clip');
      expect((await first.search.search('a car', { limit: 3 })).length).toBeGreaterThan(0);
      expect(await first.switchStatus()).toMatchObject({ reembedded: 2, total: 8 });
      await fs.rename(`${away}-unplugged`, away);
      expect(await first.switchSearchModel()).toMatchObject({ switched: true, embedded: 6, photos: 8, waiting: 0 });
    } finally {
      await first.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a search model rebuilt under the same id', () => {
  it('retires the old vectors at open (never mixed with the new model) and re-embeds them, keeping captions', async () => {
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-rebuilt-')));
    const photos = path.join(dir, 'photos');
    await renderDemoAlbum({ outDir: photos, count: 6, seed: 45 });
    const library = path.join(dir, 'library');
    let lib = await PhotobindCore.open({ libraryDir: library, modelSet: 'toy' });
    try {
      await lib.index.index([photos]);
      const captioned = (await lib.store.listPhotos())[0]!.path;
      await lib.store.updateCaptions([{ path: captioned, caption: 'written by the captioner', captionModel: 'photobind/toy-captioner', captionEdited: false }]);
      const spaceFile = path.join(lib.layout.database, 'vector-space.json');
      await lib.close();
      // As if these vectors came from an earlier build of photobind/toy-clip.
      const space = JSON.parse(await fs.readFile(spaceFile, 'utf8')) as { revision: string | null };
      expect(space.revision).toMatch(/^[0-9a-f]{16}$/);
      await fs.writeFile(spaceFile, JSON.stringify({ ...space, revision: 'an-older-build' }));

      lib = await PhotobindCore.open({ libraryDir: library });
      expect(await lib.search.search('a car', { limit: 5 })).toEqual([]);
      expect(new Set((await lib.store.listPhotos()).map((p) => p.modelId))).toEqual(new Set(['photobind/toy-clip@an-older-build']));
      expect(await lib.index.index([photos])).toMatchObject({ embedded: 6, indexed: 0, modelWork: 6 });
      expect((await lib.search.search('a car', { limit: 5 })).length).toBeGreaterThan(0);
      expect(await lib.store.getPhoto(captioned)).toMatchObject({ caption: 'written by the captioner', captionEdited: false, modelId: 'photobind/toy-clip' });
    } finally {
      await lib.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
