// Tests the moments tables on real LanceDB in a temp dir: atomic replace, best moment per video, models kept apart.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MomentsRepository, type Moment } from './moments.repository.ts';

let dir: string;
let repo: MomentsRepository;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-moments-'));
  repo = await MomentsRepository.open(dir);
});
afterEach(async () => {
  repo.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A unit vector along axis `axis` of `dimension`, tilted slightly towards axis 0 by `tilt`. */
function unit(dimension: number, axis: number, tilt = 0): Float32Array {
  const v = new Float32Array(dimension);
  v[axis] = 1;
  v[0] = (v[0] ?? 0) + tilt;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const moments = (...axes: number[]): Moment[] => axes.map((axis, i) => ({ time: i * 2, vector: unit(8, axis) }));

describe('MomentsRepository', () => {
  it('replaces a video\'s moments in one go and survives reopening', async () => {
    await repo.replaceMoments('v1', 'm', moments(1, 2, 3));
    expect(await repo.momentTimes('v1', 'm')).toEqual([0, 2, 4]);
    await repo.replaceMoments('v1', 'm', moments(1, 2));
    expect(await repo.momentTimes('v1', 'm')).toEqual([0, 2]);
    repo.close();
    repo = await MomentsRepository.open(dir);
    expect(await repo.countMoments('v1', 'm')).toBe(2);
    expect(await repo.hasMoments('v2', 'm')).toBe(false);
    await repo.replaceMoments('v1', 'm', []);
    expect(await repo.hasMoments('v1', 'm')).toBe(false);
  });

  it('returns each video once, at its best moment, best video first', async () => {
    await repo.replaceMoments('v1', 'm', moments(1, 2, 3)); // axis 3 at 4 s
    await repo.replaceMoments('v2', 'm', [{ time: 0, vector: unit(8, 4) }, { time: 7.5, vector: unit(8, 3, 0.5) }]);
    const hits = await repo.bestMoments(unit(8, 3), 'm', { limit: 10 });
    expect(hits.map((h) => [h.contentHash, h.time])).toEqual([['v1', 4], ['v2', 7.5]]);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect((await repo.bestMoments(unit(8, 3), 'm', { limit: 10, contentHashes: ['v2'] })).map((h) => h.contentHash)).toEqual(['v2']);
    const marks = await repo.scoredMoments(unit(8, 3), 'm', 'v1');
    expect(marks.map((m) => m.time)).toEqual([0, 2, 4]);
    expect(marks[2]!.score).toBeGreaterThan(marks[0]!.score);
  });

  it('keeps models and vector sizes apart', async () => {
    await repo.replaceMoments('v1', 'a', moments(1));
    await repo.replaceMoments('v1', 'b', [{ time: 1, vector: unit(4, 1) }]);
    expect(await repo.momentTimes('v1', 'a')).toEqual([0]);
    expect(await repo.momentTimes('v1', 'b')).toEqual([1]);
    expect(await repo.bestMoments(unit(8, 1), 'b', { limit: 5 })).toEqual([]);
    expect((await repo.bestMoments(unit(4, 1), 'b', { limit: 5 })).map((h) => h.time)).toEqual([1]);
    await repo.recordFacts({ contentHash: 'v1', duration: 9.5, videoCodec: 'h264', audioCodecs: ['aac'], frameRate: 30 });
    expect(await repo.facts('v1')).toEqual({ contentHash: 'v1', duration: 9.5, videoCodec: 'h264', audioCodecs: ['aac'], frameRate: 30 });
    await repo.recordFacts({ contentHash: 'v1', duration: null, videoCodec: 'vp9', audioCodecs: [], frameRate: null });
    expect((await repo.facts('v1'))?.videoCodec).toBe('vp9');
    await repo.deleteVideos(['v1']);
    expect(await repo.facts('v1')).toBeNull();
    expect(await repo.countMoments('v1', 'a') + (await repo.countMoments('v1', 'b'))).toBe(0);
  });
});
