// The long commands run again with glibc's allocator tuned ([Note: glibc malloc in long-running commands]):
// which command lines do, and, for real on Linux, that the relaunched `watch` has the settings, its model
// process does not, one Ctrl-C reaches it once, and it dies with the process that started it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoAlbum } from '../main/core/toy-world/demo-album.ts';
import { CLI, runPhotobind } from '../main/core/cli/cli-process.test-support.ts';
import { coreEnvironment, MALLOC_TUNING, wantsMallocTuning, withoutMallocTuning } from './malloc-tuning.js';

describe('wantsMallocTuning', () => {
  it('picks the long commands on Linux, wherever the global options stand, and never over a setting of the user', () => {
    expect(wantsMallocTuning(['index', '/photos'], {}, 'linux')).toBe(true);
    expect(wantsMallocTuning(['--library', '/lib', '--models', 'toy', 'watch'], {}, 'linux')).toBe(true);
    expect(wantsMallocTuning(['--json', 'serve', '--port', '0'], {}, 'linux')).toBe(true);
    expect(wantsMallocTuning(['--library', 'index', 'search', 'cats'], {}, 'linux')).toBe(false); // a library folder named "index"
    expect(wantsMallocTuning(['search', 'index cards'], {}, 'linux')).toBe(false);
    expect(wantsMallocTuning(['--help'], {}, 'linux')).toBe(false);
    expect(wantsMallocTuning(['index'], { MALLOC_ARENA_MAX: '4' }, 'linux')).toBe(false);
    expect(wantsMallocTuning(['index'], { PHOTOBIND_MALLOC_TUNED: Object.keys(MALLOC_TUNING).join(',') }, 'linux')).toBe(false);
    expect(wantsMallocTuning(['index'], {}, 'darwin')).toBe(false);
  });
});

describe('coreEnvironment and withoutMallocTuning', () => {
  it('add the settings for a core on Linux only, and give its model process the environment back as it was', () => {
    const env = { PATH: '/usr/bin', HOME: '/home/ann' };
    const core = coreEnvironment(env, 'linux');
    expect(core).toEqual({ ...env, ...MALLOC_TUNING, PHOTOBIND_MALLOC_TUNED: Object.keys(MALLOC_TUNING).join(',') });
    expect(withoutMallocTuning(core)).toEqual(env);
    expect(coreEnvironment(env, 'win32')).toBe(env);
    expect(coreEnvironment({ ...env, MALLOC_ARENA_MAX: '8' }, 'linux')).toEqual({ ...env, MALLOC_ARENA_MAX: '8' });
    expect(withoutMallocTuning({ ...env, MALLOC_ARENA_MAX: '8' })).toEqual({ ...env, MALLOC_ARENA_MAX: '8' }); // the user's own stays
  });
});

/** NAME=value pairs of a running process (Linux /proc). */
async function environOf(pid: number): Promise<Map<string, string>> {
  const text = await fs.readFile(`/proc/${pid}/environ`, 'utf8');
  return new Map(text.split('\0').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await fs.readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(tasks.map((task) => fs.readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.trim().split(/\s+/).filter(Boolean).map(Number));
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const alive = (pid: number) => fs.stat(`/proc/${pid}`).then(() => true, () => false);

describe.skipIf(process.platform !== 'linux')('the relaunched watch (Linux: reads /proc)', () => {
  let tmp: string;
  let album: string;
  let library: string;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-malloc-'));
    album = path.join(tmp, 'album');
    library = path.join(tmp, 'library');
    await renderDemoAlbum({ outDir: album, count: 6, seed: 5 });
    const indexed = await runPhotobind(['--library', library, '--models', 'toy', 'index', album]);
    expect(indexed.code, indexed.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

  function startWatch(): { launcher: ChildProcessByStdio<null, Readable, Readable>; output: () => string; exited: Promise<number | null> } {
    const launcher = spawn(process.execPath, [CLI, '--library', library, '--models', 'toy', 'watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    launcher.stdout.on('data', (d: Buffer) => (output += d.toString()));
    launcher.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return { launcher, output: () => output, exited: new Promise((resolve) => launcher.on('exit', (code) => resolve(code))) };
  }

  it('runs the command with the settings and its model process without; one Ctrl-C stops it cleanly', async () => {
    const watch = startWatch();
    await until(() => Promise.resolve(watch.output().includes('Watching 1 folder') ? true : undefined), `"Watching 1 folder" in ${watch.output()}`);
    const [command] = await childrenOf(watch.launcher.pid!);
    const env = await environOf(command!);
    for (const [name, value] of Object.entries(MALLOC_TUNING)) expect(env.get(name)).toBe(value);
    // A photo added makes the watch index it: its model process starts, with glibc's defaults.
    await fs.copyFile(path.join(album, (await fs.readdir(album)).find((f) => f.endsWith('.jpg'))!), path.join(album, 'copy.jpg'));
    const modelProcess = await until(async () => (await childrenOf(command!))[0], 'the model process');
    const modelEnv = await environOf(modelProcess);
    for (const name of [...Object.keys(MALLOC_TUNING), 'PHOTOBIND_MALLOC_TUNED']) expect(modelEnv.has(name)).toBe(false);
    watch.launcher.kill('SIGINT');
    expect(await watch.exited, watch.output()).toBe(0); // one signal: a clean stop (two would quit with 130)
    expect(await alive(command!)).toBe(false);
  }, 120_000);

  it('dies with the process that started it, as a killed command does', async () => {
    const watch = startWatch();
    await until(() => Promise.resolve(watch.output().includes('Watching 1 folder') ? true : undefined), `"Watching 1 folder" in ${watch.output()}`);
    const [command] = await childrenOf(watch.launcher.pid!);
    watch.launcher.kill('SIGKILL');
    await watch.exited;
    await until(async () => ((await alive(command!)) ? undefined : true), 'the relaunched command to end');
  }, 120_000);
});
