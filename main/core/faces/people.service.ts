// People: faces stored by the faces stage, grouped into people (see [Note: grouping faces into people]), named, merged, corrected, listed with their photos; and the privacy switch that deletes all face data.
import type { FaceDetectionResult } from '../model-process/model-process.protocol.ts';
import type { FaceScan, FacesRepository, StoredFace } from '../storage/faces.repository.ts';
import { writeSidecar } from '../media/xmp-sidecar.writer.ts';
import { FACE_MODEL_ID, type DetectedFace } from './face-model.ts';
import { toMwgRegionsField, type DisplayedImage } from './xmp-face-regions.ts';
import { PeopleGrouping, PeopleGroupingError, type PersonView } from './people-grouping.ts';

export interface PersonSummary {
  id: string;
  name: string | null;
  faces: number;
  /** Paths of the photos the person is in (every copy of each content), sorted. */
  photos: string[];
  hidden: boolean;
}

export interface PhotoFace {
  /** The face's id (`<contentHash>:<index>`), for `people move` / `people remove`. */
  id: string;
  /** Top-left fractions of the displayed photo. */
  box: { x: number; y: number; width: number; height: number };
  /** The person's id, or null (a face the user removed from grouping). */
  person: string | null;
  name: string | null;
}

/** Finds the faces of one photo (the model process's `detectFaces`). */
export type FaceDetector = (photoPath: string) => Promise<FaceDetectionResult>;

export interface FaceScanSummary {
  scanned: number;
  faces: number;
  failed: Array<{ path: string; reason: string }>;
}

/** Photos scanned per commit (and per grouping save). */
const SCAN_BATCH = 16;

/** A person named in a request does not exist, or a name matches nobody: a clear sentence for the user. */
export class PeopleError extends Error {
  override name = 'PeopleError';
}

export class PeopleService {
  private grouping: Promise<PeopleGrouping> | undefined;

  /**
   * `photoPaths` gives the library's paths per content hash (copies share a content), so people list
   * their photos without this service reaching the photo store.
   */
  constructor(
    private readonly repository: FacesRepository,
    private readonly photoPaths: () => Promise<Map<string, string[]>>,
  ) {}

  private load(): Promise<PeopleGrouping> {
    this.grouping ??= (async () => {
      const [faces, snapshot] = await Promise.all([this.repository.allFaces(), this.repository.readPeople()]);
      const grouping = new PeopleGrouping({}, faces.map((f) => ({ id: f.id, descriptor: f.descriptor })), snapshot);
      if (!snapshot && faces.length) await this.repository.writePeople(grouping.snapshot());
      return grouping;
    })();
    this.grouping.catch(() => (this.grouping = undefined));
    return this.grouping;
  }

  private async save(grouping: PeopleGrouping): Promise<void> {
    await this.repository.writePeople(grouping.snapshot());
  }

  /** Stores the faces found in scanned photos and assigns them to people (the incremental pass). */
  async addScans(scans: readonly FaceScan[], model: string): Promise<void> {
    if (!scans.length) return;
    const grouping = await this.load();
    // Re-scanned contents: their old faces leave the grouping first.
    const old = new Set(scans.map((s) => s.contentHash));
    grouping.forgetFaces((await this.repository.allFaces()).filter((f) => old.has(f.contentHash)).map((f) => f.id));
    await this.repository.saveScans(scans, model);
    grouping.addFaces(scans.flatMap((scan) => scan.faces.map((face, index) => ({ id: `${scan.contentHash}:${index}`, descriptor: face.descriptor }))));
    await this.save(grouping);
  }

  /**
   * Finds the faces of photos whose content was not scanned by the current face model yet, groups them,
   * and names people from the photos' XMP face regions (a person already named by the user keeps that
   * name). One path per content is scanned.
   */
  async scanNew(
    photos: ReadonlyArray<{ path: string; contentHash: string }>,
    detect: FaceDetector,
    options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<FaceScanSummary> {
    const scanned = await this.repository.scannedHashes(FACE_MODEL_ID);
    const todo = [...new Map(photos.filter((p) => !scanned.has(p.contentHash)).map((p) => [p.contentHash, p])).values()];
    const summary: FaceScanSummary = { scanned: 0, faces: 0, failed: [] };
    let done = 0;
    for (let i = 0; i < todo.length; i += SCAN_BATCH) {
      options.signal?.throwIfAborted();
      const batch: FaceScan[] = [];
      const xmpNames = new Map<string, string>();
      for (const photo of todo.slice(i, i + SCAN_BATCH)) {
        try {
          const { faces } = await detect(photo.path);
          batch.push({ contentHash: photo.contentHash, faces: faces.map(({ box, score, descriptor }) => ({ box, score, descriptor })) });
          faces.forEach((face, index) => face.xmpName && xmpNames.set(`${photo.contentHash}:${index}`, face.xmpName));
          summary.faces += faces.length;
        } catch (error) {
          summary.failed.push({ path: photo.path, reason: (error as Error).message });
        }
        options.onProgress?.(++done, todo.length);
      }
      await this.addScans(batch, FACE_MODEL_ID);
      summary.scanned += batch.length;
      if (xmpNames.size) await this.nameFromRegions(xmpNames);
    }
    return summary;
  }

  /**
   * Stores the faces the faces stage found in photo contents, groups them, and names unnamed people from
   * the photos' XMP face regions (`xmpNames[i]` for face i of that content).
   */
  async addDetected(all: ReadonlyArray<{ contentHash: string; faces: readonly DetectedFace[]; xmpNames: ReadonlyArray<string | null> }>): Promise<void> {
    // A content already scanned by this face model (e.g. by `people on`) keeps its faces, ids and corrections.
    const scanned = await this.repository.scannedHashes(FACE_MODEL_ID);
    const items = all.filter((item) => !scanned.has(item.contentHash));
    await this.addScans(items.map(({ contentHash, faces }) => ({ contentHash, faces: faces.map(({ box, score, descriptor }) => ({ box, score, descriptor })) })), FACE_MODEL_ID);
    const names = new Map<string, string>();
    for (const item of items) item.xmpNames.forEach((name, index) => name && names.set(`${item.contentHash}:${index}`, name));
    if (names.size) await this.nameFromRegions(names);
  }

  /** Unnamed people take the name an XMP face region gives one of their faces. */
  private async nameFromRegions(names: Map<string, string>): Promise<void> {
    const grouping = await this.load();
    const named = new Map(grouping.people({ all: true, includeHidden: true }).map((p) => [p.id, p.name]));
    for (const [faceId, name] of names) {
      const person = grouping.personOf(faceId);
      if (person && named.get(person) === null) {
        grouping.setName(person, name);
        named.set(person, name);
      }
    }
    await this.save(grouping);
  }

  /** Content hashes already scanned by `model`. */
  scannedHashes(model: string): Promise<Set<string>> {
    return this.repository.scannedHashes(model);
  }

  /** Forgets contents that left the library. */
  async forgetContents(contentHashes: readonly string[]): Promise<void> {
    if (!contentHashes.length) return;
    const grouping = await this.load();
    const gone = new Set(contentHashes);
    grouping.forgetFaces((await this.repository.allFaces()).filter((f) => gone.has(f.contentHash)).map((f) => f.id));
    await this.repository.forget(contentHashes);
    await this.save(grouping);
  }

  /** People to show (see PeopleGrouping.people), with their photos' paths. */
  async list(options: { all?: boolean; includeHidden?: boolean } = {}): Promise<PersonSummary[]> {
    const grouping = await this.load();
    const paths = await this.photoPaths();
    return grouping.people(options).map((p) => this.summary(p, paths));
  }

  private summary(person: PersonView, paths: Map<string, string[]>): PersonSummary {
    const hashes = new Set(person.faceIds.map(contentHashOf));
    const photos = [...hashes].flatMap((h) => paths.get(h) ?? []).sort();
    return { id: person.id, name: person.name, faces: person.faceIds.length, photos, hidden: person.hidden };
  }

  async rename(personId: string, name: string): Promise<PersonSummary> {
    return this.change((g) => {
      if (!name.trim()) throw new PeopleError('A name cannot be empty; to remove a name, rename the person to something else or hide them.');
      g.setName(personId, name);
      return personId;
    });
  }

  /** Merges `sourceId` into `targetId` (the faces of both are pinned to the target; see PeopleGrouping.merge). */
  async merge(targetId: string, sourceId: string): Promise<PersonSummary> {
    return this.change((g) => {
      g.merge(targetId, sourceId);
      return targetId;
    });
  }

  async setHidden(personId: string, hidden: boolean): Promise<PersonSummary> {
    return this.change((g) => {
      g.setHidden(personId, hidden);
      return personId;
    });
  }

  /** Moves a face (`<contentHash>:<index>`) to a person, or to a new person when `personId` is null. */
  async moveFace(faceId: string, personId: string | null): Promise<PersonSummary> {
    return this.change((g) => g.moveFace(faceId, personId));
  }

  /** Takes a face out of grouping for good (a wrong detection, a stranger). */
  async removeFace(faceId: string): Promise<void> {
    const grouping = await this.load();
    wrap(() => grouping.removeFace(faceId));
    await this.save(grouping);
  }

  /** Full re-grouping of every face (names and corrections kept). */
  async regroup(): Promise<void> {
    const grouping = await this.load();
    grouping.regroup();
    await this.save(grouping);
  }

  /** The faces of one photo content, with their people. */
  async facesOfPhoto(contentHash: string): Promise<PhotoFace[]> {
    const grouping = await this.load();
    const faces: StoredFace[] = await this.repository.facesOf(contentHash);
    const named = new Map(grouping.people({ all: true, includeHidden: true }).map((p) => [p.id, p.name]));
    return faces.map((f) => {
      const person = grouping.personOf(f.id);
      return { id: f.id, box: f.box, person, name: person ? (named.get(person) ?? null) : null };
    });
  }

  /** People whose name matches (whole name or one of its words, case- and accent-insensitive). */
  async findByName(name: string): Promise<PersonSummary[]> {
    const grouping = await this.load();
    const paths = await this.photoPaths();
    return grouping.findByName(name).map((p) => this.summary(p, paths));
  }

  /** Content hashes of the photos of the person named `name`; a clear error when nobody has that name. */
  async contentHashesOfPerson(name: string): Promise<Set<string>> {
    const grouping = await this.load();
    const people = grouping.findByName(name);
    if (!people.length) throw new PeopleError(`Nobody is named "${name}" in this library; name a person first (photobind people name ID "${name}").`);
    return new Set(people.flatMap((p) => p.faceIds.map(contentHashOf)));
  }

  /** A face to show for a person: their largest, best-scored face. */
  async coverOf(personId: string): Promise<{ contentHash: string; box: StoredFace['box'] } | null> {
    const grouping = await this.load();
    const person = grouping.people({ all: true, includeHidden: true }).find((p) => p.id === personId);
    if (!person) return null;
    const hashes = new Set(person.faceIds.map(contentHashOf));
    const ids = new Set(person.faceIds);
    let best: StoredFace | undefined;
    for (const hash of hashes) {
      for (const face of await this.repository.facesOf(hash)) {
        if (!ids.has(face.id)) continue;
        const rank = (f: StoredFace) => f.box.width * f.box.height * f.score;
        if (!best || rank(face) > rank(best)) best = face;
      }
    }
    return best ? { contentHash: best.contentHash, box: best.box } : null;
  }

  /** Named people's names, for recognising them in queries. */
  async names(): Promise<string[]> {
    const grouping = await this.load();
    return grouping.people({ all: true, includeHidden: true }).flatMap((p) => (p.name ? [p.name] : []));
  }

  /**
   * Writes the named faces of photos (of one person, or of everyone) into the photos' XMP sidecars as MWG
   * face regions, for digiKam, Lightroom and others (see [Note: MWG face regions and orientation]).
   * Other sidecar content, and regions of other types, are kept. Returns what was written, or why not.
   */
  async writeSidecars(
    photos: ReadonlyArray<{ path: string; contentHash: string }>,
    imageOf: (photoPath: string) => Promise<DisplayedImage>,
    options: { personId?: string } = {},
  ): Promise<Array<{ path: string; sidecar?: string; faces: number; error?: string }>> {
    const grouping = await this.load();
    const names = new Map(grouping.people({ all: true, includeHidden: true }).map((p) => [p.id, p.name]));
    if (options.personId !== undefined && !names.has(options.personId)) throw new PeopleError(`There is no person with id ${options.personId}.`);
    const results: Array<{ path: string; sidecar?: string; faces: number; error?: string }> = [];
    for (const photo of photos) {
      const faces = (await this.repository.facesOf(photo.contentHash))
        .map((f) => ({ face: f, person: grouping.personOf(f.id) }))
        .filter(({ person }) => person !== null && names.get(person) !== null && names.get(person) !== undefined);
      if (!faces.length || (options.personId !== undefined && !faces.some(({ person }) => person === options.personId))) continue;
      try {
        const image = await imageOf(photo.path);
        const field = toMwgRegionsField(faces.map(({ face, person }) => ({ name: names.get(person!) ?? null, box: face.box })), image);
        const written = await writeSidecar(photo.path, { faceRegions: field });
        results.push({ path: photo.path, sidecar: written.sidecarPath, faces: faces.length });
      } catch (error) {
        results.push({ path: photo.path, faces: faces.length, error: (error as Error).message });
      }
    }
    return results;
  }

  /** Deletes every face and person (face grouping switched off). */
  async deleteAll(): Promise<void> {
    await this.repository.deleteAll();
    this.grouping = Promise.resolve(new PeopleGrouping());
  }

  private async change(edit: (grouping: PeopleGrouping) => string): Promise<PersonSummary> {
    const grouping = await this.load();
    const id = wrap(() => edit(grouping));
    await this.save(grouping);
    const person = grouping.people({ all: true, includeHidden: true }).find((p) => p.id === id);
    if (!person) throw new PeopleError(`There is no person with id ${id}.`);
    return this.summary(person, await this.photoPaths());
  }
}

function contentHashOf(faceId: string): string {
  return faceId.slice(0, faceId.lastIndexOf(':'));
}

function wrap<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof PeopleGroupingError) throw new PeopleError(error.message);
    throw error;
  }
}
