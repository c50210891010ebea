// Groups face descriptors into people: incremental assignment, full re-grouping, and user corrections that survive both. Pure logic, no I/O.
//
// [Note: grouping faces into people]
// Distances are Euclidean between face-api's 128-d descriptors. Measured on ../shared/testdata/faces and
// the Curie portrait (`npm run models:quality -- --only faces`): the same face across edits and crops
// 0.09–0.36, the same person in different photos up to 0.47, different people 0.66–0.92. SAME_PERSON_DISTANCE
// (0.55) sits in that gap.
// - Incremental (as photos arrive): a new face joins the person owning its nearest face, if that face
//   is within the distance; otherwise it starts a new group. Groups smaller than `minFacesShown` exist
//   but are not listed by default (a stranger in the background should not become a "person"); named
//   people are always listed.
// - Full re-grouping (on demand, as Immich does): DBSCAN over all faces (eps = the distance, a core
//   face has `minCoreFaces` faces within eps counting itself). Border faces join their nearest core
//   face's cluster; the remaining faces are linked among themselves (pairs of a rare person). It mends
//   what the arrival order did to the incremental pass (two early, far-apart photos of one person that
//   started two groups before the photos in between arrived). Like any density clustering it can still
//   chain two people through several in-between faces; a merge or a moved face is the user's remedy.
// - User corrections are remembered: a face the user moved is pinned to that person, a face the user
//   removed is never assigned again by either pass; a merge pins the faces of both people to the one kept.
//   Re-grouping clusters only unpinned faces and keeps names: each cluster takes the id of the old person
//   most of its faces came from (biggest cluster first), or for never-grouped faces the person of the
//   nearest pinned faces. A pinned face never drags its look-alikes along: a face moved from Ann to Bob
//   is Bob's, Ann's other faces stay Ann's.
import { euclideanDistance } from '../shared/vector-math.ts';

/** Faces closer than this (Euclidean, 128-d face-api descriptors) are taken to be the same person. */
export const SAME_PERSON_DISTANCE = 0.55;
/** Groups with fewer faces are kept but not listed unless named (`people({ all: true })` lists them). */
export const MIN_FACES_SHOWN = 2;
/** DBSCAN's minPts for the full re-grouping (the face itself counts). */
export const MIN_CORE_FACES = 3;

export interface FaceInput {
  /** Stable id of one face (e.g. `<contentHash>:<index>`). */
  id: string;
  descriptor: Float32Array;
}

export type FacePin = 'user' | 'removed';

/** What is stored: assignments and corrections (descriptors live with the faces). JSON-safe. */
export interface PeopleSnapshot {
  nextPersonNumber: number;
  people: Array<{ id: string; name: string | null; hidden: boolean }>;
  faces: Array<{ faceId: string; personId: string | null; pin: FacePin | null }>;
}

export interface PersonView {
  id: string;
  name: string | null;
  hidden: boolean;
  faceIds: string[];
}

export interface PeopleGroupingOptions {
  sameDistance?: number;
  minFacesShown?: number;
  minCoreFaces?: number;
}

interface FaceState {
  id: string;
  descriptor: Float32Array;
  personId: string | null;
  pin: FacePin | null;
}

interface PersonState {
  id: string;
  name: string | null;
  hidden: boolean;
  faces: Set<string>;
}

export class PeopleGroupingError extends Error {
  override name = 'PeopleGroupingError';
}

/** How far apart two face descriptors are (Euclidean; under SAME_PERSON_DISTANCE: the same person). */
export const faceDistance = euclideanDistance;

export class PeopleGrouping {
  readonly sameDistance: number;
  readonly minFacesShown: number;
  readonly minCoreFaces: number;
  private readonly faces = new Map<string, FaceState>();
  private readonly persons = new Map<string, PersonState>();
  private nextPersonNumber = 1;

  /** `snapshot` restores assignments for faces given in `faces`; entries for unknown faces are dropped. */
  constructor(options: PeopleGroupingOptions = {}, faces: readonly FaceInput[] = [], snapshot?: PeopleSnapshot) {
    this.sameDistance = options.sameDistance ?? SAME_PERSON_DISTANCE;
    this.minFacesShown = options.minFacesShown ?? MIN_FACES_SHOWN;
    this.minCoreFaces = options.minCoreFaces ?? MIN_CORE_FACES;
    if (snapshot) {
      this.nextPersonNumber = snapshot.nextPersonNumber;
      for (const p of snapshot.people) this.persons.set(p.id, { id: p.id, name: p.name, hidden: p.hidden, faces: new Set() });
    }
    const saved = new Map(snapshot?.faces.map((f) => [f.faceId, f]));
    const fresh: FaceInput[] = [];
    for (const face of faces) {
      const entry = saved.get(face.id);
      if (!entry) {
        fresh.push(face);
        continue;
      }
      const person = entry.personId ? this.persons.get(entry.personId) : undefined;
      this.faces.set(face.id, { id: face.id, descriptor: face.descriptor, personId: person ? person.id : null, pin: entry.pin });
      person?.faces.add(face.id);
    }
    this.dropEmptyUnnamed();
    if (fresh.length) this.addFaces(fresh);
  }

  /** Incremental pass: assigns each new face (faces already known are ignored). Returns the person of each face. */
  addFaces(faces: readonly FaceInput[]): Map<string, string | null> {
    const result = new Map<string, string | null>();
    for (const face of faces) {
      if (this.faces.has(face.id)) {
        result.set(face.id, this.faces.get(face.id)!.personId);
        continue;
      }
      const nearest = this.nearestAssignedFace(face.descriptor);
      const person = nearest && nearest.distance <= this.sameDistance ? this.persons.get(nearest.face.personId!)! : this.createPerson();
      this.faces.set(face.id, { id: face.id, descriptor: face.descriptor, personId: person.id, pin: null });
      person.faces.add(face.id);
      result.set(face.id, person.id);
    }
    return result;
  }

  /** Forgets faces (their photo left the library). */
  forgetFaces(faceIds: readonly string[]): void {
    for (const id of faceIds) {
      const face = this.faces.get(id);
      if (!face) continue;
      if (face.personId) this.persons.get(face.personId)?.faces.delete(id);
      this.faces.delete(id);
    }
    this.dropEmptyUnnamed();
  }

  /** Full re-grouping of every face (see [Note: grouping faces into people]); pins, names and hidden flags survive. */
  regroup(): void {
    const all = [...this.faces.values()];
    const free = all.filter((f) => f.pin === null);
    const pinned = all.filter((f) => f.pin === 'user' && f.personId !== null && this.persons.has(f.personId));
    const previous = new Map(free.map((f) => [f.id, f.personId]));
    const clusters = this.cluster(free).sort((a, b) => b.length - a.length);
    for (const person of this.persons.values()) person.faces.clear();
    for (const f of all) if (f.pin !== 'user') f.personId = null;
    for (const f of pinned) this.persons.get(f.personId!)!.faces.add(f.id);

    const claimed = new Set<string>();
    for (const members of clusters) {
      // The old person most of the cluster's faces came from, unless a bigger cluster took it first...
      const votes = new Map<string, number>();
      for (const f of members) {
        const old = previous.get(f.id);
        if (old && this.persons.has(old) && !claimed.has(old)) votes.set(old, (votes.get(old) ?? 0) + 1);
      }
      let personId = mostVoted(votes);
      if (personId) claimed.add(personId);
      // ...else (faces never grouped) the person of the nearest faces the user pinned, else a new person.
      if (!personId) {
        const pinVotes = new Map<string, number>();
        for (const f of members) {
          const near = nearest(f.descriptor, pinned);
          if (near && near.distance <= this.sameDistance) pinVotes.set(near.face.personId!, (pinVotes.get(near.face.personId!) ?? 0) + 1);
        }
        personId = mostVoted(pinVotes) ?? this.createPerson().id;
      }
      const person = this.persons.get(personId)!;
      for (const f of members) {
        f.personId = personId;
        person.faces.add(f.id);
      }
    }
    this.dropEmptyUnnamed();
  }

  /** Names a person ('' or null clears the name). */
  setName(personId: string, name: string | null): void {
    const person = this.person(personId);
    const trimmed = name?.trim() ?? '';
    person.name = trimmed === '' ? null : trimmed;
  }

  setHidden(personId: string, hidden: boolean): void {
    this.person(personId).hidden = hidden;
  }

  /** Moves every face of `sourceId` into `targetId` and pins them there; the target keeps its name, or takes the source's. */
  merge(targetId: string, sourceId: string): void {
    if (targetId === sourceId) throw new PeopleGroupingError(`Cannot merge person ${targetId} with itself.`);
    const target = this.person(targetId);
    const source = this.person(sourceId);
    for (const id of [...target.faces, ...source.faces]) {
      const face = this.faces.get(id)!;
      face.personId = target.id;
      face.pin = 'user';
      target.faces.add(id);
    }
    target.name ??= source.name;
    this.persons.delete(source.id);
  }

  /** The user says this face is `personId` (or a new person when null): pinned, never moved by the grouping. Returns the person id. */
  moveFace(faceId: string, personId: string | null): string {
    const face = this.face(faceId);
    const target = personId === null ? this.createPerson() : this.person(personId);
    if (face.personId) this.persons.get(face.personId)?.faces.delete(face.id);
    face.personId = target.id;
    face.pin = 'user';
    target.faces.add(face.id);
    this.dropEmptyUnnamed();
    return target.id;
  }

  /** The user says this face is nobody to group (a wrong detection, a stranger): it is never assigned again. */
  removeFace(faceId: string): void {
    const face = this.face(faceId);
    if (face.personId) this.persons.get(face.personId)?.faces.delete(face.id);
    face.personId = null;
    face.pin = 'removed';
    this.dropEmptyUnnamed();
  }

  /** Lets the grouping decide again for a face the user had moved or removed. */
  unpinFace(faceId: string): void {
    this.face(faceId).pin = null;
  }

  personOf(faceId: string): string | null {
    return this.faces.get(faceId)?.personId ?? null;
  }

  pinOf(faceId: string): FacePin | null {
    return this.faces.get(faceId)?.pin ?? null;
  }

  /**
   * People to list: named ones, and unnamed groups with at least `minFacesShown` faces; hidden people
   * only with `includeHidden`. `all` lists every group. Most faces first, then by id.
   */
  people(options: { all?: boolean; includeHidden?: boolean } = {}): PersonView[] {
    return [...this.persons.values()]
      .filter((p) => options.all || ((options.includeHidden || !p.hidden) && (p.name !== null || p.faces.size >= this.minFacesShown)))
      .map((p) => ({ id: p.id, name: p.name, hidden: p.hidden, faceIds: [...p.faces].sort() }))
      .sort((a, b) => b.faceIds.length - a.faceIds.length || Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  }

  /** People whose name matches, case- and accent-insensitively (whole name, or one of its words). */
  findByName(name: string): PersonView[] {
    const wanted = foldName(name);
    if (!wanted) return [];
    return this.people({ all: true, includeHidden: true }).filter((p) => {
      if (!p.name) return false;
      const folded = foldName(p.name);
      return folded === wanted || folded.split(' ').includes(wanted);
    });
  }

  snapshot(): PeopleSnapshot {
    return {
      nextPersonNumber: this.nextPersonNumber,
      people: [...this.persons.values()].map((p) => ({ id: p.id, name: p.name, hidden: p.hidden })),
      faces: [...this.faces.values()].map((f) => ({ faceId: f.id, personId: f.personId, pin: f.pin })),
    };
  }

  private person(personId: string): PersonState {
    const person = this.persons.get(personId);
    if (!person) throw new PeopleGroupingError(`There is no person with id ${personId}.`);
    return person;
  }

  private face(faceId: string): FaceState {
    const face = this.faces.get(faceId);
    if (!face) throw new PeopleGroupingError(`There is no face with id ${faceId}.`);
    return face;
  }

  private createPerson(): PersonState {
    let id = String(this.nextPersonNumber++);
    while (this.persons.has(id)) id = String(this.nextPersonNumber++);
    const person: PersonState = { id, name: null, hidden: false, faces: new Set() };
    this.persons.set(id, person);
    return person;
  }

  private dropEmptyUnnamed(): void {
    for (const [id, p] of this.persons) if (p.faces.size === 0 && p.name === null) this.persons.delete(id);
  }

  private nearestAssignedFace(descriptor: Float32Array): { face: FaceState; distance: number } | undefined {
    return nearest(descriptor, this.faces.values(), (face) => face.personId !== null && face.pin !== 'removed');
  }

  /** DBSCAN with border faces joining their nearest core face, then the leftovers linked among themselves. */
  private cluster(faces: FaceState[]): FaceState[][] {
    const n = faces.length;
    const neighbours: number[][] = faces.map(() => []);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (faceDistance(faces[i]!.descriptor, faces[j]!.descriptor) <= this.sameDistance) {
          neighbours[i]!.push(j);
          neighbours[j]!.push(i);
        }
      }
    }
    const core = neighbours.map((list) => list.length + 1 >= this.minCoreFaces);
    const label = new Array<number>(n).fill(-1);
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (!core[i] || label[i] !== -1) continue;
      const id = next++;
      const stack = [i];
      label[i] = id;
      while (stack.length) {
        const k = stack.pop()!;
        for (const j of neighbours[k]!) {
          if (core[j] && label[j] === -1) {
            label[j] = id;
            stack.push(j);
          }
        }
      }
    }
    // Border faces: the cluster of the nearest core neighbour.
    for (let i = 0; i < n; i++) {
      if (core[i]) continue;
      let best = -1;
      let bestDistance = Infinity;
      for (const j of neighbours[i]!) {
        if (!core[j]) continue;
        const d = faceDistance(faces[i]!.descriptor, faces[j]!.descriptor);
        if (d < bestDistance) [best, bestDistance] = [j, d];
      }
      if (best >= 0) label[i] = label[best]!;
    }
    // Noise: linked among themselves.
    for (let i = 0; i < n; i++) {
      if (label[i] !== -1) continue;
      const id = next++;
      const stack = [i];
      label[i] = id;
      while (stack.length) {
        const k = stack.pop()!;
        for (const j of neighbours[k]!) {
          if (label[j] === -1 && !core[j]) {
            label[j] = id;
            stack.push(j);
          }
        }
      }
    }
    const clusters: FaceState[][] = Array.from({ length: next }, () => []);
    for (let i = 0; i < n; i++) clusters[label[i]!]!.push(faces[i]!);
    return clusters.filter((c) => c.length > 0);
  }
}

function nearest(descriptor: Float32Array, faces: Iterable<FaceState>, accept: (face: FaceState) => boolean = () => true): { face: FaceState; distance: number } | undefined {
  let best: { face: FaceState; distance: number } | undefined;
  for (const face of faces) {
    if (!accept(face)) continue;
    const distance = faceDistance(descriptor, face.descriptor);
    if (!best || distance < best.distance) best = { face, distance };
  }
  return best;
}

function mostVoted(votes: Map<string, number>): string | undefined {
  let winner: string | undefined;
  let most = 0;
  for (const [id, count] of votes) if (count > most) [winner, most] = [id, count];
  return winner;
}

const LETTERS_WITHOUT_DECOMPOSITION: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th' };

/** Lower case, accents removed, runs of spaces and punctuation as one space. */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[łøđħıæœßþ]/gu, (c) => LETTERS_WITHOUT_DECOMPOSITION[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
