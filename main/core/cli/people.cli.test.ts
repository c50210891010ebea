// `photobind people` end to end in child processes with the real face model on the shared real-face photos: on/off, grouping, names from XMP, naming, merging, info faces, search --person and a library question.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACES_DIR, FACES_SKIP_NOTE, IMMICH_ASSETS } from '../faces/face-test-set.ts';
import { boxOverlap, findXmpPacket, parseMwgRegions, readPhotoFaceRegions, toDisplayedFaceRegions } from '../faces/xmp-face-regions.ts';
import { cliFor } from './cli-process.test-support.ts';

let tmp: string;
let album: string;
let library: string;

const { photobind, json } = cliFor(() => library);

interface Person {
  id: string;
  name: string | null;
  faces: number;
  photos: string[];
}

const photo = (name: string) => path.join(album, name);
/** Each step runs several CLI processes (and the model process): minutes on a busy 2-core machine. */
const SLOW = 600_000;

describe.skipIf(!FACES_DIR || !IMMICH_ASSETS)(`photobind people (${FACES_DIR && IMMICH_ASSETS ? 'real faces' : FACES_SKIP_NOTE})`, () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-people-'));
    album = path.join(tmp, 'album');
    library = path.join(tmp, 'library');
    await fs.mkdir(album);
    for (const name of ['obama-1.jpg', 'obama-2.jpg', 'biden-1.jpg', 'two-people.jpg']) await fs.copyFile(path.join(FACES_DIR!, name), photo(name));
    await fs.copyFile(path.join(IMMICH_ASSETS!, 'metadata/faces/portrait-orientation-6.jpg'), photo('curie.jpg'));
    await fs.copyFile(path.join(IMMICH_ASSETS!, 'albums/nature/prairie_falcon.jpg'), photo('falcon.jpg'));
    const indexed = await json<{ indexed: number; faces: unknown }>('index', album, '--models', 'toy');
    expect(indexed).toMatchObject({ indexed: 6, faces: null }); // face grouping is opt-in
  }, SLOW);
  afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

  it('says how to turn face grouping on while it is off', async () => {
    const run = await photobind('people');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('photobind people on');
  }, SLOW);

  it('groups the faces into people, names people from XMP regions, and answers by person', async () => {
    expect(await json('people', 'on')).toMatchObject({ faceGrouping: true });
    // A photo added now gets its faces in the index pass itself (the faces stage, on the same decode).
    await fs.copyFile(path.join(FACES_DIR!, 'obama-partial-face.jpg'), photo('obama-partial-face.jpg'));
    expect(await json('index', album)).toMatchObject({ indexed: 1, faces: { scanned: 0, found: 0 } });
    const people = await json<Person[]>('people');
    const byPhotos = (names: string[]) => people.find((p) => JSON.stringify(p.photos) === JSON.stringify(names.map(photo).sort()));
    const obama = byPhotos(['obama-1.jpg', 'obama-2.jpg', 'obama-partial-face.jpg', 'two-people.jpg']);
    const biden = byPhotos(['biden-1.jpg', 'two-people.jpg']);
    expect(obama).toMatchObject({ name: null, faces: 4 });
    expect(biden).toMatchObject({ name: null, faces: 2 });
    // The Curies have one face each: listed because the photo's XMP regions name them.
    expect(people.filter((p) => p.name).map((p) => [p.name, p.photos]).sort()).toEqual([
      ['Marie Curie', [photo('curie.jpg')]],
      ['Pierre Curie', [photo('curie.jpg')]],
    ]);
    expect(people).toHaveLength(4);

    expect(await json('people', 'name', obama!.id, 'Barack Obama')).toMatchObject({ id: obama!.id, name: 'Barack Obama', faces: 4 });

    const info = await json<{ faces: Array<{ box: { x: number; y: number; width: number; height: number }; person: string; name: string | null }> }>('info', photo('two-people.jpg'));
    const [left, right] = [...info.faces].sort((a, b) => a.box.x - b.box.x);
    expect(left).toMatchObject({ person: obama!.id, name: 'Barack Obama' });
    expect(right).toMatchObject({ person: biden!.id, name: null });
    for (const v of Object.values(left!.box)) expect(v).toBeGreaterThanOrEqual(0);
    expect(left!.box.x + left!.box.width).toBeLessThanOrEqual(1);

    // A description combined with --person ranks only that person's photos.
    const hits = await json<Array<{ path: string }>>('search', 'a man in a suit', '--person', 'Barack Obama');
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) expect(obama!.photos).toContain(hit.path);
    // A query word that is a named person's first name is the same filter; a name alone lists their photos.
    expect((await json<Array<{ path: string }>>('search', 'barack')).map((h) => h.path).sort()).toEqual(obama!.photos);
    const unknown = await photobind('search', 'beach', '--person', 'Nobody Here');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Nobody is named "Nobody Here"');

    const answer = await json<{ answer: string; photos: string[] }>('ask', '--library-wide', 'how many photos of Barack Obama?');
    expect(answer.answer).toBe('I found 4 photos of barack obama.');
    expect(answer.photos.sort()).toEqual(obama!.photos);
  }, SLOW);

  it('writes the named faces to XMP sidecars that read back onto the same faces, orientation included', async () => {
    const written = await json<Array<{ path: string; sidecar: string; faces: number }>>('people', 'write-xmp');
    const curie = written.find((w) => w.path === photo('curie.jpg'))!;
    expect(curie).toMatchObject({ sidecar: photo('curie.xmp'), faces: 2 });
    expect(written.find((w) => w.path === photo('two-people.jpg'))).toMatchObject({ faces: 1 }); // only Obama is named there
    // The Curie photo is stored sideways (orientation 6): the sidecar's regions, read back upright, lie on
    // the regions another tool embedded in the photo.
    const image = { width: 840, height: 700, orientation: 6 };
    const fromSidecar = await readPhotoFaceRegions(photo('curie.jpg'), image);
    expect(fromSidecar?.source).toBe('sidecar');
    const embedded = toDisplayedFaceRegions(parseMwgRegions(findXmpPacket(await fs.readFile(photo('curie.jpg')))!)!, image);
    for (const region of fromSidecar!.regions) {
      const original = embedded.find((e) => e.name === region.name)!;
      expect(boxOverlap(region.box, original.box), region.name ?? '').toBeGreaterThan(0.3);
    }
  }, SLOW);

  it('merges two people, and switching face grouping off deletes every face and name', async () => {
    const people = await json<Person[]>('people');
    const marie = people.find((p) => p.name === 'Marie Curie')!;
    const pierre = people.find((p) => p.name === 'Pierre Curie')!;
    expect(await json('people', 'merge', marie.id, pierre.id)).toMatchObject({ id: marie.id, name: 'Marie Curie', faces: 2 });
    expect((await json<Person[]>('people')).map((p) => p.name)).not.toContain('Pierre Curie');

    expect(await json('people', 'off')).toEqual({ faceGrouping: false });
    expect(await json<{ faces: unknown[] }>('info', photo('two-people.jpg'))).toMatchObject({ faces: [] });
    const db = path.join(library, 'db');
    expect(await fs.readdir(db)).not.toContain('people.json');
    // The face tables were dropped (recreated empty): no data files are left.
    for (const table of ['faces.lance', 'face_scans.lance']) expect(await fs.readdir(path.join(db, table, 'data')).catch(() => [])).toEqual([]);
  }, SLOW);
});
