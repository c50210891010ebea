// `photobind watch` stopped during its catch-up pass: the real CLI in child processes (toy models, real files).
// One Ctrl-C stops the pass between commits and exits cleanly; a second quits at once; either way the next
// `index` finishes the library with every photo once.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { CLI, runPhotobind, type CliRun } from './cli-process.test-support.ts';

const PHOTOS = 60;

describe('photobind watch, stopped during the catch-up', () => {
  let tmp: string;
  let album: string;
  let library: string;
  const cli = (...args: string[]) => runPhotobind(['--library', library, '--models', 'toy', ...args]);

  /** Starts `watch` and sends SIGINT `times` times (100 ms apart) once it has named its library. */
  function interruptedWatch(times: number): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '--library', library, '--models', 'toy', 'watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (sent || !stderr.includes('photobind: library')) return;
        sent = true;
        for (let i = 0; i < times; i++) setTimeout(() => child.kill('SIGINT'), 300 + i * 100);
      });
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-watch-cli-'));
    album = path.join(tmp, 'album');
    library = path.join(tmp, 'library');
    await fs.mkdir(album);
    album = await fs.realpath(album);
    const added = await cli('index', album); // the folder joins the library while empty
    expect(added.code, added.stderr).toBe(0);
    await renderDemoAlbum({ outDir: album, count: PHOTOS, seed: 12 });
  }, 120_000);

  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('one Ctrl-C exits cleanly, two quit at once, and the next index has every photo once', async () => {
    const once = await interruptedWatch(1);
    expect(once.code, once.stderr).toBe(0);
    // On a fast machine the catch-up may end before the signal: then it stops as a caught-up watch does.
    expect(once.stdout).toMatch(/Stopped during the catch-up; what was indexed is kept|Watching 1 folder/);

    const twice = await interruptedWatch(2);
    expect([0, 130], twice.stderr).toContain(twice.code);

    const finished = await cli('--json', 'index', album);
    expect(finished.code, finished.stderr).toBe(0);
    const status = JSON.parse((await cli('--json', 'status')).stdout) as { photos: number };
    expect(status.photos).toBe(PHOTOS);
  }, 240_000);
});
