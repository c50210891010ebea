// Tests the render-demo command line as the training pipeline calls it: a real child process, real files.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from './demo-album.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const cli = ['bin/run-ts.js', 'main/core/toy-world/render-demo.cli.ts'];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('render-demo CLI', () => {
  it('renders an album of the requested size with progress on stderr', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'pb-render-demo-'));
    dirs.push(out);
    const { stdout, stderr } = await run(process.execPath, [...cli, '--out', out, '--count', '3', '--seed', '5', '--width', '96', '--height', '64'], { cwd: repoRoot });
    expect(stdout).toBe('');
    expect(stderr).toContain('wrote 3 images');
    const entries = await readManifest(path.join(out, 'manifest.jsonl'));
    expect(entries.map((e) => e.file)).toEqual(['pb-5-00000.jpg', 'pb-5-00001.jpg', 'pb-5-00002.jpg']);
    const meta = await sharp(path.join(out, 'pb-5-00002.jpg')).metadata();
    expect([meta.width, meta.height]).toEqual([96, 64]);
  });

  it('rejects a bad count with a non-zero exit', async () => {
    await expect(run(process.execPath, [...cli, '--out', path.join(tmpdir(), 'pb-unused'), '--count', 'many'], { cwd: repoRoot })).rejects.toThrow(/count/);
  });
});
