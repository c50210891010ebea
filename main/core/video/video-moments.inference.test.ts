// A video's moments through the real model process (toy CLIP, bundled ffmpeg): poster, moments at scene times, failures as results.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelProcessClient } from '../model-process/model-process.client.ts';
import { getModelEntry } from '../models/model-catalog.ts';
import { planToyVideo, renderToyVideo, type ToyVideoEntry } from '../toy-world/toy-video.ts';
import { testPatternMp4, truncateCopy } from './video-test-files.test-support.ts';
import { dot } from '../shared/vector-math.ts';

const clipEntry = getModelEntry('photobind/toy-clip');
const clipFolder = clipEntry.source.kind === 'bundled' ? clipEntry.source.folder : '';
let tmp: string;
let client: ModelProcessClient;
let entry: ToyVideoEntry;
let video: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-video-moments-'));
  const plan = planToyVideo(57, 0); // test seeds 1..999 are never trained on
  entry = plan.entry;
  video = path.join(tmp, entry.file);
  await renderToyVideo(entry, plan.drawingSeeds, video);
  client = new ModelProcessClient({ clip: { id: clipEntry.id, folder: clipFolder, dtype: 'fp32' }, device: 'cpu', threads: 1, thumbnailsDir: path.join(tmp, 'thumbs') });
});
afterAll(async () => {
  await client.close();
  await fs.rm(tmp, { recursive: true, force: true });
});


describe('videoMoments in the model process', () => {
  it('writes the poster thumbnail and returns unit-vector moments covering every scene', async () => {
    const result = await client.videoMoments({ path: video, contentHash: 'ab12cd' });
    if (!result.ok) throw new Error(result.reason);
    expect(result.info).toMatchObject({ width: 320, height: 240, videoCodec: 'h264' });
    const poster = await sharp(path.join(tmp, 'thumbs', 'ab', 'ab12cd.jpg')).metadata();
    expect([poster.format, poster.width, poster.height]).toEqual(['jpeg', result.posterWidth, result.posterHeight]);
    for (const scene of entry.scenes) expect(result.moments.some((m) => m.time >= scene.start && m.time < Math.min(scene.end, scene.start + 2))).toBe(true);
    for (const moment of result.moments) expect(Math.sqrt(dot(moment.vector, moment.vector))).toBeCloseTo(1, 4);
    const [query] = await client.request({ type: 'embedTexts', texts: [entry.scenes[1]!.caption] });
    const best = result.moments.reduce((a, b) => (dot(query!, b.vector) > dot(query!, a.vector) ? b : a));
    expect(best.time).toBeGreaterThanOrEqual(entry.scenes[1]!.start);
    expect(best.time).toBeLessThan(entry.scenes[1]!.end);
  });

  it('returns a cut-off video as a problem with its path and reason, and no moments', async () => {
    const whole = await testPatternMp4(path.join(tmp, 'whole.mp4'), 6, { faststart: true });
    const cut = await truncateCopy(whole, path.join(tmp, 'cut.mp4'), 0.5);
    const result = await client.videoMoments({ path: cut, contentHash: 'ef34' });
    expect(result).toMatchObject({ ok: false, kind: 'truncated', permanent: true, path: cut });
    expect(result.ok ? '' : result.reason).toContain('"cut.mp4"');
    expect(result).not.toHaveProperty('moments');
  });
});
