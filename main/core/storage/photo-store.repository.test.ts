// Tests the LanceDB store for real (temp folder): upsert idempotency, filters, reopen, problems.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoStoreRepository, type StoredPhoto } from './photo-store.repository.ts';
import type { PhotoQuery } from './photo-filters.ts';

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-store-'))));
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

function photo(name: string, vector: number[], extra: Partial<StoredPhoto> = {}): StoredPhoto {
  return {
    path: `/photos/${name}`, root: '/photos', folder: '/photos', fileName: name, contentHash: `hash-${name}`, size: 10, mtimeMs: 1,
    format: 'jpeg', width: 4, height: 3, takenAt: '2023-05-01T10:00:00', gps: null, cameraMake: 'Canon', cameraModel: 'EOS 5D',
    description: null, keywords: [], caption: null, captionModel: null, captionAt: null, captionEdited: false, modelId: 'm', indexedAt: 'now',
    vector: Float32Array.from(vector), ...extra,
  };
}

describe('PhotoStoreRepository', () => {
  it('upserts by path without duplicates, survives reopen, and finds nearest by cosine', async () => {
    let store = await PhotoStoreRepository.open(dir);
    await store.upsertPhotos([photo('a.jpg', [1, 0, 0]), photo('b.jpg', [0, 1, 0])]);
    await store.upsertPhotos([photo('a.jpg', [1, 0, 0], { caption: 'again' }), photo("c'quote.jpg", [0.7, 0.7, 0])]);
    store.close();
    store = await PhotoStoreRepository.open(dir);
    expect(await store.countPhotos()).toBe(3);
    expect((await store.getPhoto('/photos/a.jpg'))?.caption).toBe('again');
    const hits = await store.nearest(Float32Array.from([1, 0.1, 0]), 3);
    expect(hits.map((h) => h.photo.fileName)).toEqual(['a.jpg', "c'quote.jpg", 'b.jpg']);
    expect(hits[0]!.score).toBeGreaterThan(0.99);
    store.close();
  });

  it('filters by folder, dates and camera', async () => {
    const store = await PhotoStoreRepository.open(dir);
    await store.upsertPhotos([
      photo('old.jpg', [1, 0], { takenAt: '2019-01-01T00:00:00', folder: '/photos/2019' }),
      photo('new.jpg', [1, 0], { takenAt: '2024-06-01T00:00:00', cameraMake: 'Apple', cameraModel: 'iPhone 15' }),
    ]);
    const names = async (filter: PhotoQuery) => (await store.nearest(Float32Array.from([1, 0]), 10, filter)).map((h) => h.photo.fileName);
    expect(await names({ since: '2020-01-01' })).toEqual(['new.jpg']);
    expect(await names({ until: '2019-01-01' })).toEqual(['old.jpg']);
    expect(await names({ camera: 'iphone' })).toEqual(['new.jpg']);
    expect(await names({ folder: '/photos/2019/' })).toEqual(['old.jpg']);
    expect(await names({ modelId: 'other' })).toEqual([]);
    store.close();
  });

  it('with the vector and filter indexes, a folder or date filter finds what an exact scan finds, sub-folders included', async () => {
    const store = await PhotoStoreRepository.open(dir);
    const folders = ['/photos/trip', '/photos/trip/day 1', '/photos/trip2', '/photos/trip-b', '/photos/other'];
    const rows = Array.from({ length: 300 }, (_, i) => {
      const angle = (i / 300) * Math.PI;
      return photo(`p${i}.jpg`, [Math.cos(angle), Math.sin(angle), (i % 7) / 10], {
        folder: folders[i % folders.length]!,
        path: `${folders[i % folders.length]}/p${i}.jpg`,
        takenAt: `20${10 + (i % 10)}-06-01T12:00:00`,
      });
    });
    await store.upsertPhotos(rows);
    expect(await store.ensureVectorIndex(1)).toBe(true);
    const query = Float32Array.from([1, 0.2, 0.1]);
    const queries: PhotoQuery[] = [{ folder: '/photos/trip' }, { folder: '/photos/trip/' }, { since: '2015-01-01', until: '2016-12-31' }, { modelId: 'm', folder: '/photos/other' }];
    for (const filters of queries) {
      const [indexed, exact] = await Promise.all([store.nearest(query, 300, filters), store.nearest(query, 300, filters, { exact: true })]);
      expect(new Set(indexed.map((h) => h.photo.path))).toEqual(new Set(exact.map((h) => h.photo.path)));
    }
    // "/photos/trip" holds its own photos and "day 1"'s, never the sibling folders "trip2" or "trip-b".
    const inTrip = await store.nearest(query, 300, { folder: '/photos/trip' });
    expect(new Set(inTrip.map((h) => h.photo.folder))).toEqual(new Set(['/photos/trip', '/photos/trip/day 1']));
    expect(inTrip).toHaveLength(120);
    store.close();
  });

  it('records problems with attempts and clears them when the photo indexes', async () => {
    const store = await PhotoStoreRepository.open(dir);
    const problem = { path: '/photos/bad.jpg', kind: 'corrupt' as const, reason: 'broken', permanent: true, size: 1, mtimeMs: 1 };
    await store.recordProblems([problem]);
    await store.recordProblems([problem]);
    expect((await store.problemMap()).get('/photos/bad.jpg')?.attempts).toBe(2);
    await store.upsertPhotos([photo('bad.jpg', [1, 0])]);
    expect((await store.problemMap()).size).toBe(0);
    store.close();
  });

  it('switches vector spaces: stages another model\'s vectors, then swaps them in at once, keeping every row', async () => {
    let store = await PhotoStoreRepository.open(dir);
    await store.upsertPhotos([photo('a.jpg', [1, 0, 0]), photo('b.jpg', [0, 1, 0], { caption: 'a dog' }), photo('offline.jpg', [0, 0, 1])]);
    expect(store.searchModelId).toBe('m');
    // The new model makes 2-d vectors; the photo in an offline folder gets none.
    await store.stageVectors('m2', [{ contentHash: 'hash-a.jpg', vector: Float32Array.from([1, 0]) }]);
    store.close();
    store = await PhotoStoreRepository.open(dir); // staged work survives a restart
    expect(await store.stagedHashes('m2')).toEqual(new Set(['hash-a.jpg']));
    expect(await store.stagedHashes('m3')).toEqual(new Set());
    await store.stageVectors('m2', [{ contentHash: 'hash-b.jpg', vector: Float32Array.from([0, 1]) }]);
    // Until the switch, searches still see the old vectors.
    expect((await store.nearest(Float32Array.from([1, 0, 0]), 5, { modelId: 'm' })).map((h) => h.photo.fileName)[0]).toBe('a.jpg');

    expect(await store.switchVectorSpace('m2')).toEqual({ switched: 2, waiting: 1 });
    expect(store.searchModelId).toBe('m2');
    expect(await store.vectorDimension()).toBe(2);
    expect(await store.countPhotos()).toBe(3);
    expect((await store.getPhoto('/photos/b.jpg'))?.caption).toBe('a dog');
    const hits = await store.nearest(Float32Array.from([0, 1]), 5, { modelId: 'm2' });
    expect(hits.map((h) => h.photo.fileName)).toEqual(['b.jpg', 'a.jpg']); // the waiting photo is not mixed in
    expect((await store.getPhoto('/photos/offline.jpg'))?.modelId).toBe('m');
    // A query vector of the old size finds nothing instead of failing.
    expect(await store.nearest(Float32Array.from([1, 0, 0]), 5)).toEqual([]);
    // A batch embedded by the old model that lands after the switch is kept without its vector.
    await store.upsertPhotos([photo('late.jpg', [1, 0, 0])]);
    expect((await store.getPhotoWithVector('/photos/late.jpg'))?.vector).toEqual(new Float32Array(2));
    store.close();

    store = await PhotoStoreRepository.open(dir);
    expect(store.searchModelId).toBe('m2');
    expect(await store.countPhotos()).toBe(4);
    expect(await store.stagedHashes('m2')).toEqual(new Set());
    store.close();
  });

  it('starts an empty library with any model, even after another model\'s empty table', async () => {
    const store = await PhotoStoreRepository.open(dir);
    expect(await store.adoptSearchModel('m')).toBe(true);
    await store.upsertPhotos([photo('a.jpg', [1, 0, 0])]);
    expect(await store.adoptSearchModel('m2')).toBe(false); // it holds photos: a switch must re-embed them
    await store.deletePhotos(['/photos/a.jpg']);
    expect(await store.adoptSearchModel('m2')).toBe(true);
    await store.upsertPhotos([photo('b.jpg', [1, 0], { modelId: 'm2' })]);
    expect(await store.vectorDimension()).toBe(2);
    store.close();
  });
});
