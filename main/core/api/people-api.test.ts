// The people domain of the API in-process, against a real core on a temp library with the real face model on the shared real-face photos.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { FACES_DIR, FACES_SKIP_NOTE } from '../faces/face-test-set.ts';
import { indexJobEnded, openApiTestLibrary, type ApiTestLibrary } from './api-test-library.test-support.ts';
import { TRANSPORTS } from './transport-pairs.test-support.ts';

const SLOW = 600_000;

describe.skipIf(!FACES_DIR)(`the people API (${FACES_DIR ? 'real faces, in-process' : FACES_SKIP_NOTE})`, () => {
  let lib: ApiTestLibrary;
  let album: string;
  let client: PhotobindClient;

  beforeAll(async () => {
    lib = await openApiTestLibrary({
      prefix: 'photobind-people-api-',
      transport: TRANSPORTS.find((t) => t.name === 'in-process')!,
      fill: async (out) => {
        for (const name of ['obama-1.jpg', 'obama-2.jpg', 'biden-1.jpg', 'two-people.jpg']) await fs.copyFile(path.join(FACES_DIR!, name), path.join(out, name));
      },
    });
    ({ album, client } = lib);
    const done = indexJobEnded(client);
    await client.library.addFolder({ path: album });
    expect(await done).toMatchObject({ state: 'done', summary: { indexed: 4 } });
  }, SLOW);

  afterAll(async () => {
    await lib?.close();
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
