// Checks that the decode benchmark runs and counts outcomes (timings are printed by the bench, not asserted).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureDecode } from './decode-benchmark.ts';
import { makeTempDir, noiseJpeg } from './media-test-files.test-support.ts';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

describe('measureDecode', () => {
  it('reports per-photo figures and counts decoded, unsupported and failed photos', async () => {
    const good = path.join(dir, 'good.jpg');
    await writeFile(good, await noiseJpeg(640, 480));
    const jxl = path.join(dir, 'photo.jxl');
    await writeFile(jxl, Buffer.from([0xff, 0x0a, 0xfa, 0x7f, 0x01, 0x90, 0x08, 0x06]));
    const bad = path.join(dir, 'bad.jpg');
    await writeFile(bad, 'not a photo');

    const result = await measureDecode([good, jxl, bad], { repeat: 2, warmup: false, concurrency: 2 });
    expect(result).toMatchObject({ files: 3, decodes: 6, decoded: 2, unsupported: 2, failed: 2 });
    expect(result.perPhotoMs).toBeGreaterThan(0);
    expect(result.byFormat['jpeg']?.count).toBe(2);
    expect(result.problems).toEqual([expect.objectContaining({ path: bad, kind: 'not-an-image' })]);
  });
});
