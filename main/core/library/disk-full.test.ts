// A library on a disk that fills up: a real small tmpfs (needs root to mount; skipped with a message
// otherwise). Writes fail with a sentence naming the folder and leave no temporary files behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';

let tmp: string;
let disk: string;
let mounted = false;

async function tempFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.filter((name) => name.endsWith('.tmp'));
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-diskfull-'));
  disk = path.join(tmp, 'disk');
  await fs.mkdir(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=320k', 'tmpfs', disk], { stdio: 'ignore' });
    mounted = true;
  } catch {
    console.warn('disk-full tests skipped: mounting a small tmpfs needs root (they run in this project\'s dev container).');
  }
});

afterAll(async () => {
  if (mounted) execFileSync('umount', [disk]);
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('a full library disk', () => {
  it('a settings write fails as a sentence and leaves no temporary file', async (context) => {
    if (!mounted) return context.skip();
    const folder = path.join(disk, 'settings');
    const failure = await writeFileAtomic(path.join(folder, 'settings.json'), 'x'.repeat(1 << 20)).catch((error: unknown) => error);
    expect((failure as Error).message).toBe(`The disk holding ${folder} is full, so settings.json could not be saved; free some space and try again.`);
    expect(await tempFiles(folder)).toEqual([]);
    await fs.rm(folder, { recursive: true });
  });

  it('`photobind index` stops with that sentence, not a raw errno, and leaves no temporary thumbnails', async (context) => {
    if (!mounted) return context.skip();
    const album = path.join(tmp, 'album');
    const { manifestPath } = await renderDemoAlbum({ outDir: album, count: 40, seed: 12 });
    await fs.rm(manifestPath);
    const library = path.join(disk, 'library');
    const run = await runPhotobind(['index', album, '--models', 'toy'], { PHOTOBIND_LIBRARY: library });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^photobind: The disk that holds .* is full\. Free some space there/m);
    expect(run.stderr).not.toMatch(/ENOSPC|os error|No space left/);
    expect(await tempFiles(library)).toEqual([]);
  }, 300_000);
});
