// Sidecar metadata belongs to the path, not the content (see [Note: sidecar metadata belongs to the path]):
// a copy reads its own XMP sidecar while reusing the content's vector; a sidecar that appears, changes or
// goes away is read again by the next index pass and by the watcher, with no model work; a caption the
// user wrote in the app stays. Real files, real LanceDB, the toy CLIP in the real model process.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { newXmpPacket } from '../media/xmp-sidecar.writer.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import type { Photo } from '../../../common/photo.types.ts';
import type { IndexSummary } from './index.service.ts';

let tmp: string;
let album: string;
let photos: string[];
let core: PhotobindCore;
/** What each photo's own file says, before any sidecar. */
const original = new Map<string, Photo>();

async function writeXmp(file: string, description: string, keywords: string[]): Promise<void> {
  await fs.writeFile(file, newXmpPacket({ description, keywords }));
}

async function photo(file: string): Promise<Photo> {
  const found = await core.store.getPhoto(file);
  if (!found) throw new Error(`${file} is not in the library`);
  return found;
}

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-sidecar-')));
  album = path.join(tmp, 'album');
  const rendered = await renderDemoAlbum({ outDir: album, count: 4, seed: 83 });
  await fs.rm(rendered.manifestPath);
  photos = [...rendered.files].sort();
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
  await core.index.index([album]);
  for (const file of photos) original.set(file, await photo(file));
}, 120_000);

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('sidecar metadata belongs to the path', () => {
  it('a copy with its own sidecar gets its own description and keywords, and reuses the vector', async () => {
    const source = photos[0]!;
    await core.captions.editCaption(source, 'my own words for the first photo');
    const copy = path.join(album, 'copy of first.jpg');
    await fs.copyFile(source, copy);
    await writeXmp(path.join(album, 'copy of first.xmp'), 'the copy has words of its own', ['copy-keyword']);

    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ reused: 1, modelWork: 0, indexed: 0 });
    const copied = await photo(copy);
    expect(copied).toMatchObject({ description: 'the copy has words of its own', keywords: ['copy-keyword'], contentHash: original.get(source)!.contentHash });
    // The content's work is reused: the vector and the caption.
    expect(Array.from((await core.store.getPhotoWithVector(copy))!.vector)).toEqual(Array.from((await core.store.getPhotoWithVector(source))!.vector));
    expect(copied.caption).toBe('my own words for the first photo');
    // The source keeps what its own file says.
    expect(await photo(source)).toMatchObject({ description: original.get(source)!.description, keywords: original.get(source)!.keywords });
  }, 120_000);

  it('a copy without a sidecar of a photo that has one gets its own file\'s metadata, not the sidecar\'s', async () => {
    const source = photos[1]!;
    await writeXmp(`${source}.xmp`, 'only the source has this', ['source-only']);
    await core.index.index([album]);
    expect(await photo(source)).toMatchObject({ description: 'only the source has this', keywords: ['source-only'] });
    const copy = path.join(album, 'bare copy.jpg');
    await fs.copyFile(source, copy);
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ reused: 1, modelWork: 0 });
    expect(await photo(copy)).toMatchObject({ description: original.get(source)!.description, keywords: original.get(source)!.keywords });
  }, 120_000);

  it('two new copies in one run each read their own sidecar; the content is embedded once', async () => {
    const fresh = await renderDemoAlbum({ outDir: path.join(tmp, 'fresh'), count: 1, seed: 84 });
    const twins = path.join(album, 'twins');
    await fs.mkdir(twins);
    for (const name of ['left', 'right']) {
      await fs.copyFile(fresh.files[0]!, path.join(twins, `${name}.jpg`));
      await writeXmp(path.join(twins, `${name}.jpg.xmp`), `the ${name} twin`, [name]);
    }
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ indexed: 1, reused: 1, modelWork: 1 });
    expect(await photo(path.join(twins, 'left.jpg'))).toMatchObject({ description: 'the left twin', keywords: ['left'] });
    expect(await photo(path.join(twins, 'right.jpg'))).toMatchObject({ description: 'the right twin', keywords: ['right'] });
  }, 120_000);

  it('a sidecar that appears, changes or goes away is read again on the next pass; the user\'s caption stays', async () => {
    const target = photos[2]!;
    await core.captions.editCaption(target, 'what I wrote in the app');
    const sidecar = `${target}.xmp`;

    await writeXmp(sidecar, 'written in another app', ['first']);
    let summary: IndexSummary = await core.index.index([album]);
    expect(summary).toMatchObject({ metadataRead: 1, modelWork: 0, indexed: 0 });
    expect(await photo(target)).toMatchObject({ description: 'written in another app', keywords: ['first'], caption: 'what I wrote in the app', captionEdited: true });

    await writeXmp(sidecar, 'edited again, in another app', ['first', 'second']);
    summary = await core.index.index([album]);
    expect(summary).toMatchObject({ metadataRead: 1, modelWork: 0 });
    expect(await photo(target)).toMatchObject({ description: 'edited again, in another app', keywords: ['first', 'second'], caption: 'what I wrote in the app' });

    // The same size, a later time: still re-read.
    await writeXmp(sidecar, 'edited again, in another ap!', ['first', 'second']);
    const later = new Date(Date.now() + 5_000);
    await fs.utimes(sidecar, later, later);
    expect(await core.index.index([album])).toMatchObject({ metadataRead: 1 });
    expect((await photo(target)).description).toBe('edited again, in another ap!');

    await fs.rm(sidecar);
    summary = await core.index.index([album]);
    expect(summary).toMatchObject({ metadataRead: 1, modelWork: 0 });
    expect(await photo(target)).toMatchObject({ description: original.get(target)!.description, keywords: original.get(target)!.keywords, caption: 'what I wrote in the app' });

    // Nothing changed: nothing is read.
    expect(await core.index.index([album])).toMatchObject({ metadataRead: 0, modelWork: 0 });
  }, 120_000);

  it('the watcher reads a sidecar written, edited or deleted beside a photo, with no model work', async () => {
    const target = photos[3]!;
    const watcher = core.createWatcher({ settleMs: 100, writeStableMs: 200 });
    const applied: IndexSummary[] = [];
    watcher.on('applied', (s) => applied.push(s));
    await watcher.start([album]);
    const until = async (ready: (p: Photo) => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!ready(await photo(target))) {
        if (Date.now() > deadline) throw new Error(`the watcher did not read the sidecar: ${JSON.stringify(await photo(target))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await watcher.idle();
    };
    try {
      const sidecar = path.join(album, `${path.parse(target).name}.xmp`);
      await writeXmp(sidecar, 'seen by the watcher', ['watched']);
      await until((p) => p.description === 'seen by the watcher');
      await writeXmp(sidecar, 'edited while watched', ['watched', 'edited']);
      await until((p) => p.description === 'edited while watched');
      expect((await photo(target)).keywords).toEqual(['watched', 'edited']);
      await fs.rm(sidecar);
      await until((p) => p.description === original.get(target)!.description);
      expect(applied.reduce((n, s) => n + s.modelWork, 0)).toBe(0);
      expect(applied.reduce((n, s) => n + s.metadataRead, 0)).toBe(3);
    } finally {
      await watcher.stop();
    }
  }, 120_000);
});
