// The labelled real-face photos used by the face tests, `npm run models:quality` and `npm run bench` (read from ../shared/testdata; never committed).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePhoto, type DecodedPhoto } from '../media/photo-decoder.ts';
import { MAX_FACE_INPUT_SIDE, type DetectedFace } from './face-detector.inference.ts';
import type { PeopleGrouping } from './people-grouping.ts';

const TESTDATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata');

/** ../shared/testdata/faces, or undefined when this checkout does not have it. */
export const FACES_DIR: string | undefined = existsSync(path.join(TESTDATA, 'faces', 'README.md')) ? path.join(TESTDATA, 'faces') : undefined;
/** ../shared/testdata/real-photos/immich-test-assets, or undefined. */
export const IMMICH_ASSETS: string | undefined = existsSync(path.join(TESTDATA, 'real-photos', 'README.md')) ? path.join(TESTDATA, 'real-photos', 'immich-test-assets') : undefined;

export const FACES_SKIP_NOTE = 'skipped: ../shared/testdata/faces (the shared face test set) is not present next to this checkout';
export const REAL_PHOTOS_SKIP_NOTE = 'skipped: ../shared/testdata/real-photos (the shared real-photo test set) is not present next to this checkout';

export interface LabelledPhoto {
  file: string;
  /** Who is in it, left to right (by the face box's centre). */
  people: string[];
}

/** The labelled photos that are present: the faces set (README there) and the Curie portrait. */
export function labelledFacePhotos(): LabelledPhoto[] {
  const photos: LabelledPhoto[] = [];
  const facesDir = FACES_DIR;
  if (facesDir) {
    const faces = (name: string) => path.join(facesDir, name);
    photos.push(
      { file: faces('obama-1.jpg'), people: ['obama'] },
      { file: faces('obama-2.jpg'), people: ['obama'] },
      { file: faces('obama-partial-face.jpg'), people: ['obama'] },
      { file: faces('biden-1.jpg'), people: ['biden'] },
      { file: faces('two-people.jpg'), people: ['obama', 'biden'] },
    );
  }
  if (IMMICH_ASSETS) {
    photos.push(
      { file: path.join(IMMICH_ASSETS, 'metadata/faces/portrait-orientation-6.jpg'), people: ['marie-curie', 'pierre-curie'] },
      { file: path.join(IMMICH_ASSETS, 'albums/text/craft-beer.jpg'), people: ['bartender'] },
    );
  }
  return photos;
}

/** Photos without faces, for false positives: immich-test-assets/albums/nature. */
export function photosWithoutFaces(): string[] {
  if (!IMMICH_ASSETS) return [];
  const dir = path.join(IMMICH_ASSETS, 'albums/nature');
  return ['cyclamen_persicum.jpg', 'el_torcal_rocks.jpg', 'notocactus_minimus.jpg', 'orychophragmus_violaceus.jpg', 'polemonium_reptans.jpg', 'prairie_falcon.jpg', 'silver_fir.jpg', 'tanners_ridge.jpg', 'wood_anemones.jpg']
    .map((name) => path.join(dir, name))
    .filter((file) => existsSync(file));
}

/** Decodes upright (EXIF orientation applied) with at least MAX_FACE_INPUT_SIDE on the shortest side, as the face stage gets it. */
export async function decodeForFaces(file: string): Promise<DecodedPhoto> {
  const photo = await decodePhoto(file, { modelSide: MAX_FACE_INPUT_SIDE, thumbnailSide: MAX_FACE_INPUT_SIDE });
  if (photo.status !== 'decoded') throw photo.problem;
  return photo;
}

/** Faces sorted left to right by box centre, labelled with the photo's people when the count matches. */
export function labelFaces(photo: LabelledPhoto, faces: readonly DetectedFace[]): Array<{ face: DetectedFace; who: string }> | undefined {
  if (faces.length !== photo.people.length) return undefined;
  const ordered = [...faces].sort((a, b) => a.box.x + a.box.width / 2 - (b.box.x + b.box.width / 2));
  return ordered.map((face, i) => ({ face, who: photo.people[i]! }));
}

export interface GroupingScore {
  /** People (labels) whose faces all landed in one group. */
  peopleInOneGroup: number;
  people: number;
  /** Groups holding faces of more than one person. */
  mixedGroups: number;
  groups: number;
}

/** How a grouping treats labelled faces (`faceId → who`). */
export function scoreGrouping(grouping: PeopleGrouping, labels: ReadonlyMap<string, string>): GroupingScore {
  const groupsOfPerson = new Map<string, Set<string>>();
  const peopleOfGroup = new Map<string, Set<string>>();
  for (const [faceId, who] of labels) {
    const group = grouping.personOf(faceId) ?? `none:${faceId}`;
    if (!groupsOfPerson.has(who)) groupsOfPerson.set(who, new Set());
    groupsOfPerson.get(who)!.add(group);
    if (!peopleOfGroup.has(group)) peopleOfGroup.set(group, new Set());
    peopleOfGroup.get(group)!.add(who);
  }
  return {
    peopleInOneGroup: [...groupsOfPerson.values()].filter((groups) => groups.size === 1).length,
    people: groupsOfPerson.size,
    mixedGroups: [...peopleOfGroup.values()].filter((people) => people.size > 1).length,
    groups: peopleOfGroup.size,
  };
}
