// The `photobind` command end to end in child processes: demo, index (with hostile files), problems,
// search, similar, info, status, and clear errors. Uses the toy models and a temporary library.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noiseJpeg, pngBomb, REAL_PHOTOS, realPhoto } from '../media/media-test-files.test-support.ts';
import { cudaProviderInstalled } from '../model-process/device-selection.ts';
import { cliFor } from './cli-process.test-support.ts';

let tmp: string;
let album: string;
let library: string;

const { photobind, json } = cliFor(() => library);

const HOSTILE: Record<string, (dir: string) => Promise<void>> = {
  'empty.jpg': async (dir) => fs.writeFile(path.join(dir, 'empty.jpg'), ''),
  'text.jpg': async (dir) => fs.writeFile(path.join(dir, 'text.jpg'), 'this is not a photo\n'.repeat(50)),
  'bomb.png': async (dir) => fs.writeFile(path.join(dir, 'bomb.png'), pngBomb(100_000, 100_000)),
  'truncated.jpg': async (dir) => {
    const whole = await noiseJpeg(800, 600);
    await fs.writeFile(path.join(dir, 'truncated.jpg'), whole.subarray(0, 700));
  },
};

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-cli-'));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('photobind CLI', () => {
  it('demo --out renders an album with its manifest', async () => {
    const result = await json<{ count: number; manifest: string }>('demo', '--out', album, '--count', '24', '--seed', '77');
    expect(result.count).toBe(24);
    const lines = (await fs.readFile(result.manifest, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(24);
    expect(JSON.parse(lines[0]!)).toHaveProperty('caption');
  });

  it('index reports hostile files by path and reason and indexes the rest', async () => {
    const bad = path.join(album, 'bad\nname ü');
    await fs.mkdir(bad);
    for (const make of Object.values(HOSTILE)) await make(bad);
    // Library files are old; a zero-byte file written seconds ago counts as "still being copied" (transient).
    const lastYear = new Date(Date.now() - 365 * 86_400_000);
    for (const name of Object.keys(HOSTILE)) await fs.utimes(path.join(bad, name), lastYear, lastYear);
    const expected = Object.keys(HOSTILE);
    if (REAL_PHOTOS) {
      const jxl = (await fs.readdir(realPhoto('immich-test-assets/formats/jxl'))).find((f) => f.endsWith('.jxl'))!;
      await fs.copyFile(realPhoto(`immich-test-assets/formats/jxl/${jxl}`), path.join(bad, 'picture.jxl'));
      expected.push('picture.jxl');
    }
    const summary = await json<{ indexed: number; failed: number; device: string; models: string }>('index', album, '--models', 'toy');
    expect(summary).toMatchObject({ indexed: 24, failed: expected.length, device: 'cpu', models: 'toy' });
    const problems = await json<Array<{ path: string; kind: string; reason: string }>>('problems');
    expect(problems.map((p) => path.basename(p.path)).sort()).toEqual(expected.sort());
    for (const problem of problems) {
      expect(problem.path.startsWith(bad)).toBe(true);
      expect(problem.reason).toMatch(/\w+ \w+/); // a sentence, not a code
    }
    expect(problems.find((p) => p.path.endsWith('picture.jxl'))?.kind ?? 'unsupported').toBe('unsupported');
    expect(problems.find((p) => p.path.endsWith('bomb.png'))?.kind).toBe('too-large');
    expect(problems.find((p) => p.path.endsWith('empty.jpg'))?.kind).toBe('empty');
  });

  it('a second index run does no model work and keeps the problems', async () => {
    const summary = await json<{ indexed: number; unchanged: number; modelWork: number }>('index', album);
    expect(summary).toMatchObject({ indexed: 0, unchanged: 24, modelWork: 0 });
  });

  it('search --json gives path and score, best first; similar puts the photo first', async () => {
    const hits = await json<Array<{ path: string; score: number }>>('search', 'red car', '--limit', '5');
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(typeof hit.score).toBe('number');
    const photo = hits[0]!.path;
    const similar = await json<Array<{ path: string }>>('similar', photo, '--limit', '3');
    expect(similar[0]!.path).toBe(photo);
    const info = await json<{ width: number; height: number; state: string; takenAt: string }>('info', photo);
    expect(info).toMatchObject({ width: 320, height: 240, state: 'indexed' });
    expect(info.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('status --json has the library summary', async () => {
    const status = await json<Record<string, unknown>>('status');
    expect(status).toMatchObject({ photos: 24, pending: 0, failed: expect.any(Number) as number, device: 'cpu', library });
    expect((status.models as { set: string }).set).toBe('toy');
    // The device comes from the last model process's report: status itself starts none, so asking again
    // reports the same check, and the CUDA provider (not installed here) was skipped without a probe.
    expect(status.deviceCheckedAt).toEqual(expect.any(String));
    if (!cudaProviderInstalled()) expect(status.deviceFallbacks).toContainEqual(expect.objectContaining({ device: 'cuda', reason: expect.stringContaining('not probed') as string }));
    expect(status.modelError).toBeNull();
    const again = await json<Record<string, unknown>>('status');
    expect(again.deviceCheckedAt).toBe(status.deviceCheckedAt);
  });

  it('errors are sentences on stderr with a non-zero exit code', async () => {
    const missing = await photobind('index', path.join(tmp, 'no-such-folder'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The folder .*no-such-folder does not exist/);
    const badDate = await photobind('search', 'dog', '--since', 'yesterday');
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/--since needs a date like 2024-05-31/);
    const notInLibrary = await photobind('similar', path.join(tmp, 'elsewhere.jpg'), '--json');
    expect(notInLibrary.code).toBe(1);
    expect(JSON.parse(notInLibrary.stdout)).toMatchObject({ error: { message: expect.stringContaining('not in this library') as string } });
  });
});
