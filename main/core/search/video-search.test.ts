// SearchService over real LanceDB (photos + moments tables): a video comes back once, at its best moment; filters still apply.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MomentsRepository } from '../storage/moments.repository.ts';
import { PhotoStoreRepository, type StoredPhoto } from '../storage/photo-store.repository.ts';
import { NONSENSE_PROBES, SearchService, type TextEmbedder } from './search.service.ts';

const MODEL = 'test/model';
const DIM = 8;
let dir: string;
let store: PhotoStoreRepository;
let moments: MomentsRepository;
let search: SearchService;

function axis(i: number, tilt = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[i] = 1;
  v[7] = tilt;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function row(name: string, format: string, vector: Float32Array, takenAt: string | null = null): StoredPhoto {
  const folder = path.join(dir, 'lib');
  return {
    path: path.join(folder, `${name}.${format}`), root: folder, folder, fileName: `${name}.${format}`, contentHash: `${name}0000000000000000`.slice(0, 16),
    size: 1, mtimeMs: 0, format, width: 320, height: 240, takenAt, gps: null, cameraMake: null, cameraModel: null, description: null,
    keywords: [], caption: null, captionModel: null, captionAt: null, captionEdited: false, modelId: MODEL, indexedAt: '2026-01-01T00:00:00Z', vector,
  };
}

/** Embeds every text as the vector of axis 3 (the "query"), so the ranking logic is what is tested. */
const embedder: TextEmbedder = { modelId: MODEL, embedTexts: (texts) => Promise.resolve(texts.map(() => axis(3))) };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-video-search-'));
  store = await PhotoStoreRepository.open(path.join(dir, 'db'));
  await store.adoptSearchModel(MODEL);
  moments = await MomentsRepository.open(path.join(dir, 'db'));
  const video = row('aaaa', 'mp4', axis(5), '2024-06-01T10:00:00');
  const old = row('bbbb', 'mov', axis(6), '2019-06-01T10:00:00');
  await store.upsertPhotos([row('cccc', 'jpg', axis(3, 0.6)), row('dddd', 'jpg', axis(1)), video, old]);
  await moments.replaceMoments(video.contentHash, MODEL, [{ time: 0, vector: axis(1) }, { time: 3, vector: axis(3, 0.1) }, { time: 6, vector: axis(2) }]);
  await moments.replaceMoments(old.contentHash, MODEL, [{ time: 9, vector: axis(3, 0.2) }]);
  search = new SearchService(store, () => Promise.resolve(embedder), () => MODEL, moments);
});

afterAll(async () => {
  moments.close();
  store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('search with video moments', () => {
  it('returns each video once, scored by its best moment, with that moment\'s time', async () => {
    const hits = await search.search('the scene', { relativeFloor: 0 });
    const byName = hits.map((h) => [h.photo.fileName, h.time]);
    expect(byName.slice(0, 3)).toEqual([['aaaa.mp4', 3], ['bbbb.mov', 9], ['cccc.jpg', undefined]]);
    expect(new Set(hits.map((h) => h.photo.path)).size).toBe(hits.length);
    expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.1), 4);
  });

  it('scores every moment of one video for its timeline', async () => {
    const marks = await search.momentsOf('the scene', 'aaaa000000000000');
    expect(marks.map((m) => m.time)).toEqual([0, 3, 6]);
    expect(marks[1]!.score).toBeGreaterThan(marks[0]!.score);
    expect(await search.momentsOf('the scene', 'cccc000000000000')).toEqual([]);
  });

  it('leaves out a video whose row fails the filters even when a moment matches', async () => {
    const hits = await search.search('the scene', { relativeFloor: 0, since: '2023-01-01' });
    expect(hits.map((h) => [h.photo.fileName, h.time])).toEqual([['aaaa.mp4', 3]]);
  });
});

describe('the no-good-matches background with video moments', () => {
  it('measures the background over moments too, so a moment nonsense also matches is no good match', async () => {
    const own = path.join(dir, 'background');
    const ownStore = await PhotoStoreRepository.open(path.join(own, 'db'));
    const ownMoments = await MomentsRepository.open(path.join(own, 'db'));
    try {
      await ownStore.adoptSearchModel(MODEL);
      // Eight photos far from both the query (axis 3) and the nonsense probes (axis 4); one video with a blank
      // frame that nonsense matches best (axis 4) and a frame a little like the query.
      const photos = [0, 1, 2, 5, 6, 0, 1, 2].map((a, i) => row(`p${i}ph`, 'jpg', axis(a, -0.3)));
      const video = row('vvvv', 'mp4', axis(6));
      await ownStore.upsertPhotos([...photos, video]);
      const probes: TextEmbedder = { modelId: MODEL, embedTexts: (texts) => Promise.resolve(texts.map((t) => (NONSENSE_PROBES.includes(t) ? axis(4) : axis(3)))) };
      const ownSearch = new SearchService(ownStore, () => Promise.resolve(probes), () => MODEL, ownMoments);
      await ownMoments.replaceMoments(video.contentHash, MODEL, [{ time: 0, vector: axis(4, 0.5) }, { time: 2, vector: axis(3, 1.5) }]);
      // The query's best score (0.55, the video's moment at 2 s) is below what nonsense gets from the blank frame (0.89).
      const judged = await ownSearch.searchRanked('the scene', { relativeFloor: 0 });
      expect(judged.background).toBeCloseTo(1 / Math.hypot(1, 0.5), 4);
      expect(judged.goodMatches).toBe(false);
      expect(judged.weaker[0]).toMatchObject({ photo: { fileName: 'vvvv.mp4' }, time: 2 });
      // A frame that matches the query better than nonsense does makes it a good match again (moments changed: measured again).
      await ownMoments.replaceMoments(video.contentHash, MODEL, [{ time: 0, vector: axis(4, 0.5) }, { time: 2, vector: axis(3, 0.1) }, { time: 4, vector: axis(1) }]);
      const good = await ownSearch.searchRanked('the scene', { relativeFloor: 0 });
      expect(good.goodMatches).toBe(true);
      expect(good.hits[0]).toMatchObject({ photo: { fileName: 'vvvv.mp4' }, time: 2 });
    } finally {
      ownMoments.close();
      ownStore.close();
    }
  });
});
