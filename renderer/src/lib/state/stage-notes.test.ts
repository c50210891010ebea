// The sidebar's Pipeline notes in the app: a stage waiting for the search model points to the models box's
// Download / Import (never to CLI commands), over the real core's stage status with no search model installed.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../../../../main/core/photobind-core.ts';
import { stageNote } from './stage-notes.ts';

describe('stageNote over the core stage status, search model not installed', () => {
  let dir: string;
  let core: PhotobindCore;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-stage-notes-'));
    // The default set's search model is not installed in this private models folder (no download allowed).
    core = await PhotobindCore.open({ libraryDir: path.join(dir, 'library'), modelSet: 'default', allowDownload: false });
  });

  afterAll(async () => {
    await core?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('the CLI keeps its command; the app points to its own Download and Import', async () => {
    const stages = await core.stageStatus.stages();
    const embed = stages.embed!;
    expect(embed.note).toMatch(/photobind models pull/);
    expect(embed.wait).toEqual({ kind: 'model-missing', model: core.activeSearchModel });
    const inApp = stageNote(embed);
    expect(inApp).toBe(`Waiting for the search model ${core.activeSearchModel}: Download it, or Import a folder…, in the models box above the photos.`);
    const caption = stages.caption!;
    expect(caption.note).toMatch(/photobind caption --auto on/);
    expect(stageNote(caption)).toBe('Automatic captions are off.');
    for (const stage of Object.values(stages)) expect(stageNote(stage) ?? '').not.toMatch(/photobind |npm /);
  });
});
