// Reading commands open the library read-only ([Note: read-only library access]): while another process
// holds the library's lock (the app, an `index`), the real `search`, `similar`, `status`, `info` and
// `problems` answer at once and leave every file of the library as it was (same names, sizes and times).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../models/model-catalog.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { runPhotobind } from './cli-process.test-support.ts';

let tmp: string;
let album: string;
let library: string;
let files: string[];
let holder: ChildProcess | undefined;

/** Every file and folder under `dir` with its size and modification time. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const stat = await fs.lstat(full);
    out.push(`${path.relative(dir, full)} ${entry.isDirectory() ? 'dir' : stat.size} ${stat.mtimeMs}`);
  }
  return out.sort();
}

/** Another process that takes the library's lock and holds it until killed. */
async function holdLock(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'run-ts.js'), path.join(REPO_ROOT, 'main/core/library/library-lock.test-support.ts'), library, '600000', path.join(tmp, 'lock.log'), 'photobind index (the other process)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
  return child;
}

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-read-only-')));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  const rendered = await renderDemoAlbum({ outDir: album, count: 4, seed: 37 });
  await fs.rm(rendered.manifestPath);
  files = rendered.files;
  await fs.writeFile(path.join(album, 'broken.jpg'), 'not a picture');
  expect((await runPhotobind(['index', album, '--models', 'toy'], { PHOTOBIND_LIBRARY: library })).code).toBe(0);
}, 300_000);

afterAll(async () => {
  holder?.kill('SIGKILL');
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('reading commands while another process holds the library', () => {
  it('answer without waiting and write nothing to the library', async () => {
    holder = await holdLock();
    const before = await snapshot(library);
    const env = { PHOTOBIND_LIBRARY: library };
    const runs = await Promise.all([
      runPhotobind(['search', 'a red car', '--models', 'toy', '--json'], env),
      runPhotobind(['status', '--models', 'toy', '--json'], env),
      runPhotobind(['info', files[0]!, '--models', 'toy', '--json'], env),
      runPhotobind(['problems', '--models', 'toy', '--json'], env),
      runPhotobind(['similar', files[1]!, '--models', 'toy', '--json'], env),
    ]);
    const quiet = (stderr: string) => stderr.replace(/^photobind: library .*\n/, '');
    expect(runs.map((r) => [r.code, quiet(r.stderr)])).toEqual(runs.map(() => [0, '']));
    const [search, status, info, problems, similar] = runs.map((r) => JSON.parse(r.stdout) as unknown);
    expect((search as unknown[]).length).toBeGreaterThan(0);
    expect(status).toMatchObject({ photos: 4 });
    expect(info).toMatchObject({ path: files[0] });
    expect((problems as Array<{ path: string }>).map((p) => p.path)).toEqual([path.join(album, 'broken.jpg')]);
    expect((similar as Array<{ path: string }>)[0]!.path).toBe(files[1]);
    expect(await snapshot(library)).toEqual(before);

    // Another model set named on a reading command is remembered for the library (README: "--models SET …
    // remembered per library"): its settings file is the one thing written, nothing of the store.
    const other = await runPhotobind(['status', '--models', 'toy-multilingual', '--json'], env);
    expect([other.code, quiet(other.stderr)]).toEqual([0, '']);
    const changed = (await snapshot(library)).filter((entry) => !before.includes(entry)).map((entry) => entry.split(' ')[0]);
    expect(changed).toEqual(['settings.json']);
    expect(JSON.parse(await fs.readFile(path.join(library, 'settings.json'), 'utf8'))).toMatchObject({ modelSet: 'toy-multilingual' });
  }, 300_000);

  it('a library that does not exist yet is read as empty and not created', async () => {
    const missing = path.join(tmp, 'no-library-here');
    const status = await runPhotobind(['status', '--models', 'toy', '--json'], { PHOTOBIND_LIBRARY: missing });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ photos: 0 });
    await expect(fs.stat(missing)).rejects.toThrow();
  }, 120_000);
});
