// The Photobind API contract over every Node transport, against a real core on a temp library
// (real LanceDB, real files; the toy models where they are installed).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photobindApi, type IndexJobState, type ModelSwitchState, type PhotobindClient } from '../../../common/api/photobind.contract.ts';
import { createClient, serve } from '../../../common/api/rpc.ts';
import { getModelSet } from '../models/model-catalog.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { LibrarySession } from './library-session.ts';
import { modelAvailability } from './model-availability.ts';
import { createPhotobindApi } from './photobind-api.ts';
import { indexJobEnded, openApiTestLibrary, type ApiTestLibrary } from './api-test-library.test-support.ts';
import { TRANSPORTS } from './transport-pairs.test-support.ts';

const toyModels = await modelAvailability(getModelSet('toy'), path.join(os.tmpdir(), 'photobind-no-cache'));
const hasToySearch = toyModels.find((m) => m.task === 'clip')!.available;

describe.each(TRANSPORTS)('the Photobind API over $name', (kind) => {
  let lib: ApiTestLibrary;
  let dir: string;
  let client: PhotobindClient;
  let album: string;

  beforeAll(async () => {
    lib = await openApiTestLibrary({ prefix: 'photobind-api-', transport: kind, fill: (out) => renderDemoAlbum({ outDir: out, count: 8, seed: 3 }) });
    ({ dir, album, client } = lib);
  });

  afterAll(async () => {
    await lib?.close();
  });

  it('describes an empty library', async () => {
    await expect(client.library.overview({})).resolves.toMatchObject({ photoCount: 0, problemCount: 0, roots: [], modelSet: 'toy' });
    await expect(client.library.facets({})).resolves.toEqual({ folders: [], cameras: [], firstDate: null, lastDate: null });
    await expect(client.photos.list({ offset: 0, limit: 50 })).resolves.toEqual({ total: 0, offset: 0, photos: [] });
    const settings = await client.settings.get({});
    expect(settings.modelSet).toBe('toy');
    expect(settings.models.map((m) => m.task)).toEqual(['clip', 'caption', 'ask']);
    expect(settings.libraryDir).toBe(path.join(dir, 'library'));
  });

  it('refuses bad folders with a bad-folder error that says what is wrong', async () => {
    await expect(client.library.addFolder({ path: path.join(dir, 'nope') })).rejects.toMatchObject({ code: 'bad-folder', message: expect.stringContaining('does not exist') as unknown });
    await expect(client.library.addFolder({ path: path.join(album, 'pb-3-00000.jpg') })).rejects.toMatchObject({ code: 'bad-folder', message: expect.stringContaining('is a file') as unknown });
    await expect(client.library.addFolder({ path: 'relative/photos' })).rejects.toMatchObject({ code: 'bad-folder', message: expect.stringContaining('full path') as unknown });
    await expect(client.library.addFolder({ path: path.join(dir, 'library') })).rejects.toMatchObject({ code: 'bad-folder', message: expect.stringContaining('own library folder') as unknown });
    await expect(client.library.addFolder({ path: '   ' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('answers unknown photos with not-found, never by reading the path', async () => {
    await expect(client.photos.get({ path: '/etc/passwd' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.photos.setCaption({ path: '/etc/passwd', caption: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(client.chat.conversation({ path: '/etc/passwd' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('turns an empty search into an invalid-query error', async () => {
    await expect(client.search.query({ text: '  ' })).rejects.toMatchObject({ code: 'invalid-query' });
  });

  it.runIf(!hasToySearch)('says clearly that indexing needs the search model when it is missing', async () => {
    const { job } = await client.library.addFolder({ path: album });
    const state = await indexJobEnded(client, job.id);
    expect(state).toMatchObject({ state: 'failed', error: { code: 'model-unavailable' } });
    expect(state.error?.message).toContain('photobind/toy-clip');
    await client.library.removeFolder({ path: job.roots[0]! });
  });

  it.runIf(hasToySearch)('adds a folder, reports progress until done, then lists, searches and captions its photos', async () => {
    const progress: IndexJobState[] = [];
    client.on('onDidIndexProgress', (state) => progress.push(state));
    const changed = new Promise((resolve) => client.on('onDidChangeLibrary', resolve));
    const { root, job } = await client.library.addFolder({ path: album });
    const state = await indexJobEnded(client, job.id);
    expect(state).toMatchObject({ state: 'done', summary: { indexed: 8, failed: 0 } });
    expect(progress.some((p) => p.state === 'running')).toBe(true);
    await changed;
    const overview = await client.library.overview({});
    expect(overview.photoCount).toBe(8);
    expect(overview.roots).toEqual([{ path: root, name: 'album', online: true, isDemo: false, photoCount: 8 }]);
    const page = await client.photos.list({ offset: 2, limit: 3 });
    expect(page.total).toBe(8);
    expect(page.photos).toHaveLength(3);
    // The album (seed 3, 8 photos) has dogs and no car: "a car" has no good matches, only weaker ones.
    const noCar = await client.search.query({ text: 'a car', limit: 5 });
    expect(noCar).toMatchObject({ goodMatches: false, hits: [] });
    expect(noCar.weaker.length).toBe(5);
    const { hits } = await client.search.query({ text: 'two black dogs on a street at night', limit: 5 });
    expect(hits.length).toBeGreaterThan(0);
    const similar = await client.search.similar({ path: hits[0]!.photo.path });
    expect(similar.hits[0]!.photo.path).toBe(hits[0]!.photo.path);
    const edited = await client.photos.setCaption({ path: hits[0]!.photo.path, caption: 'My own words' });
    expect(edited.photo).toMatchObject({ caption: 'My own words', captionEdited: true });
    await client.library.removeFolder({ path: root });
    await expect(client.library.overview({})).resolves.toMatchObject({ photoCount: 0, roots: [] });
  });
});

describe('switching the model set through the API', () => {
  it.runIf(hasToySearch)('re-embeds in the background with progress events, then searches with the new model', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'photobind-api-switch-'));
    const session = await LibrarySession.open({ libraryDir: path.join(dir, 'library'), modelSet: 'toy', watch: false, log: () => {} });
    const pair = await TRANSPORTS[0]!.open();
    try {
      serve(createPhotobindApi(session), pair.server);
      const client = createClient(photobindApi, pair.client);
      const album = path.join(dir, 'album');
      await renderDemoAlbum({ outDir: album, count: 8, seed: 5 });
      const { job } = await client.library.addFolder({ path: album });
      expect(await indexJobEnded(client, job.id)).toMatchObject({ state: 'done' });

      const states: ModelSwitchState[] = [];
      const done = new Promise<ModelSwitchState>((resolve) =>
        client.on('onDidModelSwitchProgress', (state) => {
          states.push(state);
          if (state.state === 'done' || state.state === 'failed') resolve(state);
        }),
      );
      const info = await client.settings.setModelSet({ modelSet: 'toy-multilingual' });
      expect(info.modelSet).toBe('toy-multilingual');
      expect(info.modelSwitch).toMatchObject({ from: 'photobind/toy-clip', to: 'photobind/toy-siglip' });
      expect(await done).toMatchObject({ state: 'done', total: 8, done: 8, failed: 0 });
      expect(states[0]!.state).toBe('running');
      const after = await client.settings.get({});
      expect(after.activeSearchModel).toBe('photobind/toy-siglip');
      // ("car": none in this album, so the photos come back as weaker matches, from the new model's vectors.)
      const { hits, weaker } = await client.search.query({ text: 'รถยนต์', limit: 3 });
      expect(hits.length + weaker.length).toBeGreaterThan(0);
      await expect(client.library.overview({})).resolves.toMatchObject({ photoCount: 8 });
    } finally {
      await pair.close();
      await session.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
