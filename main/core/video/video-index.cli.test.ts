// Videos in a library end to end (CLI child processes, toy models, bundled ffmpeg): search finds the
// second scene of a toy video at its time, info gives duration and moments, broken videos land in
// problems while the rest indexes, and a kill -9 during a video's moments resumes without duplicates.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../models/model-catalog.ts';
import { MomentsRepository } from '../storage/moments.repository.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { renderToyVideos, type ToyVideoEntry } from '../toy-world/toy-video.ts';
import { DEFAULT_MAX_INTERVAL } from './frame-sampler.ts';
import { testPatternMp4, truncateCopy, unknownCodecAvi } from './video-test-files.test-support.ts';
import { runPhotobind } from '../cli/cli-process.test-support.ts';

let tmp: string;
let album: string;
let library: string;
let videos: ToyVideoEntry[];
/** The sampler's longest gap between moments. */
const SAMPLING_INTERVAL = DEFAULT_MAX_INTERVAL;

async function json<T>(...args: string[]): Promise<T> {
  const run = await runPhotobind([...args, '--library', library, '--models', 'toy', '--json']);
  expect(run.stderr.replace(/^photobind: library .*\n/, '')).toBe(''); // only the line naming the library
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-video-library-'));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  await renderDemoAlbum({ outDir: album, count: 12, seed: 71 });
  videos = (await renderToyVideos({ outDir: path.join(album, 'videos'), count: 2, seed: 71 })).entries;
  const bad = path.join(album, 'bad');
  await fs.mkdir(bad);
  await truncateCopy(await testPatternMp4(path.join(tmp, 'whole.mp4'), 6), path.join(bad, 'cut.mp4'), 0.5);
  await unknownCodecAvi(path.join(bad, 'odd.avi'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('videos in the library', () => {
  it('indexes videos beside photos; broken ones are problems with their reason', async () => {
    await json('index', album);
    const problems = await json<Array<{ path: string; kind: string; reason: string }>>('problems');
    const byName = new Map(problems.map((p) => [path.basename(p.path), p]));
    expect(byName.get('cut.mp4')).toMatchObject({ kind: 'truncated' });
    expect(byName.get('cut.mp4')!.reason).toContain('"cut.mp4"');
    expect(byName.get('odd.avi')).toMatchObject({ kind: 'unsupported' });
    expect(problems).toHaveLength(2);
  }, 600_000);

  // The search's JSON once lost `time` (the ranked printer shaped hits without it); see search.command.ts.
  it('finds the second scene of a toy video at its time (within one sampling interval)', async () => {
    for (const [i, entry] of videos.entries()) {
      const second = entry.scenes[1]!;
      // --all: in a library of a few toy items the no-good-matches verdict may hold every hit back as weaker.
      const hits = await json<Array<{ path: string; score: number; time?: number; weaker?: boolean }>>('search', second.caption, '--limit', '40', '--all');
      const videoPath = await fs.realpath(path.join(album, 'videos', entry.file));
      const hit = hits.find((h) => h.path === videoPath);
      expect(hit, `video ${i} among the hits for "${second.caption}"`).toBeDefined();
      expect(hits.filter((h) => h.path === videoPath)).toHaveLength(1);
      // The second scene's caption is that video's best match, and a good one (not held back as weaker).
      expect(hits[0]!.path).toBe(videoPath);
      expect(hit!.weaker).toBeUndefined();
      // The sampler takes a frame at the cut and at least every SAMPLING_INTERVAL: the moment lies inside the
      // scene, no further than one interval from its start.
      expect(hit!.time).toBeGreaterThanOrEqual(second.start);
      expect(hit!.time).toBeLessThan(second.end);
      expect(hit!.time! - second.start).toBeLessThanOrEqual(SAMPLING_INTERVAL);
      // Every video hit carries its time, weaker ones too.
      for (const other of hits.filter((h) => /\.mp4$/.test(h.path))) expect(other.time).toBeTypeOf('number');
    }
  }, 300_000);

  it('resumes after kill -9 during a video\'s moments: every video sampled once, no duplicate moments', async () => {
    const folder = path.join(tmp, 'crash-videos');
    const entries = (await renderToyVideos({ outDir: folder, count: 3, seed: 72 })).entries;
    const crashLibrary = path.join(tmp, 'crash-library');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'photobind.js'), 'index', folder, '--library', crashLibrary, '--models', 'toy', '--json'], { stdio: 'ignore' });
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill as soon as the first video's moments are committed: the next one is being sampled then.
    for (let finished = false; !finished; ) {
      const names = await fs.readdir(path.join(crashLibrary, 'db')).catch(() => [] as string[]);
      if (names.some((n) => n.startsWith('moments_'))) break;
      finished = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const resumed = await runPhotobind(['index', folder, '--library', crashLibrary, '--models', 'toy', '--json']);
    expect(resumed.code).toBe(0);
    const listed = await runPhotobind(['info', path.join(folder, entries[2]!.file), '--library', crashLibrary, '--json']);
    expect((JSON.parse(listed.stdout) as { moments: number }).moments).toBeGreaterThanOrEqual(3);
    const repo = await MomentsRepository.open(path.join(crashLibrary, 'db'));
    try {
      for (const entry of entries) {
        const info = JSON.parse((await runPhotobind(['info', path.join(folder, entry.file), '--library', crashLibrary, '--json'])).stdout) as { contentHash: string; modelId: string; moments: number };
        const times = await repo.momentTimes(info.contentHash, info.modelId);
        expect(times.length).toBe(info.moments);
        expect(new Set(times).size).toBe(times.length);
        for (const scene of entry.scenes) expect(times.some((t) => t >= scene.start && t < scene.end)).toBe(true);
      }
    } finally {
      repo.close();
    }
  }, 600_000);

  it('captions and answers about a moment: the frame at --time, with the toy caption and ask models', async () => {
    const entry = videos[0]!;
    const file = path.join(album, 'videos', entry.file);
    const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
    const overlap = (a: string, b: string) => [...words(a)].filter((w) => words(b).has(w) && w.length > 3).length;
    for (const [k, scene] of entry.scenes.entries()) {
      const middle = (scene.start + scene.end) / 2;
      const [moment] = await json<Array<{ path: string; time: number; caption: string }>>('caption', file, '--time', String(middle));
      expect(moment).toMatchObject({ time: middle });
      // The caption describes that scene's frame better than any other scene of the video.
      const others = entry.scenes.filter((_, j) => j !== k).map((s) => overlap(moment!.caption, s.caption));
      expect(overlap(moment!.caption, scene.caption), `"${moment!.caption}" at ${middle} s vs "${scene.caption}"`).toBeGreaterThan(Math.max(...others));
    }
    const answer = await json<{ answer: string; time: number }>('ask', file, '--time', String(entry.scenes[1]!.start + 1), 'what is in the photo?');
    expect(answer.time).toBe(entry.scenes[1]!.start + 1);
    expect(answer.answer.length).toBeGreaterThan(0);
    // The video's own caption is unchanged (a moment's caption is not kept), and a time past the end is a clear error.
    expect((await json<{ caption: string | null }>('info', file)).caption).toBeNull();
    const outside = await runPhotobind(['caption', file, '--time', '999', '--library', library, '--models', 'toy']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain(`lasts ${entry.duration.toFixed(1)} s, so it has no moment at 999 s`);
    const photo = await runPhotobind(['caption', path.join(album, (await fs.readdir(album)).find((n) => n.endsWith('.jpg'))!), '--time', '1', '--library', library, '--models', 'toy']);
    expect(photo.stderr).toContain('is a photo, not a video');
  }, 300_000);

  it('info gives a video\'s duration and moments', async () => {
    const info = await json<{ duration: number; moments: number; format: string }>('info', path.join(album, 'videos', videos[0]!.file));
    expect(info.format).toBe('mp4');
    expect(info.duration).toBeCloseTo(videos[0]!.duration, 1);
    expect(info.moments).toBeGreaterThanOrEqual(videos[0]!.scenes.length);
  });
});
