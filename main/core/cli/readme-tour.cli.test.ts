// The README's CLI tour, every command as written, run the way a new user runs it: right after
// `photobind demo`, in child processes with a private HOME and XDG folders, the real models' names
// served by a local Hub (their tiny twins' bytes), photos in ~/Pictures. Long-running commands (watch,
// serve) run until they say they are ready, then get SIGTERM, as Ctrl-C would stop them.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS, REPO_ROOT, onnxFileName, type ModelDtype } from '../models/model-catalog.ts';
import { startLocalHub, writeFolder, type LocalHub } from '../models/local-hub.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { CLI, runPhotobind, type CliRun } from './cli-process.test-support.ts';

let home: string;
let hub: LocalHub;
let env: Record<string, string>;

/** The files of a bundled twin under the names a hub model has at `dtype` (same bytes for every dtype). */
async function twinAsHub(id: string, dtypes: ModelDtype[]): Promise<Record<string, Buffer>> {
  const entry = MODELS[id]!;
  const twin = MODELS[entry.twin!]!;
  if (twin.source.kind !== 'bundled') throw new Error(`${twin.id} is not bundled`);
  const out: Record<string, Buffer> = {};
  for (const file of entry.files) out[file] = await fs.readFile(path.join(twin.source.folder, file));
  for (const dtype of dtypes) {
    for (const [i, stem] of entry.onnx.entries()) out[onnxFileName(stem, dtype)] = await fs.readFile(path.join(twin.source.folder, onnxFileName(twin.onnx[i]!, 'fp32')));
  }
  return out;
}

/** The README's ```sh block that follows `heading`, one command per line, comments dropped. */
async function readmeCommands(heading: string): Promise<string[]> {
  const readme = await fs.readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  expect(start, `README has a "${heading}" section`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
  return block.split('\n').map((line) => stripComment(line).trim()).filter((line) => line.startsWith('npx photobind'));
}

/** The line up to its comment, or up to a pipe (`| head -3`: the test reads the whole output instead). */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    if (!quoted && (line[i] === '#' || line[i] === '|') && /\s/.test(line[i - 1] ?? ' ')) return line.slice(0, i);
  }
  return line;
}

/** Shell words: double quotes group (and keep ~ as is, as a shell does), a leading ~ outside quotes is $HOME. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2]!.replace(/^~(?=\/|$)/, home));
  return out;
}

/** `[--force] [--xmp]`: the command without the optional parts, and with all of them. */
function variants(line: string): string[][] {
  const bare = line.replace(/\s*\[[^\]]*\]/g, '');
  const full = line.replace(/\[([^\]]*)\]/g, '$1');
  const all = [words(bare).slice(2)];
  if (full !== bare) all.push(words(full).slice(2));
  return all;
}

function photobind(args: string[]): Promise<CliRun> {
  return runPhotobind(args, env);
}

/** Runs a long-running command until stdout matches `ready`, then stops it as Ctrl-C would. */
function runUntil(args: string[], ready: RegExp): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Once: a second SIGTERM while the command stops would kill it mid-way (exit code null).
      if (!stopped && ready.test(stdout)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const OWN_LIBRARY = () => path.join(home, '.local', 'share', 'photobind', 'library');
const DEMO_LIBRARY = () => path.join(home, '.local', 'share', 'photobind', 'demo-library');

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-tour-'));
  hub = await startLocalHub({
    'Xenova/clip-vit-base-patch32': await twinAsHub('Xenova/clip-vit-base-patch32', ['q8', 'fp16']),
    'Xenova/vit-gpt2-image-captioning': await twinAsHub('Xenova/vit-gpt2-image-captioning', ['q8']),
    'onnx-community/nanoLLaVA-1.5': await twinAsHub('onnx-community/nanoLLaVA-1.5', ['q4']),
  });
  env = {
    HOME: home,
    USERPROFILE: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    PHOTOBIND_LIBRARY: '', // unset: the tour uses the default library
    PHOTOBIND_HUB_URL: hub.url,
  };
  // The user's photos: an album of a trip, one photo of their dog and one they remove, in ~/Pictures.
  const trip = path.join(home, 'Pictures', 'Trip');
  const rendered = await renderDemoAlbum({ outDir: trip, count: 12, seed: 11 });
  await fs.rm(rendered.manifestPath);
  await fs.copyFile(rendered.files[0]!, path.join(home, 'Pictures', 'rex.jpg'));
  await renderDemoAlbum({ outDir: path.join(home, '.cache', 'one'), count: 1, seed: 12 }).then((one) => fs.rename(one.files[0]!, path.join(home, 'Pictures', 'blurry.jpg')));
  // `models import ~/usb/clip-vit-base-patch32`: a model folder copied from another computer.
  await writeFolder(path.join(home, 'usb', 'clip-vit-base-patch32'), await twinAsHub('Xenova/clip-vit-base-patch32', ['q8']));
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await fs.rm(home, { recursive: true, force: true });
});

describe('the README tour, right after `photobind demo`', () => {
  it('`photobind demo` makes the demo library, which commands use until the user has a library', async () => {
    const demo = await photobind(['demo']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain(`Demo library: ${DEMO_LIBRARY()}`);
    // The line the demo ends with, as written.
    const tryMore = /Try more: npx photobind (search "red car at night")/.exec(demo.stdout);
    expect(tryMore).not.toBeNull();
    const search = await photobind(words(`npx photobind ${tryMore![1]!}`).slice(2));
    expect(search.code, search.stderr).toBe(0);
    expect(search.stderr).toContain(`photobind: library ${DEMO_LIBRARY()} (the demo library`);
    expect(search.stdout.split('\n')[0]).toContain(path.join(DEMO_LIBRARY(), 'demo-album'));
    const status = await photobind(['status']);
    expect(status.stdout).toMatch(/note: these are toy demo models/);
  }, 300_000);

  it('every command of "A tour of the CLI" works as written', async () => {
    const lines = await readmeCommands('## A tour of the CLI');
    expect(lines.length).toBeGreaterThanOrEqual(15);
    const seen: string[] = [];
    for (const line of lines) {
      for (const args of variants(line.replace('--out DIR --count N --seed S', `--out ${path.join(home, 'rendered')} --count 5 --seed 3`))) {
        const command = args[0]!;
        seen.push(command);
        let run: CliRun;
        if (command === 'watch') run = await runUntil(args, /Watching \d+ folder/);
        else if (command === 'serve') run = await runUntil(args, /^http:\/\/127\.0\.0\.1:\d+\/\S+/m);
        else run = await photobind(args);
        const what = `${line}\n${run.stdout}\n${run.stderr}`;
        expect(run.code, what).toBe(0);
        // Every command that uses a library says which one on stderr; from `index ~/Pictures` on it is the user's own.
        if (!args.includes('--out')) expect(run.stderr, what).toContain(`photobind: library ${OWN_LIBRARY()}\n`);
        if (command === 'similar') expect(run.stdout.split('\n')[0], what).toContain(path.join(home, 'Pictures', 'rex.jpg'));
        if (command === 'index') expect(run.stdout, what).toMatch(/Indexed 13 new photos, reused 1 /); // the trip, blurry.jpg; rex.jpg is a copy
        if (command === 'status') expect(run.stdout, what).toMatch(/Photos +14 indexed/); // the trip (12), rex.jpg and blurry.jpg
        if (command === 'caption' && args.includes('--xmp')) expect(run.stdout, what).toMatch(/Wrote 12 XMP sidecars/);
        if (command === 'demo') expect(run.stdout, what).toMatch(/Rendered 5 photos/);
        // The default set's ask model, served as published (no processor_config.json), answers.
        if (command === 'ask' && !args.includes('--library-wide')) expect(run.stdout.trim().length, what).toBeGreaterThan(0);
        if (args.includes('--paths')) {
          const printed = run.stdout.split('\n').filter(Boolean);
          expect(printed.length, what).toBeGreaterThan(0);
          for (const file of printed) expect(path.isAbsolute(file) && (await fs.stat(file)).isFile(), what).toBe(true);
        }
      }
    }
    expect(new Set(seen)).toEqual(new Set(['index', 'search', 'similar', 'info', 'status', 'problems', 'remove', 'watch', 'caption', 'ask', 'serve', 'demo']));
  }, 1_500_000);

  it('the Models section works as written', async () => {
    const lines = await readmeCommands('## Models');
    for (const line of lines) {
      for (const args of variants(line.replace('--as ID', '--as Xenova/clip-vit-base-patch32'))) {
        const run = await photobind(args);
        expect(run.code, `${line}\n${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stderr).toContain(`photobind: library ${OWN_LIBRARY()}\n`);
      }
    }
    expect(lines.map((l) => words(l)[3])).toEqual(['list', 'pull', 'import', 'remove']);
  }, 300_000);

  it('`--version` prints the version; `search --paths` prints only paths', async () => {
    const version = await photobind(['--version']);
    expect(version.stdout.trim()).toBe((JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const paths = await photobind(['search', 'a photo', '--paths', '--limit', '5']);
    expect(paths.code).toBe(0);
    const printed = paths.stdout.split('\n').filter(Boolean);
    expect(printed.length).toBeGreaterThan(0);
    for (const line of printed) expect(await fs.stat(line).then((s) => s.isFile())).toBe(true);
  }, 120_000);
});
