// The people domain of the API in-process, against a real core on a temp library with the real face model on the shared real-face photos.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photobindApi, type IndexJobState, type PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { createClient, serve } from '../../../common/api/rpc.ts';
import { FACES_DIR, FACES_SKIP_NOTE } from '../faces/face-test-set.ts';
import { LibrarySession } from './library-session.ts';
import { createPhotobindApi } from './photobind-api.ts';
import { TRANSPORTS, type TransportPair } from './transport-pairs.test-support.ts';

const SLOW = 600_000;

describe.skipIf(!FACES_DIR)(`the people API (${FACES_DIR ? 'real faces, in-process' : FACES_SKIP_NOTE})`, () => {
  let dir: string;
  let album: string;
  let session: LibrarySession;
  let pair: TransportPair;
  let client: PhotobindClient;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-people-api-'));
    album = path.join(dir, 'album');
    await fs.mkdir(album);
    for (const name of ['obama-1.jpg', 'obama-2.jpg', 'biden-1.jpg', 'two-people.jpg']) await fs.copyFile(path.join(FACES_DIR!, name), path.join(album, name));
    session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
    pair = await TRANSPORTS.find((t) => t.name === 'in-process')!.open();
    serve(createPhotobindApi(session), pair.server);
    client = createClient(photobindApi, pair.client);
    const done = new Promise<IndexJobState>((resolve) => client.on('onDidIndexProgress', (s) => ['done', 'failed', 'cancelled'].includes(s.state) && resolve(s)));
    await client.library.addFolder({ path: album });
    expect(await done).toMatchObject({ state: 'done', summary: { indexed: 4 } });
  }, SLOW);

  afterAll(async () => {
    await pair?.close();
    await session?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is off until switched on; then lists people with a face to show, names and merges them', async () => {
    expect(await client.people.list({})).toEqual({ enabled: false, people: [] });
    expect(await client.people.facesOf({ path: path.join(album, 'two-people.jpg') })).toEqual({ faces: [] });
    expect(await client.people.setEnabled({ enabled: true })).toEqual({ enabled: true });

    const { enabled, people } = await client.people.list({});
    expect(enabled).toBe(true);
    expect(people.map((p) => p.faces)).toEqual([3, 2]); // Obama, Biden
    const [obama, biden] = people;
    expect(obama!.cover?.box.width).toBeGreaterThan(0);
    expect(obama!.photos).toContain(path.join(album, 'two-people.jpg'));

    expect((await client.people.rename({ id: biden!.id, name: 'Joe Biden' })).person).toMatchObject({ id: biden!.id, name: 'Joe Biden', faces: 2 });
    const { faces } = await client.people.facesOf({ path: path.join(album, 'two-people.jpg') });
    expect(faces.map((f) => f.name).sort()).toEqual(['Joe Biden', null]);
    await expect(client.people.rename({ id: '999', name: 'X' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.people.facesOf({ path: '/etc/passwd' })).rejects.toMatchObject({ code: 'not-found' });

    // Browsing with the person chip, and search by a named person's first name.
    expect((await client.photos.list({ offset: 0, limit: 50, filters: { person: 'Joe Biden' } })).total).toBe(2);
    const hits = await client.search.query({ text: 'joe' });
    expect(hits.hits.map((h) => h.photo.path).sort()).toEqual(biden!.photos);

    expect((await client.people.merge({ id: biden!.id, other: obama!.id })).person).toMatchObject({ name: 'Joe Biden', faces: 5 });
    expect(await client.people.setEnabled({ enabled: false })).toEqual({ enabled: false });
    expect(await client.people.list({ all: true })).toEqual({ enabled: false, people: [] });
  }, SLOW);
});
