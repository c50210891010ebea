// The timeline skeleton, photo links by hash, albums, favourites and live albums through the API, on a real
// core over a temp library (real LanceDB, real files, the toy models), over the in-process transport.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { getModelSet } from '../models/model-catalog.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { indexJobEnded, openApiTestLibrary, type ApiTestLibrary } from './api-test-library.test-support.ts';
import { modelAvailability } from './model-availability.ts';

const toyModels = await modelAvailability(getModelSet('toy'), path.join(os.tmpdir(), 'photobind-no-cache'));
const hasToySearch = toyModels.find((m) => m.task === 'clip')!.available;

describe.runIf(hasToySearch)('timeline, links and albums through the API', () => {
  let lib: ApiTestLibrary;
  let album: string;
  let client: PhotobindClient;

  beforeAll(async () => {
    lib = await openApiTestLibrary({ prefix: 'photobind-albums-', fill: (out) => renderDemoAlbum({ outDir: out, count: 10, seed: 4 }) });
    ({ album, client } = lib);
    const { job } = await client.library.addFolder({ path: album });
    await indexJobEnded(client, job.id);
  });

  afterAll(async () => {
    await lib?.close();
  });

  it('gives the timeline skeleton in browsing order: day counts add up and aspects match the pages', async () => {
    const skeleton = await client.photos.timeline({});
    expect(skeleton.total).toBe(10);
    expect(skeleton.days.reduce((sum, d) => sum + d.count, 0)).toBe(10);
    expect(skeleton.aspects).toHaveLength(10);
    const { photos } = await client.photos.list({ offset: 0, limit: 10 });
    photos.forEach((photo, i) => expect(skeleton.aspects[i]).toBeCloseTo(photo.width / photo.height, 2));
    // Days run newest first, each day's photos together, as the pages are ordered.
    let index = 0;
    for (const { day, count } of skeleton.days) {
      for (let i = 0; i < count; i++) expect(photos[index++]!.takenAt?.slice(0, 10) ?? null).toBe(day);
    }
    const filtered = await client.photos.timeline({ filters: { folder: path.join(lib.dir, 'nowhere') } });
    expect(filtered).toEqual({ total: 0, days: [], aspects: [] });
  });

  it('opens a photo by its content hash, and says not-found for an unknown one', async () => {
    const { photos } = await client.photos.list({ offset: 3, limit: 1 });
    const photo = photos[0]!;
    await expect(client.photos.byHash({ contentHash: photo.contentHash })).resolves.toEqual({ photo });
    await expect(client.photos.byHash({ contentHash: 'ab'.repeat(20) })).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.photos.byHash({ contentHash: '../etc/passwd' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('keeps albums and favourites in the library folder, never in the photo folder', async () => {
    const before = (await fs.readdir(album)).sort();
    const { photos } = await client.photos.list({ offset: 0, limit: 10 });
    const events: string[][] = [];
    client.on('onDidChangeAlbums', ({ albums }) => events.push(albums.map((a) => a.name)));
    const { album: trip } = await client.albums.create({ name: '  Summer trip ' });
    expect(trip).toMatchObject({ name: 'Summer trip', kind: 'manual', count: 0 });
    const added = await client.albums.addPhotos({ id: trip.id, paths: [photos[4]!.path, photos[1]!.path, photos[1]!.path, '/not/in/library.jpg'] });
    expect(added).toMatchObject({ added: 2, album: { count: 2 } });
    await expect(client.albums.addPhotos({ id: trip.id, paths: [photos[1]!.path] })).resolves.toMatchObject({ added: 0 });
    const shown = await client.albums.photos({ id: trip.id });
    expect(shown.photos.map((p) => p.path)).toEqual([photos[1]!.path, photos[4]!.path]); // newest first
    await client.albums.removePhotos({ id: trip.id, paths: [photos[1]!.path] });
    await expect(client.albums.photos({ id: trip.id })).resolves.toMatchObject({ album: { count: 1 } });
    await client.albums.rename({ id: trip.id, name: 'Autumn trip' });
    await expect(client.albums.rename({ id: trip.id, name: '   ' })).rejects.toMatchObject({ code: 'invalid-input', message: 'An album needs a name.' });
    await expect(client.albums.photos({ id: 'nosuchalbum' })).rejects.toMatchObject({ code: 'not-found' });

    const fav = await client.albums.setFavourite({ paths: [photos[0]!.path, photos[2]!.path], favourite: true });
    expect(fav.favourites.sort()).toEqual([photos[0]!.contentHash, photos[2]!.contentHash].sort());
    await client.albums.setFavourite({ paths: [photos[0]!.path], favourite: false });
    const favourites = await client.albums.favourites({});
    expect(favourites.photos.map((p) => p.path)).toEqual([photos[2]!.path]);

    // Stored in the library folder, and it survives a new session.
    const stored = JSON.parse(await fs.readFile(path.join(lib.dir, 'library', 'albums.json'), 'utf8')) as { albums: Array<{ name: string }>; favourites: string[] };
    expect(stored.albums.map((a) => a.name)).toEqual(['Autumn trip']);
    expect(stored.favourites).toEqual([photos[2]!.contentHash]);
    expect((await fs.readdir(album)).sort()).toEqual(before);
    expect(events.at(-1)).toEqual(['Autumn trip']);
    await client.albums.remove({ id: trip.id });
    await expect(client.albums.list({})).resolves.toEqual({ albums: [] });
  });

  it('fills a live album from its saved search, including photos indexed after it was saved', async () => {
    await expect(client.albums.createLive({ name: 'Nothing', text: '  ', filters: {} })).rejects.toMatchObject({ code: 'invalid-input' });
    const later = path.join(lib.dir, 'later');
    await renderDemoAlbum({ outDir: later, count: 4, seed: 9 });
    const { album: byFolder } = await client.albums.createLive({ name: 'Later folder', text: '', filters: { folder: later } });
    expect(byFolder).toMatchObject({ kind: 'live', count: null, query: { text: '', filters: { folder: later } } });
    await expect(client.albums.photos({ id: byFolder.id })).resolves.toMatchObject({ album: { count: 0 }, photos: [] });
    const { album: cars } = await client.albums.createLive({ name: 'Cars', text: 'a car', filters: {} });
    const carsBefore = (await client.albums.photos({ id: cars.id })).photos.length;

    const { job } = await client.library.addFolder({ path: later });
    await indexJobEnded(client, job.id);
    const filled = await client.albums.photos({ id: byFolder.id });
    expect(filled.photos).toHaveLength(4);
    expect(filled.photos.every((p) => p.folder === later)).toBe(true);
    expect((await client.albums.photos({ id: cars.id })).photos.length).toBeGreaterThanOrEqual(carsBefore);
    await expect(client.albums.addPhotos({ id: cars.id, paths: [filled.photos[0]!.path] })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('live album') as unknown });
  });
});
