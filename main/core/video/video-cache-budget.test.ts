// The video caches' budget on the real file system: least recently used files go first, files in use and
// fresh partial files stay, stale partial files go.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { touchCached, trimCacheFolder, videoCacheBudget } from './video-cache-budget.ts';
import { VideoPlaybackService } from './video-playback.service.ts';
import { testPatternMp4 } from './video-test-files.test-support.ts';

describe('trimCacheFolder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-cache-budget-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A file of `kb` KB last used `minutesAgo` minutes before `now`. */
  async function cached(name: string, kb: number, minutesAgo: number, now: number): Promise<string> {
    const file = path.join(dir, name);
    await fs.writeFile(file, Buffer.alloc(kb * 1024));
    const at = new Date(now - minutesAgo * 60_000);
    await fs.utimes(file, at, at);
    return file;
  }

  it('removes the least recently used files until the folder fits, sparing protected ones', async () => {
    const now = Date.now();
    const oldest = await cached('a.mp4', 40, 30, now);
    const inUse = await cached('b.mp4', 40, 20, now);
    const older = await cached('c.mp4', 40, 10, now);
    const newest = await cached('d.mp4', 40, 1, now);
    const result = await trimCacheFolder(dir, 90 * 1024, new Set([inUse]), now);
    expect(result.removed.sort()).toEqual([oldest, older].sort());
    expect(result.keptBytes).toBe(80 * 1024);
    expect((await fs.readdir(dir)).sort()).toEqual(['b.mp4', 'd.mp4']);
    expect(path.basename(newest)).toBe('d.mp4');
  });

  it('a touched file counts as just used', async () => {
    const now = Date.now();
    const first = await cached('a.mp4', 40, 30, now);
    await cached('b.mp4', 40, 10, now);
    await touchCached(first);
    const result = await trimCacheFolder(dir, 50 * 1024);
    expect(result.removed.map((f) => path.basename(f))).toEqual(['b.mp4']);
  });

  it('removes partial files older than an hour and leaves a transcode in progress alone', async () => {
    const now = Date.now();
    await cached('x.mp4.123.partial.mp4', 10, 120, now);
    await cached('y.mp4.456.partial.mp4', 10, 5, now);
    const result = await trimCacheFolder(dir, 1024 * 1024, new Set(), now);
    expect(result.removed.map((f) => path.basename(f))).toEqual(['x.mp4.123.partial.mp4']);
    expect(await fs.readdir(dir)).toEqual(['y.mp4.456.partial.mp4']);
  });

  it('a missing folder is an empty one', async () => {
    expect(await trimCacheFolder(path.join(dir, 'nope'), 0)).toEqual({ removed: [], keptBytes: 0 });
  });

  it('reads the previews budget from PHOTOBIND_VIDEO_CACHE_MB', () => {
    expect(videoCacheBudget({}).previews).toBe(2048 * 1024 * 1024);
    expect(videoCacheBudget({ PHOTOBIND_VIDEO_CACHE_MB: '100' })).toEqual({ previews: 100 * 1024 * 1024, frames: 10 * 1024 * 1024, motion: 25 * 1024 * 1024 });
    expect(videoCacheBudget({ PHOTOBIND_VIDEO_CACHE_MB: 'lots' }).previews).toBe(2048 * 1024 * 1024);
  });
});

describe('VideoPlaybackService keeps its frames within the budget', () => {
  let dir: string;
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('older frames go once the frames folder is over its budget; the newest stays', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-cache-budget-service-'));
    const video = await testPatternMp4(path.join(dir, 'clip.mp4'), 3, { width: 320, height: 240 });
    const library = { photosWithContent: () => Promise.resolve([]), videoFacts: () => Promise.resolve({ videoCodec: 'h264', audioCodecs: [], duration: 3 }) };
    const cache = path.join(dir, 'cache');
    const first = await new VideoPlaybackService(cache, library, { previews: 0, frames: 1 << 30, motion: 0 }).frameAt(video, 'h1', 0.5);
    // Room for exactly the first frame: adding a second puts the folder over.
    const budget = (await fs.stat(first)).size;
    const service = new VideoPlaybackService(cache, library, { previews: 0, frames: budget, motion: 0 });
    expect(await service.frameAt(video, 'h1', 0.5)).toBe(first); // served from the cache, nothing trimmed
    await new Promise((resolve) => setTimeout(resolve, 20)); // distinct modification times
    const second = await service.frameAt(video, 'h1', 2);
    expect(await fs.readdir(path.join(cache, 'frames'))).toEqual([path.basename(second)]);
  }, 60_000);
});
