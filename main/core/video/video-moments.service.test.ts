// VideoMomentsService with the real model process (toy CLIP), real LanceDB and a toy video: stored facts, moments, resumable marker.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelProcessClient } from '../model-process/model-process.client.ts';
import { getModelEntry } from '../models/model-catalog.ts';
import { MomentsRepository } from '../storage/moments.repository.ts';
import { planToyVideo, renderToyVideo } from '../toy-world/toy-video.ts';
import { VideoMomentsService } from './video-moments.service.ts';
import { testPatternMp4, truncateCopy } from './video-test-files.test-support.ts';

const clipEntry = getModelEntry('photobind/toy-clip');
const clipFolder = clipEntry.source.kind === 'bundled' ? clipEntry.source.folder : '';
let tmp: string;
let client: ModelProcessClient;
let repo: MomentsRepository;
let service: VideoMomentsService;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-video-service-'));
  client = new ModelProcessClient({ clip: { id: clipEntry.id, folder: clipFolder, dtype: 'fp32' }, device: 'cpu', threads: 1, thumbnailsDir: path.join(tmp, 'thumbs') });
  repo = await MomentsRepository.open(path.join(tmp, 'db'));
  service = new VideoMomentsService(repo, () => Promise.resolve(client), () => clipEntry.id);
});
afterAll(async () => {
  await client.close();
  repo.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('VideoMomentsService', () => {
  it('stores a toy video\'s facts and moments; describe gives duration and moment count', async () => {
    const plan = planToyVideo(63, 0);
    const file = path.join(tmp, plan.entry.file);
    await renderToyVideo(plan.entry, plan.drawingSeeds, file);
    const item = { path: file, contentHash: 'c0ffee0000000000' };
    expect(await service.needsMoments(item.contentHash)).toBe(true);
    const result = await service.process(item);
    if (!result.ok) throw new Error(result.reason);
    expect(result).toMatchObject({ format: 'mp4', width: 320, height: 240, takenAt: `${plan.entry.takenAt}Z` });
    expect(Math.hypot(...result.vector)).toBeCloseTo(1, 4);
    expect(await service.needsMoments(item.contentHash)).toBe(false);
    const described = await service.describe(item.contentHash);
    expect(described?.moments).toBe(result.moments);
    expect(described?.duration).toBeCloseTo(plan.entry.duration, 1);
    expect(await repo.momentTimes(item.contentHash, clipEntry.id)).toHaveLength(result.moments);
  });

  it('stores nothing for a broken video and returns its problem', async () => {
    const whole = await testPatternMp4(path.join(tmp, 'whole.mp4'), 4, { faststart: true });
    const cut = await truncateCopy(whole, path.join(tmp, 'cut.mp4'), 0.5);
    const result = await service.process({ path: cut, contentHash: 'badbad0000000000' });
    expect(result).toMatchObject({ ok: false, kind: 'truncated' });
    expect(await service.describe('badbad0000000000')).toBeNull();
    expect(await service.needsMoments('badbad0000000000')).toBe(true);
  });
});
