// A photo whose file name is not valid UTF-8 is not skipped silently: the real CLI lists it in
// `problems` with its path (bytes escaped) and a reason, and indexes it once it is renamed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

let tmp: string;
let album: string;
let badPath: Buffer;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-names-')));
  album = path.join(tmp, 'album');
  const { manifestPath, files } = await renderDemoAlbum({ outDir: album, count: 3, seed: 44 });
  await fs.rm(manifestPath);
  // "café.jpg" written in Latin-1 (0xE9), as an old Windows copy leaves it.
  badPath = Buffer.concat([Buffer.from(`${album}/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]);
  await fs.rename(files[0]!, badPath);
  env = { PHOTOBIND_LIBRARY: path.join(tmp, 'library') };
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('a file name that is not UTF-8', () => {
  it('is in problems with its path and a reason, and indexed once renamed', async () => {
    const first = await runPhotobind(['index', album, '--models', 'toy', '--json'], env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ indexed: 2, failed: 1 });
    const problems = JSON.parse((await runPhotobind(['problems', '--models', 'toy', '--json'], env)).stdout) as Array<{ path: string; reason: string }>;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path.join(album, 'caf\\xe9.jpg'));
    expect(problems[0]!.reason).toMatch(/is not valid UTF-8, so Photobind cannot open it; rename it/);

    await fs.rename(badPath, path.join(album, 'café.jpg'));
    const second = await runPhotobind(['index', album, '--models', 'toy', '--json'], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ indexed: 1, failed: 0 });
    expect(JSON.parse((await runPhotobind(['problems', '--models', 'toy', '--json'], env)).stdout)).toEqual([]);
  }, 300_000);
});
