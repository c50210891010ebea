// A photo Photobind may not read is in `problems`, and is read on the next run once its permissions
// are fixed (chmod changes neither its size nor its time). The real CLI runs as an unprivileged user
// (root reads everything), so this needs root to set up; it is skipped with a message otherwise.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
let tmp: string;
let album: string;
let library: string;

function photobindAsNobody(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: tmp, PHOTOBIND_LIBRARY: library } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!isRoot) return;
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-perm-'));
  await fs.chmod(tmp, 0o755);
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  const { manifestPath } = await renderDemoAlbum({ outDir: album, count: 3, seed: 19 });
  await fs.rm(manifestPath);
  await fs.mkdir(library);
  await fs.chown(library, NOBODY, NOBODY);
});
afterAll(async () => {
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe('a photo whose permissions are fixed', () => {
  it('is in problems while unreadable, and indexed on the next run once readable', async (context) => {
    if (!isRoot) {
      console.warn('permission-retry test skipped: it needs root to run the CLI as an unprivileged user.');
      return context.skip();
    }
    const locked = path.join(album, (await fs.readdir(album)).sort()[0]!);
    await fs.chmod(locked, 0o000);
    const first = await photobindAsNobody(['index', album, '--models', 'toy', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ indexed: 2, failed: 1 });
    const problems = JSON.parse((await photobindAsNobody(['problems', '--models', 'toy', '--json'])).stdout) as Array<{ path: string; reason: string }>;
    expect(problems.map((p) => p.path)).toEqual([locked]);
    expect(problems[0]!.reason).toMatch(/not allowed to read/);

    await fs.chmod(locked, 0o644);
    const second = await photobindAsNobody(['index', album, '--models', 'toy', '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ indexed: 1, failed: 0 });
    expect(JSON.parse((await photobindAsNobody(['problems', '--models', 'toy', '--json'])).stdout)).toEqual([]);
  }, 300_000);

  it('a folder Photobind may not read is in problems, and its photos are indexed once it is readable', async (context) => {
    if (!isRoot) {
      console.warn('permission-retry test skipped: it needs root to run the CLI as an unprivileged user.');
      return context.skip();
    }
    const folder = path.join(tmp, 'shut');
    const { manifestPath } = await renderDemoAlbum({ outDir: path.join(folder, 'inner'), count: 2, seed: 23 });
    await fs.rm(manifestPath);
    await fs.chmod(path.join(folder, 'inner'), 0o000);
    const first = await photobindAsNobody(['index', folder, '--models', 'toy', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ indexed: 0, failed: 1 });
    const problems = JSON.parse((await photobindAsNobody(['problems', '--models', 'toy', '--json'])).stdout) as Array<{ path: string; reason: string }>;
    expect(problems.map((p) => [p.path, p.reason])).toEqual([[path.join(folder, 'inner'), expect.stringMatching(/could not be read \(EACCES\)/)]]);

    await fs.chmod(path.join(folder, 'inner'), 0o755);
    const second = await photobindAsNobody(['index', folder, '--models', 'toy', '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ indexed: 2, failed: 0 });
    expect(JSON.parse((await photobindAsNobody(['problems', '--models', 'toy', '--json'])).stdout)).toEqual([]);
  }, 300_000);
});
