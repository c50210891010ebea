// Tests the LanceDB store for real (temp folder): upsert idempotency, filters, reopen, problems.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filterToSql, PhotoStoreRepository, type StoredPhoto } from './photo-store.repository.ts';

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
    const names = async (filter: Parameters<typeof filterToSql>[0]) => (await store.nearest(Float32Array.from([1, 0]), 10, filterToSql(filter))).map((h) => h.photo.fileName);
    expect(await names({ since: '2020-01-01' })).toEqual(['new.jpg']);
    expect(await names({ until: '2019-01-01' })).toEqual(['old.jpg']);
    expect(await names({ camera: 'iphone' })).toEqual(['new.jpg']);
    expect(await names({ folder: '/photos/2019/' })).toEqual(['old.jpg']);
    expect(await names({ modelId: 'other' })).toEqual([]);
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
});
