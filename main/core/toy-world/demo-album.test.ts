// Tests the rendered toy-world album through real files: determinism, manifest, EXIF via exifr, text vs scene.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planImage, readManifest, renderDemoAlbum, renderScene, type ManifestEntry } from './demo-album.ts';
import { cameraLabel } from './exif-data.ts';
import { numberWord, pluralize } from './vocabulary.ts';

const COUNT = 12;
let root: string;
let dirA: string;
let entriesA: ManifestEntry[];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pb-toy-world-'));
  dirA = path.join(root, 'a');
  await renderDemoAlbum({ outDir: dirA, count: COUNT, seed: 7 });
  entriesA = await readManifest(path.join(dirA, 'manifest.jsonl'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderDemoAlbum', () => {
  it('writes named JPEGs and a valid manifest in index order', async () => {
    expect(entriesA.map((e) => e.file)).toEqual(Array.from({ length: COUNT }, (_, i) => `pb-7-${String(i).padStart(5, '0')}.jpg`));
    const meta = await sharp(path.join(dirA, entriesA[0]?.file ?? '')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240]);
  });

  it('is byte-identical for the same seed and differs for another seed', async () => {
    const dirB = path.join(root, 'b');
    const dirC = path.join(root, 'c');
    const progress: number[] = [];
    const b = await renderDemoAlbum({ outDir: dirB, count: COUNT, seed: 7, onProgress: (done) => progress.push(done) });
    await renderDemoAlbum({ outDir: dirC, count: 4, seed: 8 });
    expect(progress.at(-1)).toBe(COUNT);
    expect(await readFile(b.manifestPath, 'utf8')).toBe(await readFile(path.join(dirA, 'manifest.jsonl'), 'utf8'));
    for (const entry of entriesA) {
      expect((await readFile(path.join(dirB, entry.file))).equals(await readFile(path.join(dirA, entry.file)))).toBe(true);
    }
    const other = await readManifest(path.join(dirC, 'manifest.jsonl'));
    expect(other.map((e) => e.caption)).not.toEqual(entriesA.slice(0, 4).map((e) => e.caption));
    expect((await readFile(path.join(dirC, 'pb-8-00000.jpg'))).equals(await readFile(path.join(dirA, 'pb-7-00000.jpg')))).toBe(false);
  });

  it('writes EXIF that exifr reads back: date, GPS, make and model', async () => {
    for (const [index, entry] of entriesA.slice(0, 6).entries()) {
      const file = path.join(dirA, entry.file);
      const tags = (await exifr.parse(file, { reviveValues: false })) as Record<string, unknown>;
      expect(tags.DateTimeOriginal).toBe(entry.takenAt.replace('T', ' ').replace(/-/g, ':'));
      const { camera } = planImage(7, index).meta;
      expect([tags.Make, tags.Model]).toEqual([camera.make, camera.model]);
      expect(entry.camera).toBe(cameraLabel(camera));
      const gps = await exifr.gps(file);
      expect(gps.latitude).toBeCloseTo(entry.gps.lat, 6);
      expect(gps.longitude).toBeCloseTo(entry.gps.lon, 6);
      const revived = (await exifr.parse(file)) as { DateTimeOriginal: Date };
      expect(revived.DateTimeOriginal).toBeInstanceOf(Date);
    }
  });

  it('captions name every object with its count and colour, plus the setting', () => {
    for (const { caption, scene } of entriesA) {
      for (const o of scene.objects) {
        expect(caption).toContain(pluralize(o.kind, o.count));
        expect(caption).toContain(o.color);
        if (o.count > 1) expect(caption).toContain(numberWord(o.count));
      }
      expect(caption).toMatch(scene.time === 'night' ? /at night/ : /day/);
      expect(caption).toContain(scene.setting === 'countryside' ? 'countryside' : scene.setting);
    }
  });

  it('answers questions consistently with the scene', () => {
    for (const { qa, scene } of entriesA) {
      const answer = (q: string): string | undefined => qa.find((p) => p.q === q)?.a;
      expect(answer('where was this photo taken?')).toBe(scene.setting);
      expect(answer('is it day or night?')).toBe(scene.time);
      for (const o of scene.objects) {
        expect(answer(`how many ${pluralize(o.kind)} are there?`)).toBe(numberWord(o.count));
        expect(qa.filter((p) => p.q.startsWith('what color') && p.q.includes(pluralize(o.kind, o.count))).map((p) => p.a)).toEqual([o.color]);
      }
      const kinds = new Set<string>(scene.objects.map((o) => o.kind));
      for (const p of qa.filter((x) => x.q.startsWith('is there'))) {
        const kind = p.q.replace(/^is there an? /, '').replace(/\?$/, '');
        expect(p.a).toBe(kinds.has(kind) ? 'yes' : 'no');
      }
      expect(qa.some((p) => p.a === 'no')).toBe(true);
      for (const p of qa) expect(p.a).toMatch(/^[a-z]+$/);
    }
  });

  it('keeps every object box inside the central square', () => {
    for (const { boxes, width, height } of entriesA) {
      const side = Math.min(width, height);
      const x0 = (width - side) / 2;
      for (const { box } of boxes) {
        expect(box[0]).toBeGreaterThanOrEqual(x0);
        expect(box[2]).toBeLessThanOrEqual(x0 + side);
        expect(box[1]).toBeGreaterThanOrEqual(0);
        expect(box[3]).toBeLessThanOrEqual(side);
      }
    }
  });
});

describe('renderScene', () => {
  it('honours width and height, and is deterministic', async () => {
    const scene = { setting: 'street', time: 'night', objects: [{ kind: 'motorcycle', color: 'red', count: 2 }] } as const;
    const square = await renderScene({ ...scene, objects: [...scene.objects] }, { width: 128, height: 128, seed: 3 });
    const meta = await sharp(square).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]);
    const tall = await renderScene({ ...scene, objects: [...scene.objects] }, { width: 200, height: 300, seed: 3 });
    expect((await sharp(tall).metadata()).height).toBe(300);
    expect(square.equals(await renderScene({ ...scene, objects: [...scene.objects] }, { width: 128, height: 128, seed: 3 }))).toBe(true);
  });
});
