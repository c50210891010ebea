// Tests frame sampling on real toy videos (bundled ffmpeg) and the toy CLIP: scene times, finding a scene by its description, broken files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoProblemError } from '../media/photo-problem.ts';
import { createClipModel } from '../models/inference/clip.inference.ts';
import { TOY_MODELS } from '../models/inference/toy-scenes.test-helper.ts';
import { modelInputSide } from '../models/model-input-side.ts';
import { planToyVideo, renderToyVideo, type ToyVideoEntry } from '../toy-world/toy-video.ts';
import { posterFrame, sampleFrames, scaledSize, type SampledFrame } from './frame-sampler.ts';
import { ffmpeg, testPatternMp4, truncateCopy, unknownCodecAvi } from './video-test-files.test-support.ts';
import { dot } from '../shared/vector-math.ts';

const MAX_INTERVAL = 2;
const TOY_CLIP = path.join(TOY_MODELS, 'toy-clip');
// Seeds 1..999 are never used to train the toy models.
const SEED = 31;

let dir: string;
let video: string;
let entry: ToyVideoEntry;
let frames: SampledFrame[];
let side: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pb-frame-sampler-'));
  const plan = planToyVideo(SEED, 0);
  entry = plan.entry;
  video = path.join(dir, entry.file);
  await renderToyVideo(entry, plan.drawingSeeds, video);
  side = await modelInputSide(TOY_CLIP);
  frames = [];
  for await (const frame of sampleFrames(video, { side, maxInterval: MAX_INTERVAL })) frames.push(frame);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sceneAt = (time: number): number => entry.scenes.findIndex((s) => time >= s.start && time < s.end);

describe('sampleFrames on a toy video', () => {
  it('hands over frames at the model side, in time order, never further apart than the sampling interval', () => {
    expect(entry.scenes).toHaveLength(3);
    expect(frames.length).toBeGreaterThanOrEqual(entry.scenes.length);
    expect(frames.map((f) => f.index)).toEqual(frames.map((_, i) => i));
    expect(frames[0]!.time).toBe(0);
    const frameTime = 1 / entry.fps;
    for (const [i, frame] of frames.entries()) {
      expect(frame.pixels).toMatchObject({ ...scaledSize(entry.width, entry.height, side), channels: 3 });
      expect(frame.pixels.data.length).toBe(frame.pixels.width * frame.pixels.height * 3);
      if (i > 0) expect(frame.time - frames[i - 1]!.time).toBeLessThanOrEqual(MAX_INTERVAL + frameTime / 2);
      if (i > 0) expect(frame.time).toBeGreaterThan(frames[i - 1]!.time);
    }
    expect(entry.duration - frames.at(-1)!.time).toBeLessThanOrEqual(MAX_INTERVAL + frameTime);
  });

  it('samples every scene within one sampling interval of its start', () => {
    for (const scene of entry.scenes) {
      const first = frames.find((f) => f.time >= scene.start - 1e-6);
      expect(first, `a frame after ${scene.start} s`).toBeDefined();
      expect(first!.time - scene.start).toBeLessThan(MAX_INTERVAL);
      expect(sceneAt(first!.time)).toBe(entry.scenes.indexOf(scene));
    }
  });

  it('finds the second scene by its description with the toy CLIP', async () => {
    const clip = await createClipModel({ folder: TOY_CLIP, threads: 2 });
    const vectors = await clip.embedImages(frames.map((f) => f.pixels));
    const second = entry.scenes[1]!;
    const [query] = await clip.embedTexts([second.caption]);
    const ranked = frames.map((f, i) => ({ time: f.time, score: dot(query!, vectors[i]!) })).sort((a, b) => b.score - a.score);
    expect(sceneAt(ranked[0]!.time), `"${second.caption}" ranked ${JSON.stringify(ranked)}`).toBe(1);
    expect(ranked[0]!.time).toBeGreaterThanOrEqual(second.start);
    expect(ranked[0]!.time).toBeLessThan(second.end);
  });

  it('stops ffmpeg when the caller stops early or aborts', async () => {
    const taken: number[] = [];
    for await (const frame of sampleFrames(video, { side, maxInterval: 0.5 })) {
      taken.push(frame.time);
      if (taken.length === 2) break;
    }
    expect(taken).toHaveLength(2);
    const controller = new AbortController();
    const error = await (async () => {
      for await (const _ of sampleFrames(video, { side, maxInterval: 0.5, signal: controller.signal })) controller.abort();
    })().then(() => undefined, (e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });

  it('makes a poster JPEG of the upright frame, longest side at most the thumbnail side', async () => {
    const poster = await posterFrame(video, { side: 160 });
    expect([poster.width, poster.height]).toEqual([160, 120]);
    expect(poster.time).toBeCloseTo(0.9, 5);
    const meta = await sharp(poster.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 120]);
  });
});

describe('sampleFrames on a phone-style video', () => {
  it('decodes an HEVC .mov recorded sideways into upright frames', async () => {
    const flat = path.join(dir, 'flat-hevc.mov');
    await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=3', '-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-x265-params', 'log-level=error', flat);
    // The rotation goes into the track's display matrix when the stream is copied, as a phone writes it.
    const file = path.join(dir, 'IMG_0002.mov');
    await ffmpeg('-i', flat, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', file);
    const got: SampledFrame[] = [];
    for await (const frame of sampleFrames(file, { side: 64 })) got.push(frame);
    expect(got.map((f) => f.time)).toEqual([0, 2]);
    for (const frame of got) expect([frame.pixels.width, frame.pixels.height]).toEqual([64, 85]);
  });
});

describe('sampleFrames on broken videos', () => {
  async function problemWhileSampling(file: string): Promise<{ problem: PhotoProblemError; frames: number }> {
    let count = 0;
    const error = await (async () => {
      for await (const _ of sampleFrames(file, { side: 64 })) count++;
    })().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PhotoProblemError);
    const problem = error as PhotoProblemError;
    expect(problem.path).toBe(file);
    expect(problem.message).toContain(`"${path.basename(file)}" (in ${dir})`);
    return { problem, frames: count };
  }

  it('reports a video cut off mid-way (index first) as incomplete after its readable frames', async () => {
    const whole = await testPatternMp4(path.join(dir, 'whole-faststart.mp4'), 8, { faststart: true });
    const { problem, frames: readable } = await problemWhileSampling(await truncateCopy(whole, path.join(dir, 'cut-faststart.mp4'), 0.5));
    expect(problem.kind).toBe('truncated');
    expect(problem.message).toContain('is incomplete: the file ends before the video does (it should last 0:08)');
    expect(readable).toBeGreaterThan(0);
  });

  it('reports a cut-off video whose index is missing, and an unknown codec, before any frame', async () => {
    const whole = await testPatternMp4(path.join(dir, 'whole.mp4'), 4);
    const cut = await problemWhileSampling(await truncateCopy(whole, path.join(dir, 'cut.mp4'), 0.6));
    expect([cut.problem.kind, cut.frames]).toEqual(['truncated', 0]);
    const odd = await problemWhileSampling(await unknownCodecAvi(path.join(dir, 'odd.avi')));
    expect([odd.problem.kind, odd.frames]).toEqual(['unsupported', 0]);
    expect(odd.problem.message).toContain('FourCC "ZQ9X"');
  });
});
