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

/**
 * Resolves once this run has committed some photos: index-state.json holds the pending count, written
 * when work starts and again after each commit, so a drop in it means rows were committed.
 */
async function progressCommitted(since: number): Promise<void> {
  let first: number | undefined;
  for (;;) {
    const file = path.join(library, 'index-state.json');
    const stat = await fs.stat(file).catch(() => null);
    if (stat && stat.mtimeMs > since) {
      const pending = (JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as { pending?: number }).pending;
      if (pending !== undefined) {
        first ??= pending;
        if (pending < first) return;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function runIndex(killAfter?: () => Promise<void>): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'index', album, '--library', library, '--models', 'toy', '--json', '--batch-size', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (killAfter) void killAfter().then(() => child.kill('SIGKILL'));
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
    // Kill at varied moments while work is under way: 0–300 ms after a commit was seen.
    const kills = [0, 120, 300];
    const seenCounts: number[] = [];
    for (const delay of kills) {
      const started = Date.now();
      const run = await runIndex(async () => {
        await progressCommitted(started);
        await new Promise((r) => setTimeout(r, delay));
      });
      const store = await PhotoStoreRepository.open(path.join(library, 'db'));
      seenCounts.push(await store.countPhotos());
      store.close();
      if (run.code === 0) break; // finished before the kill: later kills would test nothing new
    }
    const final = await runIndex();
    expect(final.code, final.stderr).toBe(0);
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
    expect(seenCounts.some((count) => count > 0 && count < files.length)).toBe(true); // some kill really hit mid-index
  });
});
