// Two real `photobind index` processes on one library: the second waits for the first (saying who holds
// the library) instead of writing the same photos twice, and reading commands run meanwhile.
// See [Note: one writer per library].
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../library/library-lock.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { runPhotobind } from './cli-process.test-support.ts';

const PHOTOS = 24;
const ROUNDS = 2;
let tmp: string;
let album: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-lock-cli-'));
  album = path.join(tmp, 'album');
  const { manifestPath } = await renderDemoAlbum({ outDir: album, count: PHOTOS, seed: 29 });
  await fs.rm(manifestPath);
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

async function waitForFile(file: string, running: Promise<unknown>): Promise<boolean> {
  let done = false;
  void running.then(() => (done = true));
  while (!done) {
    if (await fs.stat(file).then(() => true, () => false)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('two processes on one library', () => {
  it(`two concurrent index runs leave one row per photo (${ROUNDS} rounds), and search and status run meanwhile`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const env = { PHOTOBIND_LIBRARY: path.join(tmp, `library-${round}`) };
      const first = runPhotobind(['index', album, '--models', 'toy'], env);
      const second = runPhotobind(['index', album, '--models', 'toy'], env);
      if (round === 0 && (await waitForFile(path.join(env.PHOTOBIND_LIBRARY, LOCK_FILE), Promise.all([first, second])))) {
        // A writer holds the library: reading commands do not wait for it.
        const [search, status] = await Promise.all([runPhotobind(['search', 'a dog', '--models', 'toy', '--json'], env), runPhotobind(['status', '--models', 'toy', '--json'], env)]);
        const quiet = (stderr: string) => stderr.replace(/^photobind: library .*\n/, ''); // only the line naming the library
        expect([search.code, status.code, quiet(search.stderr), quiet(status.stderr)]).toEqual([0, 0, '', '']);
      }
      const runs = await Promise.all([first, second]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      // One of them waited and said who had the library.
      expect(runs.map((r) => r.stderr).join('')).toMatch(/The library is in use by `photobind index .*` \(pid \d+ on .*\); waiting/);
      const status = JSON.parse((await runPhotobind(['status', '--models', 'toy', '--json'], env)).stdout) as { photos: number };
      expect(status.photos).toBe(PHOTOS);
      await expect(fs.stat(path.join(env.PHOTOBIND_LIBRARY, LOCK_FILE))).rejects.toThrow();
    }
  }, 600_000);
});
