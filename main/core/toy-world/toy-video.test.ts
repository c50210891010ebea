// Tests the toy-world videos through real files: manifest, determinism, and what ffprobe reads back from the MP4s.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../video/video-probe.ts';
import { planToyVideo, readToyVideoManifest, renderToyVideos, type ToyVideoEntry } from './toy-video.ts';

let dir: string;
let entries: ToyVideoEntry[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pb-toy-video-'));
  const rendered = await renderToyVideos({ outDir: dir, count: 2, seed: 41 });
  entries = await readToyVideoManifest(rendered.manifestPath);
  expect(entries).toEqual(rendered.entries);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderToyVideos', () => {
  it('writes named MP4s and a videos.jsonl of back-to-back scenes with different settings', async () => {
    expect((await readdir(dir)).sort()).toEqual(['pb-video-41-000.mp4', 'pb-video-41-001.mp4', 'videos.jsonl']);
    for (const entry of entries) {
      expect(entry.scenes.map((s) => [s.start, s.end])).toEqual([[0, 3], [3, 6], [6, 9]]);
      expect(entry.duration).toBe(9);
      for (let k = 1; k < entry.scenes.length; k++) expect(entry.scenes[k]!.scene.setting).not.toBe(entry.scenes[k - 1]!.scene.setting);
      for (const part of entry.scenes) expect(part.caption.length).toBeGreaterThan(5);
    }
  });

  it('encodes H.264 with the planned size, length, frame rate, date and place', async () => {
    for (const entry of entries) {
      const info = await probeVideo(path.join(dir, entry.file));
      expect(info).toMatchObject({ videoCodec: 'h264', width: entry.width, height: entry.height, frameRate: entry.fps, createdAt: `${entry.takenAt}Z` });
      expect(info.duration).toBeCloseTo(entry.duration, 1);
      expect(info.gps?.lat).toBeCloseTo(entry.gps.lat, 4);
      expect(info.gps?.lon).toBeCloseTo(entry.gps.lon, 4);
    }
  });

  it('plans the same video for the same seed and index, another for another', () => {
    expect(planToyVideo(41, 1).entry).toEqual(entries[1]);
    expect(planToyVideo(41, 1, { scenes: 2, secondsPerScene: 1.5 }).entry.scenes.map((s) => s.end)).toEqual([1.5, 3]);
    expect(planToyVideo(42, 1).entry.scenes).not.toEqual(entries[1]!.scenes);
    expect(() => planToyVideo(41, 0, { width: 321 })).toThrow('even integer');
  });
});
