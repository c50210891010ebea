// Removing photos from the library and restoring them, through the real parts: a real core over a temp library
// (LanceDB, thumbnails, stage ledger, albums file), real files, the toy models. The files are never touched.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { thumbnailPath } from './thumbnail-path.ts';

const exists = (file: string) => fs.stat(file).then(() => true, () => false);

describe('removing photos from the library (never from disk)', () => {
  let tmp: string;
  let album: string;
  let core: PhotobindCore;
  let files: string[];

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-removal-'));
    album = path.join(tmp, 'album');
    await renderDemoAlbum({ outDir: album, count: 6, seed: 8 });
    album = await fs.realpath(album);
    files = (await fs.readdir(album)).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(album, f));
    // A copy of the last photo: the same bytes at another path.
    await fs.copyFile(files[5]!, path.join(album, 'copy-of-last.jpg'));
    core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
    await core.library.addFolders([album]);
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ scanned: 7, failed: 0 });
    expect(await core.library.countPhotos()).toBe(7);
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('takes the row, thumbnail, stage-ledger entries, album place and favourite; the file stays', async () => {
    const target = files[0]!;
    const photo = (await core.library.photo(target))!;
    const hash = photo.contentHash;
    const walk = await core.albums.create('Walk');
    await core.albums.addPhotos(walk.id, [target, files[1]!]);
    await core.albums.setFavourite([target], true);
    await core.captions.editCaption(target, 'Grandpa on the pier, my own words');
    expect(await exists(thumbnailPath(core.layout.thumbnails, hash))).toBe(true);
    const ledgerBefore = await core.ledger.entries('text', [hash]);
    expect(ledgerBefore.size).toBe(1); // the bundled text reader ran in the index pass

    const result = await core.removal.remove([target, path.join(album, 'not-a-photo.jpg')]);
    expect(result).toEqual({ removed: [{ path: target, contentHash: hash }], notInLibrary: [path.join(album, 'not-a-photo.jpg')] });

    expect(await exists(target)).toBe(true);
    expect(await core.library.photo(target)).toBeNull();
    expect(await core.library.countPhotos()).toBe(6);
    expect(await exists(thumbnailPath(core.layout.thumbnails, hash))).toBe(false);
    expect((await core.ledger.entries('text', [hash])).size).toBe(0);
    const { album: walkNow, photos } = await core.albums.photos(walk.id);
    expect(walkNow.count).toBe(1);
    expect(photos.map((p) => p.path)).toEqual([files[1]]);
    expect(await core.albums.favouriteHashes()).toEqual([]);
    expect((await core.removal.list()).map((r) => ({ path: r.path, albums: r.albums, favourite: r.favourite }))).toEqual([{ path: target, albums: [walk.id], favourite: true }]);
  });

  it('does not bring it back on the next index pass, nor when the watcher reports the file', async () => {
    const target = files[0]!;
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ indexed: 0, removed: 0 });
    expect(await core.library.photo(target)).toBeNull();
    const stat = await fs.stat(target);
    await core.index.applyChanges([{ path: target, root: album, size: stat.size, mtimeMs: stat.mtimeMs + 1000 }], []);
    expect(await core.library.photo(target)).toBeNull();
    // A touched file (new time) is still left out: the exclusion is by path, not by file state.
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(target, later, later);
    await core.index.index([album]);
    expect(await core.library.photo(target)).toBeNull();
    expect(await core.library.countPhotos()).toBe(6);
  });

  it('keeps what a remaining copy shares (thumbnail, album place) when one copy is removed', async () => {
    const copy = path.join(album, 'copy-of-last.jpg');
    const hash = (await core.library.photo(copy))!.contentHash;
    const kept = await core.albums.create('Kept');
    await core.albums.addPhotos(kept.id, [copy]);
    const { removed } = await core.removal.remove([copy]);
    expect(removed.map((r) => r.path)).toEqual([copy]);
    expect(await exists(copy)).toBe(true);
    expect(await exists(thumbnailPath(core.layout.thumbnails, hash))).toBe(true);
    expect((await core.albums.photos(kept.id)).photos.map((p) => p.path)).toEqual([files[5]]);
  });

  it('restores a removed photo: indexed again, back in its album and favourites', async () => {
    const target = files[0]!;
    const result = await core.removal.restore([target, files[2]!]);
    expect(result).toEqual({ restored: [target], indexed: [target], notRemoved: [files[2]], notIndexed: [] });
    const photo = await core.library.photo(target);
    expect(photo?.path).toBe(target);
    expect(await exists(thumbnailPath(core.layout.thumbnails, photo!.contentHash))).toBe(true);
    const walk = (await core.albums.list()).find((a) => a.name === 'Walk')!;
    expect((await core.albums.photos(walk.id)).photos.map((p) => p.path).sort()).toEqual([target, files[1]].sort());
    expect(await core.albums.favouriteHashes()).toEqual([photo!.contentHash]);
    expect(photo).toMatchObject({ caption: 'Grandpa on the pier, my own words', captionEdited: true });
    expect((await core.removal.list()).map((r) => r.path)).toEqual([path.join(album, 'copy-of-last.jpg')]);
  });

  it('stays out when its folder is indexed or added again; removing the folder forgets it, so adding it back brings it', async () => {
    await core.removal.remove([files[3]!]);
    expect(await core.library.countPhotos()).toBe(5);
    await core.library.addFolders([album]);
    await core.index.index([album]);
    expect(await core.library.photo(files[3]!)).toBeNull();
    expect(await core.library.removeFolder(album)).toBe(true);
    expect(await core.removal.list()).toEqual([]);
    await core.library.addFolders([album]);
    await core.index.index([album]);
    expect(await core.library.countPhotos()).toBe(7);
  });
});
