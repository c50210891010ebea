// Photos in a symlinked folder answer to every command by the path search shows them under (through
// the link): the real CLI on a library whose root holds a link to a folder elsewhere. [Note: symlinked folders]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

let tmp: string;
let root: string;
let elsewhere: string;
let names: string[];
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-links-')));
  root = path.join(tmp, 'photos');
  elsewhere = path.join(tmp, 'elsewhere');
  const { manifestPath, files } = await renderDemoAlbum({ outDir: elsewhere, count: 3, seed: 61 });
  await fs.rm(manifestPath);
  names = files.map((f) => path.basename(f)).sort();
  await fs.mkdir(root);
  await fs.symlink(elsewhere, path.join(root, 'linked'));
  env = { PHOTOBIND_LIBRARY: path.join(tmp, 'library') };
  expect((await runPhotobind(['index', root, '--models', 'toy'], env)).code).toBe(0);
}, 300_000);
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('a symlinked folder inside a root', () => {
  it('caption --edit, caption FOLDER, info and similar find its photos by the path search shows', async () => {
    const [first, second] = names;
    const viaLink = path.join(root, 'linked', first!);
    const edited = await runPhotobind(['caption', '--edit', viaLink, 'through the link', '--models', 'toy', '--json'], env);
    expect(edited.stderr.replace(/^photobind: library .*\n/, '')).toBe('');
    expect(edited.code).toBe(0);
    const folder = await runPhotobind(['caption', path.join(root, 'linked'), '--models', 'toy', '--json'], env);
    expect(folder.code).toBe(0);
    const captions = JSON.parse(folder.stdout) as Array<{ path: string; caption: string | null }>;
    expect(captions.map((c) => c.path)).toEqual(names.map((n) => path.join(root, 'linked', n)));
    expect(captions.every((c) => c.caption)).toBe(true); // the folder's photos were captioned (the edit kept)
    const info = await runPhotobind(['info', viaLink, '--models', 'toy', '--json'], env);
    expect(JSON.parse(info.stdout)).toMatchObject({ path: viaLink, caption: 'through the link' });
    const similar = await runPhotobind(['similar', path.join(root, 'linked', second!), '--models', 'toy', '--json'], env);
    expect(similar.code).toBe(0);
    expect((JSON.parse(similar.stdout) as Array<{ path: string }>)[0]!.path).toBe(path.join(root, 'linked', second!));
  }, 300_000);

  it('search --folder and ask find its photos through the link too', async () => {
    const linked = path.join(root, 'linked');
    const search = await runPhotobind(['search', 'a photo', '--folder', linked, '--all', '--models', 'toy', '--json'], env);
    expect(search.code).toBe(0);
    expect((JSON.parse(search.stdout) as Array<{ path: string }>).map((h) => h.path).sort()).toEqual(names.map((n) => path.join(linked, n)));
    const ask = await runPhotobind(['ask', path.join(linked, names[2]!), 'what is in this photo?', '--models', 'toy', '--json'], env);
    expect(ask.stderr.replace(/^photobind: library .*\n/, '')).toBe('');
    expect(ask.code).toBe(0);
    expect(JSON.parse(ask.stdout)).toMatchObject({ photos: [path.join(linked, names[2]!)] });
  }, 300_000);
});
