// A problem found in one copy of a file is told of every copy under its own name, also when the names
// share a prefix (IMG_1.jpg / IMG_10.jpg): real damaged files, the toy model process, real LanceDB.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { describeFile } from '../media/photo-problem.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { reasonFor } from './index.service.ts';

let tmp: string;
let album: string;
let core: PhotobindCore;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-copy-problems-')));
  album = path.join(tmp, 'album');
  const rendered = await renderDemoAlbum({ outDir: path.join(tmp, 'rendered'), count: 1, seed: 5 });
  // The same damaged bytes (a JPEG cut off after its first kilobyte) under names that share a prefix.
  const cut = (await fs.readFile(rendered.files[0]!)).subarray(0, 1024);
  await fs.mkdir(album);
  for (const name of ['IMG_1.jpg', 'IMG_10.jpg', 'IMG_1.jpg copy.jpg']) await fs.writeFile(path.join(album, name), cut);
  core = await PhotobindCore.open({ libraryDir: path.join(tmp, 'library'), modelSet: 'toy' });
}, 60_000);

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('problems of copies', () => {
  it('name each copy in its own reason', async () => {
    const summary = await core.index.index([album]);
    expect(summary).toMatchObject({ failed: 3, modelWork: 1 });
    const problems = await core.library.problems();
    expect(problems.map((p) => path.basename(p.path)).sort()).toEqual(['IMG_1.jpg', 'IMG_1.jpg copy.jpg', 'IMG_10.jpg']);
    for (const problem of problems) {
      expect(problem.reason.startsWith(describeFile(problem.path))).toBe(true);
      for (const other of problems) if (other !== problem) expect(problem.reason).not.toContain(describeFile(other.path));
    }
  }, 60_000);

  it('reasonFor replaces whole names only', () => {
    const reason = '/x/a.jpg could not be read; /x/a.jpg.bak and "a.jpg" (in /x) are left.';
    expect(reasonFor(reason, '/x/a.jpg', '/x/b.jpg')).toBe('/x/b.jpg could not be read; /x/a.jpg.bak and "b.jpg" (in /x) are left.');
    expect(reasonFor('Failed: /x/IMG_1.jpg.', '/x/IMG_1.jpg', '/x/IMG_10.jpg')).toBe('Failed: /x/IMG_10.jpg.');
    expect(reasonFor('Failed: /x/IMG_10.jpg.', '/x/IMG_1.jpg', '/x/IMG_2.jpg')).toBe('Failed: /x/IMG_10.jpg.');
    expect(reasonFor('cost $& to read /x/a.jpg', '/x/a.jpg', '/x/$&.jpg')).toBe('cost $& to read /x/$&.jpg');
  });
});
