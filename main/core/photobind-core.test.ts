// Index and search a rendered demo album through the real parts: LanceDB, model process, toy models.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from './photobind-core.ts';
import { readManifest, renderDemoAlbum, type ManifestEntry } from './toy-world/demo-album.ts';

let tmp: string;
let album: string;
let libraryDir: string;
let manifest: ManifestEntry[];
let core: PhotobindCore;
const COUNT = 60;

const entryOf = (photoPath: string) => manifest.find((m) => m.file === path.basename(photoPath))!;
const has = (entry: ManifestEntry, kind: string, color?: string) => entry.scene.objects.some((o) => o.kind === kind && (!color || o.color === color));

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-core-'));
  album = path.join(tmp, 'album');
  libraryDir = path.join(tmp, 'library');
  const rendered = await renderDemoAlbum({ outDir: album, count: COUNT, seed: 21 });
  manifest = await readManifest(rendered.manifestPath);
  core = await PhotobindCore.open({ libraryDir, modelSet: 'toy' });
});

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('PhotobindCore with the toy models', () => {
  it('indexes every photo of the album once, with its metadata', async () => {
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ scanned: COUNT, indexed: COUNT, failed: 0, removed: 0 });
    expect(await core.store.countPhotos()).toBe(COUNT);
    const first = manifest[0]!;
    const photo = await core.store.getPhoto(path.join(album, first.file));
    expect(photo).toMatchObject({ width: 320, height: 240, format: 'jpeg', takenAt: expect.stringContaining(first.takenAt.slice(0, 10)) as string });
    expect(photo!.gps!.lat).toBeCloseTo(first.gps.lat, 4);
    expect(first.camera.endsWith(photo!.cameraModel!)).toBe(true);
    expect(await core.activeDevice()).toBe('cpu');
  });

  it('finds the photos a query describes (precision against the manifest)', async () => {
    // The most common colour+kind pair of this album, so the check has enough relevant photos.
    const pairs = new Map<string, number>();
    for (const m of manifest) for (const o of m.scene.objects) pairs.set(`${o.color} ${o.kind}`, (pairs.get(`${o.color} ${o.kind}`) ?? 0) + 1);
    const [query, relevant] = [...pairs.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const [color, ...kindWords] = query.split(' ');
    const k = Math.min(5, relevant);
    const hits = await core.search.search(query, { limit: k });
    const correct = hits.filter((h) => has(entryOf(h.photo.path), kindWords.join(' '), color)).length;
    expect(hits.length).toBeGreaterThan(0);
    expect(correct / hits.length).toBeGreaterThanOrEqual(0.8);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[hits.length - 1]!.score);
  });

  it('re-indexing an unchanged folder does no model work', async () => {
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ unchanged: COUNT, indexed: 0, modelWork: 0 });
  });

  it('"similar" returns the photo itself first', async () => {
    const target = path.join(album, manifest[3]!.file);
    const hits = await core.search.similar(target, { limit: 5 });
    expect(hits[0]!.photo.path).toBe(target);
    expect(hits[0]!.score).toBeGreaterThan(0.99);
  });

  it('filters by date and camera, and sorts by date', async () => {
    const dates = manifest.map((m) => m.takenAt).sort();
    const since = dates[Math.floor(dates.length / 2)]!.slice(0, 10);
    const hits = await core.search.search('a photo', { limit: 50, since, relativeFloor: 0 });
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(hit.photo.takenAt! >= since).toBe(true);
    const camera = (await core.store.getPhoto(path.join(album, manifest[0]!.file)))!.cameraModel!;
    const byCamera = await core.search.search('a photo', { limit: 50, camera, relativeFloor: 0 });
    expect(byCamera.length).toBe(manifest.filter((m) => m.camera.toLowerCase().includes(camera.toLowerCase())).length);
    const sorted = await core.search.search('a photo', { limit: 20, sort: 'date', relativeFloor: 0 });
    const taken = sorted.map((h) => h.photo.takenAt!);
    expect(taken).toEqual([...taken].sort().reverse());
  });

  it('query arithmetic moves the results: "X - night" prefers day scenes', async () => {
    const plain = await core.search.search('car', { limit: 10, relativeFloor: 0 });
    const minusNight = await core.search.search('car - night', { limit: 10, relativeFloor: 0 });
    const nights = (hits: typeof plain) => hits.filter((h) => entryOf(h.photo.path).scene.time === 'night').length;
    expect(nights(minusNight)).toBeLessThan(Math.max(1, nights(plain)));
    const photoTerm = await core.search.search(`${path.join(album, manifest[5]!.file)}`, { limit: 3 });
    expect(photoTerm[0]!.photo.path).toBe(path.join(album, manifest[5]!.file));
  });

  it('a moved photo keeps its row and costs no model work; a deleted one is removed', async () => {
    const from = path.join(album, manifest[1]!.file);
    const to = path.join(album, 'moved', 'renamed.jpg');
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.rename(from, to);
    await fs.rm(path.join(album, manifest[2]!.file));
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ reused: 1, removed: 2, modelWork: 0 });
    expect(await core.store.getPhoto(from)).toBeNull();
    expect((await core.store.getPhoto(to))?.contentHash).toBeTruthy();
    expect(await core.store.countPhotos()).toBe(COUNT - 1);
  });


  it('hybrid search: a word only in a file name ranks that photo first', async () => {
    const from = path.join(album, manifest[7]!.file);
    const to = path.join(album, 'grandma-birthday.jpg');
    await fs.rename(from, to);
    expect(await core.index.index([album])).toMatchObject({ reused: 1, modelWork: 0 });
    const hits = await core.search.search('birthday', { limit: 5 });
    expect(hits[0]!.photo.path).toBe(to);
  });

  it("a user's caption survives when the photo's bytes change (edited in another app)", async () => {
    const target = path.join(album, manifest[9]!.file);
    await core.captions.editCaption(target, 'our first car');
    const edited = await sharp(await fs.readFile(target)).modulate({ brightness: 1.1 }).jpeg().toBuffer();
    await fs.writeFile(target, edited);
    expect(await core.index.index([album])).toMatchObject({ indexed: 1 });
    expect(await core.store.getPhoto(target)).toMatchObject({ caption: 'our first car', captionEdited: true });
  });

  it('survives close and reopen with the same results', async () => {
    const before = await core.search.search('boat', { limit: 5 });
    await core.close();
    core = await PhotobindCore.open({ libraryDir });
    expect(core.modelSet.name).toBe('toy'); // remembered per library
    const after = await core.search.search('boat', { limit: 5 });
    expect(after.map((h) => h.photo.path)).toEqual(before.map((h) => h.photo.path));
  });

  it('a real model that cannot be downloaded gives a clear error with the two ways out', async () => {
    process.env.PHOTOBIND_HUB_URL = 'http://127.0.0.1:9'; // nothing listens there: like being offline
    const other = await PhotobindCore.open({ libraryDir: path.join(tmp, 'real-library'), modelSet: 'default', allowDownload: true });
    try {
      await expect(other.search.search('dog')).rejects.toThrow(/search model Xenova\/clip-vit-base-patch32 could not be downloaded: Could not reach .*photobind models import DIR.*--models toy/s);
    } finally {
      delete process.env.PHOTOBIND_HUB_URL;
      await other.close();
    }
    const offline = await PhotobindCore.open({ libraryDir: path.join(tmp, 'real-library'), allowDownload: false });
    try {
      await expect(offline.search.search('dog')).rejects.toThrow(/not on this computer yet.*photobind models import DIR.*--models toy/s);
    } finally {
      await offline.close();
    }
  });
});
