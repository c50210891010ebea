// Tests the real face model (face-api weights from npm on tfjs wasm) on real photos: faces found, people grouped, EXIF orientation handled.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceAnalyzer, FACE_DESCRIPTOR_LENGTH, type DetectedFace } from './face-detector.inference.ts';
import {
  decodeForFaces,
  FACES_DIR,
  FACES_SKIP_NOTE,
  IMMICH_ASSETS,
  labelFaces,
  labelledFacePhotos,
  photosWithoutFaces,
  REAL_PHOTOS_SKIP_NOTE,
  scoreGrouping,
} from './face-test-set.ts';
import { faceDistance, PeopleGrouping } from './people-grouping.ts';
import { namesForFaces, readPhotoFaceRegions } from './xmp-face-regions.ts';

const analyzer = createFaceAnalyzer({ threads: 2 });

async function facesIn(file: string): Promise<DetectedFace[]> {
  return analyzer.detect((await decodeForFaces(file)).modelPixels);
}

describe('input checks', () => {
  it('refuses pixels that do not match the size, with a sentence', async () => {
    await expect(analyzer.detect({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toThrow('Face detection needs 4 × 4 × 3 RGB bytes, got 10.');
    await expect(analyzer.detect({ data: new Uint8Array(0), width: 0, height: 4 })).rejects.toThrow(/positive whole-pixel size/);
  });

  it('finds no face in a flat picture, and keeps working after a refused call', async () => {
    const flat = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240 };
    expect(await analyzer.detect(flat)).toEqual([]);
  });
});

describe.skipIf(!FACES_DIR)(`real faces (${FACES_DIR ? '../shared/testdata/faces' : FACES_SKIP_NOTE})`, () => {
  const found = new Map<string, DetectedFace[]>();
  beforeAll(async () => {
    for (const photo of labelledFacePhotos()) found.set(photo.file, await facesIn(photo.file));
  });

  it('finds every face, with boxes as fractions and 128-d descriptors', () => {
    for (const photo of labelledFacePhotos()) {
      const faces = found.get(photo.file)!;
      expect(faces.length, path.basename(photo.file)).toBe(photo.people.length);
      for (const face of faces) {
        expect(face.descriptor).toHaveLength(FACE_DESCRIPTOR_LENGTH);
        expect(face.score).toBeGreaterThan(0.25);
        for (const v of [face.box.x, face.box.y, face.box.x + face.box.width, face.box.y + face.box.height]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }
    }
    // The partial face is cut by the left edge of the frame.
    expect(found.get(path.join(FACES_DIR!, 'obama-partial-face.jpg'))![0]!.box.x).toBeLessThan(0.01);
  });

  it('groups every person into one group of their own; the two people in two-people.jpg each join theirs', () => {
    const grouping = new PeopleGrouping();
    const labels = new Map<string, string>();
    for (const photo of labelledFacePhotos()) {
      const labelled = labelFaces(photo, found.get(photo.file)!)!;
      labelled.forEach(({ face, who }, i) => {
        const id = `${path.basename(photo.file)}:${i}`;
        labels.set(id, who);
        grouping.addFaces([{ id, descriptor: face.descriptor }]);
      });
    }
    const score = scoreGrouping(grouping, labels);
    expect(score).toMatchObject({ peopleInOneGroup: score.people, mixedGroups: 0 });
    expect(grouping.personOf('two-people.jpg:0')).toBe(grouping.personOf('obama-1.jpg:0'));
    expect(grouping.personOf('two-people.jpg:1')).toBe(grouping.personOf('biden-1.jpg:0'));
    expect(grouping.personOf('obama-1.jpg:0')).not.toBe(grouping.personOf('biden-1.jpg:0'));

    grouping.regroup();
    expect(scoreGrouping(grouping, labels)).toEqual(score);
    // Obama (4 faces) and Biden (2) are listed; one-face people wait for a second face or a name.
    expect(grouping.people().map((p) => p.faceIds.length)).toEqual([4, 2]);
  });
});

describe.skipIf(!IMMICH_ASSETS)(`EXIF orientation (${IMMICH_ASSETS ? 'the Curie portrait' : REAL_PHOTOS_SKIP_NOTE})`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'photobind-faces-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('finds the same faces in the photo stored with orientation 6 as in an upright copy', async () => {
    const rotated = path.join(IMMICH_ASSETS!, 'metadata/faces/portrait-orientation-6.jpg');
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const upright = path.join(dir, 'upright.png');
    await sharp(rotated).rotate().png().toFile(upright); // pixels turned, no orientation tag
    expect((await sharp(upright).metadata()).orientation).toBeUndefined();

    const a = await facesIn(rotated);
    const b = await facesIn(upright);
    expect(a).toHaveLength(2); // Marie Curie face-on, Pierre Curie in profile
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) {
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(a[i]!.box[key] - b[i]!.box[key])).toBeLessThan(0.02);
      expect(faceDistance(a[i]!.descriptor, b[i]!.descriptor)).toBeLessThan(0.15);
    }
    // The faces are the ones named in the photo's own MWG regions (written by another tool).
    const named = await readPhotoFaceRegions(rotated, { width: 840, height: 700, orientation: 6 });
    const names = namesForFaces(a.map((f) => f.box), named!.regions);
    expect([...names].sort()).toEqual(['Marie Curie', 'Pierre Curie']);
    // Marie Curie faces the camera (a high score); Pierre is in profile (a low one).
    expect(a[names.indexOf('Marie Curie')]!.score).toBeGreaterThan(0.5);
    expect(a[names.indexOf('Pierre Curie')]!.score).toBeLessThan(0.5);
    // Sideways, as stored, the detector finds neither face: orientation must be applied first.
    const { data, info } = await sharp(rotated).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const sideways = await analyzer.detect({ data, width: info.width, height: info.height });
    expect(sideways.filter((f) => f.score > 0.5)).toHaveLength(0);
  });

  it('finds no face in the nature album at the default threshold', async () => {
    for (const file of photosWithoutFaces()) expect(await facesIn(file), path.basename(file)).toEqual([]);
  });
});
