// `photobind demo --out DIR --videos N` in a child process: toy videos and videos.jsonl beside the photos.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToyVideoManifest } from '../toy-world/toy-video.ts';
import { probeVideo } from '../video/video-probe.ts';
import { runPhotobind } from './cli-process.test-support.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-cli-videos-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('photobind demo --videos', () => {
  it('renders toy videos with their manifest next to the album, and none by default with --out', async () => {
    const withVideos = path.join(tmp, 'with');
    const run = await runPhotobind(['demo', '--out', withVideos, '--count', '2', '--seed', '79', '--videos', '1', '--json'], { PHOTOBIND_LIBRARY: path.join(tmp, 'library') });
    expect([run.code, run.stderr]).toEqual([0, '']);
    const result = JSON.parse(run.stdout) as { count: number; videos: number; videoManifest: string };
    expect([result.count, result.videos]).toEqual([2, 1]);
    const [entry] = await readToyVideoManifest(result.videoManifest);
    expect(entry?.file).toBe('pb-video-79-000.mp4');
    expect((await probeVideo(path.join(withVideos, entry!.file))).duration).toBeCloseTo(entry!.duration, 1);

    const plain = path.join(tmp, 'plain');
    const second = await runPhotobind(['demo', '--out', plain, '--count', '2', '--seed', '79', '--json'], { PHOTOBIND_LIBRARY: path.join(tmp, 'library') });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).not.toHaveProperty('videos');
    expect((await fs.readdir(plain)).sort()).toEqual(['manifest.jsonl', 'pb-79-00000.jpg', 'pb-79-00001.jpg']);

    const bad = await runPhotobind(['demo', '--out', plain, '--videos', 'two'], { PHOTOBIND_LIBRARY: path.join(tmp, 'library') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--videos needs a whole number from 0 to 100.');
  });
});
