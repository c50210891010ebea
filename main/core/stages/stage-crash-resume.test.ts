// kill -9 in each stage, then resume: every photo gets each stage exactly once (files/metadata/thumbnail
// without a search model, then the embed stage catching up once the model is installed).
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../cli/cli-process.test-support.ts';
import { MODELS, modelFiles } from '../models/model-catalog.ts';
import { closedPortUrl, startLocalHub, type LocalHub } from '../models/local-hub.test-support.ts';
import { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

let tmp: string;
let album: string;
let library: string;
let files: string[];
let hub: LocalHub;

/** The real default search model's files, served with the toy CLIP's bytes (same family and I/O). */
async function hubServingToyClipAsDefault(): Promise<LocalHub> {
  const real = MODELS['Xenova/clip-vit-base-patch32']!;
  const twin = MODELS['photobind/toy-clip']!;
  if (twin.source.kind !== 'bundled') throw new Error('toy-clip is bundled');
  const served: Record<string, Buffer> = {};
  const names = modelFiles(real, real.defaultDtype);
  for (const [i, name] of modelFiles(twin, 'fp32').entries()) served[names[i]!] = await fs.readFile(path.join(twin.source.folder, name));
  return startLocalHub({ [real.id]: served });
}

/** Counts stored rows and rows embedded by the default search model (read while another process writes). */
async function counts(): Promise<{ rows: number; embedded: number; paths: string[] }> {
  const store = await PhotoStoreRepository.open(path.join(library, 'db'), { readOnly: true });
  try {
    const photos = await store.listPhotos();
    return { rows: photos.length, embedded: photos.filter((p) => p.modelId === 'Xenova/clip-vit-base-patch32').length, paths: photos.map((p) => p.path) };
  } finally {
    store.close();
  }
}

function runIndex(hubUrl: string, killWhen?: () => Promise<boolean>): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'index', album, '--library', library, '--models', 'default', '--batch-size', '4'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PHOTOBIND_HUB_URL: hubUrl },
    });
    let stderr = '';
    let exited = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal, stderr });
    });
    if (killWhen) {
      void (async () => {
        while (!exited) {
          if (await killWhen().catch(() => false)) return void child.kill('SIGKILL');
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
    }
  });
}

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-stage-kill-')));
  album = path.join(tmp, 'album');
  library = path.join(tmp, 'library');
  files = (await renderDemoAlbum({ outDir: album, count: 60, seed: 81 })).files;
  hub = await hubServingToyClipAsDefault();
});
afterAll(async () => {
  await hub?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('kill -9 in each stage', () => {
  it('files, metadata and thumbnails without a search model, then the embed stage: each exactly once', async () => {
    const offline = await closedPortUrl();
    // Stage files/metadata/thumbnail (no search model): killed once some rows are committed.
    const first = await runIndex(offline, async () => (await counts()).rows > 0);
    const listed = await runIndex(offline);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(/clip-vit-base-patch32/); // says which model is missing
    if (first.code === 0) console.warn('the first run finished before the kill; the resume was not exercised');
    const afterFiles = await counts();
    expect(afterFiles.paths.sort()).toEqual([...files].sort());
    expect(afterFiles.embedded).toBe(0);

    // Stage embed (the model arrives from the Hub): killed once some vectors are committed, then resumed.
    const killed = await runIndex(hub.url, async () => {
      const c = await counts();
      return c.embedded > 0 && c.embedded < files.length;
    });
    const final = await runIndex(hub.url);
    expect(final.code).toBe(0);
    const done = await counts();
    expect(done.paths.sort()).toEqual([...files].sort()); // every photo once: no duplicates, none lost
    expect(done.embedded).toBe(files.length);
    expect(killed.signal === 'SIGKILL' || killed.code === 0).toBe(true);
  }, 600_000);
});
