// Kill -9 `photobind index` at several points, then resume: every photo ends up indexed exactly once.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../models/model-catalog.ts';
import { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

const CLI = path.join(REPO_ROOT, 'bin', 'photobind.js');
let tmp: string;
let album: string;
let library: string;
let files: string[];

function runIndex(killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'index', album, '--library', library, '--models', 'toy', '--json', '--batch-size', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }));
    if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-crash-'));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  files = (await renderDemoAlbum({ outDir: album, count: 150, seed: 33 })).files;
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('crash safety', () => {
  it('resumes after kill -9 at several points without duplicates or loss', async () => {
    const kills = [1500, 2500, 3500, 5000];
    const seenCounts: number[] = [];
    for (const delay of kills) {
      const run = await runIndex(delay);
      const store = await PhotoStoreRepository.open(path.join(library, 'db'));
      seenCounts.push(await store.countPhotos());
      store.close();
      if (run.code === 0) break; // finished before the kill: later kills would test nothing new
    }
    const final = await runIndex();
    expect(final.code).toBe(0);
    const summary = JSON.parse(final.stdout) as { failed: number; unchanged: number; indexed: number; reused: number };
    expect(summary.failed).toBe(0);
    const store = await PhotoStoreRepository.open(path.join(library, 'db'));
    const photos = await store.listPhotos();
    store.close();
    const paths = photos.map((p) => p.path).sort();
    expect(paths).toEqual([...files].sort()); // every photo, each once
    expect(new Set(paths).size).toBe(paths.length);
    // Counts only grow between kills: committed work is never lost.
    for (let i = 1; i < seenCounts.length; i++) expect(seenCounts[i]!).toBeGreaterThanOrEqual(seenCounts[i - 1]!);
    console.log(`rows after each kill: ${seenCounts.join(', ')} of ${files.length}`);
  });
});
