// One set of rules for adding a folder: the CLI (`photobind index DIR`) and the app's API refuse the same
// folders with the same sentences, and both treat a folder inside a library folder the same way.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, serve } from '../../../common/api/rpc.ts';
import { photobindApi, type PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { inProcessTransportPair } from '../../../common/api/transports/in-process.transport.ts';
import { LibrarySession } from '../api/library-session.ts';
import { createPhotobindApi } from '../api/photobind-api.ts';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';

let dir: string;
let libraryDir: string;
let album: string;
let session: LibrarySession;
let client: PhotobindClient;

beforeAll(async () => {
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pb-folders-')));
  libraryDir = path.join(dir, 'library');
  album = path.join(dir, 'album');
  await renderDemoAlbum({ outDir: path.join(album, 'trip'), count: 2, seed: 9 });
  session = await LibrarySession.open({ libraryDir, modelSet: 'toy', watch: false, catchUp: false, log: () => {} });
  const [serverSide, clientSide] = inProcessTransportPair();
  serve(createPhotobindApi(session), serverSide);
  client = createClient(photobindApi, clientSide);
});
afterAll(async () => {
  await session?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** The sentence the API gives for a folder, or null when it accepts it. */
async function apiSentence(folder: string): Promise<string | null> {
  try {
    await client.library.addFolder({ path: folder });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('adding a folder', () => {
  it('the CLI and the API refuse the same folders with the same sentences', async () => {
    const file = path.join(album, 'trip', (await fs.readdir(path.join(album, 'trip'))).find((f) => f.endsWith('.jpg'))!);
    const inside = path.join(libraryDir, 'somewhere');
    await fs.mkdir(inside, { recursive: true });
    const cases = [path.join(dir, 'missing'), file, libraryDir, inside];
    for (const folder of cases) {
      const sentence = await apiSentence(folder);
      expect(sentence, folder).not.toBeNull();
      const cli = await runPhotobind(['index', folder, '--library', libraryDir, '--models', 'toy']);
      expect(cli.code, folder).not.toBe(0);
      expect(cli.stderr.replace(/^photobind: library .*\n/, '').trim()).toBe(`photobind: ${sentence}`);
    }
  }, 300_000);

  it('a folder inside a library folder is not added again: the API says so, the CLI indexes it as part of that folder', async () => {
    expect(await apiSentence(album)).toBeNull();
    const nested = path.join(album, 'trip');
    const sentence = await apiSentence(nested);
    expect(sentence).toBe(`${nested} is already in the library, as part of ${album}.`);
    const cli = await runPhotobind(['index', nested, '--library', libraryDir, '--models', 'toy']);
    expect(cli.code).toBe(0);
    expect(cli.stderr).toContain(sentence!);
    const settings = JSON.parse(await fs.readFile(path.join(libraryDir, 'settings.json'), 'utf8')) as { roots: string[] };
    expect(settings.roots).toEqual([album]);
  }, 300_000);
});
