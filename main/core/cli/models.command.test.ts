// `photobind models list|pull|import|remove` end to end in child processes, downloading from a local
// HTTP server in the Hub's layout (PHOTOBIND_HUB_URL), never the internet.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelStatus } from '../models/model-install.service.ts';
import { parseJsonRun, runPhotobind, type CliRun } from './cli-process.test-support.ts';
import { asHubRepo, clipFixture, closedPortUrl, startLocalHub, writeFolder, type LocalHub } from '../models/local-hub.test-support.ts';

const ID = 'Xenova/clip-vit-base-patch32';
let tmp: string;
let library: string;
let hub: LocalHub;

function photobind(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return runPhotobind(['--library', library, ...args], env);
}

async function json<T>(...args: string[]): Promise<T> {
  return parseJsonRun<T>(await photobind({ PHOTOBIND_HUB_URL: hub.url }, ...args, '--json'));
}

const fixture = await clipFixture();

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-models-cli-'));
  library = path.join(tmp, 'library');
  hub = await startLocalHub({ [ID]: asHubRepo(fixture, ID, ['q8']) });
});
afterAll(async () => {
  await hub.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('photobind models', () => {
  it('pull downloads into the library and list shows it installed, with its sets', async () => {
    const pulled = await json<{ id: string; dtype: string; folder: string; alreadyInstalled: boolean }>('models', 'pull', ID);
    expect(pulled).toMatchObject({ id: ID, dtype: 'q8', folder: path.join(library, 'models', 'Xenova', 'clip-vit-base-patch32'), alreadyInstalled: false });
    const listed = await json<{ modelSet: string; models: ModelStatus[] }>('models', 'list');
    expect(listed.modelSet).toBe('default');
    expect(listed.models.find((m) => m.id === ID)).toMatchObject({ task: 'clip', family: 'clip', licence: 'MIT', languages: ['en'], installed: true, origin: 'download', dtype: 'q8', sets: ['default'] });
    expect(listed.models.find((m) => m.id === 'onnx-community/siglip2-base-patch16-224-ONNX')).toMatchObject({ installed: false, sets: ['multilingual'] });
    expect(listed.models.find((m) => m.id === 'photobind/toy-siglip')).toMatchObject({ family: 'siglip', languages: ['en', 'th'], installed: true, origin: 'bundled', sets: ['toy-multilingual'] });
  });

  it('remove deletes it; import puts a folder in its place', async () => {
    expect(await json<{ removed: boolean; usedByLibrarySet: string | null }>('models', 'remove', ID)).toMatchObject({ removed: true, usedByLibrarySet: 'default' });
    const source = path.join(tmp, 'from-another-computer');
    await writeFolder(source, fixture.files);
    expect(await json<{ id: string; dtype: string }>('models', 'import', source, '--as', ID)).toMatchObject({ id: ID, dtype: 'fp32' });
    const text = await photobind({}, 'models', 'list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\*\s+Xenova\/clip-vit-base-patch32\s+search\s+clip\s+.*MIT\s+en\s+imported \(fp32\)\s+default/);
  });

  it('offline, pull fails with one sentence naming import and --models toy; a bad --dtype is refused', async () => {
    const offline = await photobind({ PHOTOBIND_HUB_URL: await closedPortUrl() }, 'models', 'pull', 'onnx-community/siglip2-base-patch16-224-ONNX');
    expect(offline.code).toBe(1);
    expect(offline.stdout).toBe('');
    expect(offline.stderr).toMatch(/^photobind: library .*\nphotobind: The search model onnx-community\/siglip2-base-patch16-224-ONNX could not be downloaded: Could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); .*`photobind models import DIR --as onnx-community\/siglip2-base-patch16-224-ONNX`, or try the offline demo with `--models toy`\.\n$/);
    const bad = await photobind({}, 'models', 'pull', ID, '--dtype', 'int3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--dtype is one of fp32, fp16, q8, q4, q4f16 \(got "int3"\)/);
  });
});
