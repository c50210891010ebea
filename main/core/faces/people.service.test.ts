// Tests the people service over a real LanceDB faces repository in a temp dir: grouping as scans arrive, names, merges, corrections surviving a reopen, and the privacy switch.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32, type Rng } from '../toy-world/seeded-random.ts';
import { FacesRepository, type FaceScan } from '../storage/faces.repository.ts';
import { PeopleError, PeopleService } from './people.service.ts';

const MODEL = 'face-api/ssd-mobilenet-v1';

function gaussianVector(rng: Rng, norm: number): Float32Array {
  const v = Float32Array.from({ length: 128 }, () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng()));
  const scale = norm / Math.hypot(...v);
  return v.map((x) => x * scale);
}

const rng = mulberry32(5);
const centres = { ann: gaussianVector(rng, 0.6), bob: gaussianVector(rng, 0.6) };
function face(who: keyof typeof centres, x = 0.2) {
  const noise = gaussianVector(rng, 0.12);
  return { box: { x, y: 0.1, width: 0.2, height: 0.3 }, score: 0.9, descriptor: centres[who].map((v, i) => v + noise[i]!) };
}

let dir: string;
let repository: FacesRepository;
let paths: Map<string, string[]>;
let service: PeopleService;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'photobind-people-'));
  repository = await FacesRepository.open(dir);
  paths = new Map([
    ['h1', ['/photos/a.jpg']],
    ['h2', ['/photos/b.jpg', '/photos/copy/b.jpg']],
    ['h3', ['/photos/c.jpg']],
    ['h4', ['/photos/d.jpg']],
  ]);
  service = new PeopleService(repository, () => Promise.resolve(paths));
});
afterEach(async () => {
  repository.close();
  await rm(dir, { recursive: true, force: true });
});

const scans = (): FaceScan[] => [
  { contentHash: 'h1', faces: [face('ann')] },
  { contentHash: 'h2', faces: [face('ann', 0.1), face('bob', 0.6)] },
  { contentHash: 'h3', faces: [face('bob')] },
  { contentHash: 'h4', faces: [] },
];

describe('people service', () => {
  it('groups scanned faces into people with their photos, every copy listed', async () => {
    await service.addScans(scans(), MODEL);
    expect(await service.scannedHashes(MODEL)).toEqual(new Set(['h1', 'h2', 'h3', 'h4']));
    const people = await service.list();
    expect(people.map((p) => [p.faces, p.photos])).toEqual([
      [2, ['/photos/a.jpg', '/photos/b.jpg', '/photos/copy/b.jpg']],
      [2, ['/photos/b.jpg', '/photos/c.jpg', '/photos/copy/b.jpg']],
    ]);
    expect(people.every((p) => p.name === null)).toBe(true);
  });

  it('names and merges people, and the faces of a photo carry their names; all survives a reopen', async () => {
    await service.addScans(scans(), MODEL);
    const [first, second] = await service.list();
    const ann = (await service.facesOfPhoto('h1'))[0]!.person!;
    const bob = ann === first!.id ? second!.id : first!.id;
    expect((await service.rename(ann, 'Ann')).name).toBe('Ann');
    const faces = await service.facesOfPhoto('h2');
    expect(faces.map((f) => f.name)).toEqual(['Ann', null]);
    expect(faces[0]!.box).toEqual({ x: 0.1, y: 0.1, width: 0.2, height: 0.3 });
    expect(await service.contentHashesOfPerson('ann')).toEqual(new Set(['h1', 'h2']));
    await expect(service.contentHashesOfPerson('Zed')).rejects.toThrow(PeopleError);

    repository.close();
    repository = await FacesRepository.open(dir);
    service = new PeopleService(repository, () => Promise.resolve(paths));
    expect((await service.findByName('ANN'))[0]!.id).toBe(ann);

    const merged = await service.merge(ann, bob);
    expect(merged).toMatchObject({ id: ann, name: 'Ann', faces: 4 });
    await service.regroup();
    expect((await service.list()).map((p) => [p.id, p.faces])).toEqual([[ann, 4]]);
    await expect(service.merge(ann, '999')).rejects.toThrow('There is no person with id 999.');
    await expect(service.rename(ann, '  ')).rejects.toThrow(PeopleError);
  });

  it('a removed face stays out; re-scanning a photo replaces its faces', async () => {
    await service.addScans(scans(), MODEL);
    await service.removeFace('h3:0');
    expect((await service.facesOfPhoto('h3'))[0]).toMatchObject({ person: null });
    await service.regroup();
    expect((await service.facesOfPhoto('h3'))[0]).toMatchObject({ person: null });
    await service.addScans([{ contentHash: 'h2', faces: [face('bob', 0.5)] }], MODEL);
    expect(await repository.facesOf('h2')).toHaveLength(1);
    // h1 (Ann) and the new h2 face are grouped; h3's face was removed from grouping but is still stored.
    expect((await service.list({ all: true })).reduce((sum, p) => sum + p.faces, 0)).toBe(2);
    expect(await repository.countFaces()).toBe(3);
  });

  it('forgets photos that left, and switching face grouping off deletes every face and person', async () => {
    await service.addScans(scans(), MODEL);
    await service.forgetContents(['h3']);
    expect(await repository.facesOf('h3')).toEqual([]);
    expect(await service.scannedHashes(MODEL)).not.toContain('h3');
    await service.deleteAll();
    expect(await repository.countFaces()).toBe(0);
    expect(await service.scannedHashes(MODEL)).toEqual(new Set());
    expect(await service.list({ all: true })).toEqual([]);
    expect(await readdir(dir)).not.toContain('people.json');
  });
});
