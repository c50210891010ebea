// The stage pipeline through the real parts: photos listed with no search model, embedded once it is installed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { MODELS, modelFiles } from '../models/model-catalog.ts';
import { closedPortUrl, startLocalHub } from '../models/local-hub.test-support.ts';
import { readManifest, renderDemoAlbum } from '../toy-world/demo-album.ts';
import { thumbnailPath } from '../library/thumbnail-path.ts';

let tmp: string;
let album: string;
let files: string[];

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-stages-')));
  album = path.join(tmp, 'album');
  files = (await renderDemoAlbum({ outDir: album, count: 12, seed: 71 })).files;
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

/** The real default search model's files, served by a local Hub with the toy CLIP's bytes (same family and I/O). */
async function hubServingToyClipAsDefault() {
  const real = MODELS['Xenova/clip-vit-base-patch32']!;
  const twin = MODELS['photobind/toy-clip']!;
  if (twin.source.kind !== 'bundled') throw new Error('toy-clip is bundled');
  const served: Record<string, Buffer> = {};
  const names = modelFiles(real, real.defaultDtype);
  for (const [i, name] of modelFiles(twin, 'fp32').entries()) served[names[i]!] = await fs.readFile(path.join(twin.source.folder, name));
  return { hub: await startLocalHub({ [real.id]: served }), real };
}

describe('a library whose search model is not installed', () => {
  it('lists every photo with its date, size and thumbnail, then embeds them once the model is installed, keeping metadata', async () => {
    const libraryDir = path.join(tmp, 'library');
    process.env.PHOTOBIND_HUB_URL = await closedPortUrl();
    let core = await PhotobindCore.open({ libraryDir, modelSet: 'default', allowDownload: false });
    try {
      const first = await core.index.index([album]);
      expect(first).toMatchObject({ indexed: files.length, failed: 0, embedded: 0 });
      expect(first.searchModelMissing).toMatch(/clip-vit-base-patch32/);
      const listed = await core.store.listPhotos();
      expect(listed.map((p) => p.path).sort()).toEqual([...files].sort());
      const manifest = await readManifest(path.join(album, 'manifest.jsonl'));
      for (const photo of listed) {
        const entry = manifest.find((m) => path.join(album, m.file) === photo.path)!;
        expect(photo.takenAt?.slice(0, 10)).toBe(entry.takenAt.slice(0, 10));
        expect(photo.size).toBe((await fs.stat(photo.path)).size);
        expect(photo.modelId).toBe('');
        await expect(fs.stat(thumbnailPath(core.layout.thumbnails, photo.contentHash))).resolves.toBeTruthy();
      }
      const stages = await core.stageStatus.stages();
      expect(stages.metadata).toMatchObject({ done: files.length, failed: 0 });
      expect(stages.thumbnail).toMatchObject({ done: files.length });
      expect(stages.embed).toMatchObject({ done: 0, pending: files.length });
      expect(stages.embed?.note).toMatch(/not on this computer|not installed/);
      // Search says which model is missing instead of finding nothing.
      await expect(core.search.search('a red car')).rejects.toThrow(/clip-vit-base-patch32/);
      const indexedAt = new Map(listed.map((p) => [p.path, p.indexedAt]));

      // The model arrives (downloaded from the Hub here): the next pass embeds, and nothing else changes.
      await core.close();
      const { hub, real } = await hubServingToyClipAsDefault();
      process.env.PHOTOBIND_HUB_URL = hub.url;
      try {
        core = await PhotobindCore.open({ libraryDir, allowDownload: true });
        const second = await core.index.index([album]);
        expect(second).toMatchObject({ indexed: 0, unchanged: files.length, embedded: files.length, modelWork: files.length });
        expect(second.searchModelMissing).toBeNull();
        const embedded = await core.store.listPhotos();
        expect(embedded.every((p) => p.modelId === real.id)).toBe(true);
        for (const photo of embedded) expect(photo.indexedAt).toBe(indexedAt.get(photo.path)); // metadata not re-read
        expect((await core.stageStatus.stages()).embed).toMatchObject({ done: files.length, pending: 0 });
        const hits = await core.search.search('a car', { limit: 3 });
        expect(hits.length).toBeGreaterThan(0);
        // Nothing left to do: a third pass does no model work.
        expect(await core.index.index([album])).toMatchObject({ modelWork: 0, embedded: 0 });
      } finally {
        await hub.close();
      }
    } finally {
      delete process.env.PHOTOBIND_HUB_URL;
      await core.close();
    }
  });
});
