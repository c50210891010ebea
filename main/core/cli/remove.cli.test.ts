// `photobind remove` end to end: the real CLI in child processes over a temp library (toy models, real files):
// it prints what it removed, the file stays, `index` does not bring it back, `--undo` does.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { runPhotobind } from './cli-process.test-support.ts';

describe('photobind remove', () => {
  let tmp: string;
  let album: string;
  let library: string;
  let photos: string[];
  const cli = (...args: string[]) => runPhotobind(['--library', library, '--models', 'toy', ...args]);

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-remove-cli-'));
    album = path.join(tmp, 'album');
    library = path.join(tmp, 'library');
    await renderDemoAlbum({ outDir: album, count: 3, seed: 9 });
    album = await fs.realpath(album);
    photos = (await fs.readdir(album)).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(album, f));
    const indexed = await cli('index', album);
    expect(indexed.code, indexed.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('prints what it removed, keeps the file, and a later index leaves it out; --undo puts it back', async () => {
    const missing = path.join(album, 'nope.jpg');
    const removed = await cli('remove', photos[0]!, missing);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr.split('\n')[0]).toBe(`photobind: library ${library}`);
    expect(removed.stdout).toContain('Removed 1 photo from the library (the files stay on disk');
    expect(removed.stdout).toContain(photos[0]!);
    expect(removed.stderr).toContain(`note: ${missing} is not a photo of this library; nothing removed.`);
    await expect(fs.stat(photos[0]!)).resolves.toBeTruthy();

    const again = await cli('--json', 'index', album);
    expect(again.code, again.stderr).toBe(0);
    const listed = await cli('--json', 'remove', '--list');
    expect((JSON.parse(listed.stdout) as Array<{ path: string }>).map((r) => r.path)).toEqual([photos[0]]);
    const status = JSON.parse((await cli('--json', 'status')).stdout) as { photos: number };
    expect(status.photos).toBe(2);

    const undone = await cli('--json', 'remove', '--undo', photos[0]!);
    expect(undone.code, undone.stderr).toBe(0);
    expect(JSON.parse(undone.stdout)).toEqual({ restored: [photos[0]], indexed: [photos[0]], notRemoved: [], notIndexed: [] });
    expect((JSON.parse((await cli('--json', 'status')).stdout) as { photos: number }).photos).toBe(3);
  }, 180_000);

  it('refuses a folder with the reason, and says so when nothing was removed', async () => {
    const folder = await cli('remove', album);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`${album} is a folder; name the photos to remove`);
    const none = await cli('remove', path.join(album, 'nope.jpg'));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('is not a photo of this library');
  }, 60_000);
});
