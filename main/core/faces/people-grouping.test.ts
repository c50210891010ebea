// Tests the people grouping logic on seeded synthetic descriptors with the measured geometry (same person ≈ 0.2 apart, different people ≈ 0.85).
import { describe, expect, it } from 'vitest';
import { mulberry32, shuffled, type Rng } from '../toy-world/seeded-random.ts';
import { faceDistance, foldName, PeopleGrouping, PeopleGroupingError, type FaceInput } from './people-grouping.ts';

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
}

function randomVector(rng: Rng, norm: number): Float32Array {
  const v = Float32Array.from({ length: 128 }, () => gaussian(rng));
  const scale = norm / Math.hypot(...v);
  return v.map((x) => x * scale);
}

function add(a: Float32Array, b: Float32Array, t = 1): Float32Array {
  return a.map((x, i) => x + t * b[i]!);
}

/** `count` faces of one person: a centre (different centres ≈ 0.85 apart) plus noise (faces ≈ 0.2 apart). */
function personFaces(rng: Rng, name: string, count: number, centre = randomVector(rng, 0.6)): FaceInput[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${name}-${i}`, descriptor: add(centre, randomVector(rng, 0.14)) }));
}

/** The person's faces grouped by the person id they got. */
function groupsOf(grouping: PeopleGrouping, faces: readonly FaceInput[]): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const face of faces) {
    const person = grouping.personOf(face.id) ?? 'none';
    const who = face.id.split('-')[0]!;
    if (!groups.has(person)) groups.set(person, new Set());
    groups.get(person)!.add(who);
  }
  return groups;
}

describe('synthetic geometry', () => {
  it('matches the measured distances', () => {
    const rng = mulberry32(1);
    const [a0, a1] = personFaces(rng, 'a', 2);
    const [b0] = personFaces(rng, 'b', 1);
    expect(faceDistance(a0!.descriptor, a1!.descriptor)).toBeLessThan(0.3);
    expect(faceDistance(a0!.descriptor, b0!.descriptor)).toBeGreaterThan(0.7);
  });
});

describe('incremental grouping', () => {
  it('puts each person in one group of their own, whatever the arrival order', () => {
    const rng = mulberry32(7);
    const faces = shuffled(rng, [...personFaces(rng, 'ann', 6), ...personFaces(rng, 'bob', 5), ...personFaces(rng, 'cy', 4)]);
    const grouping = new PeopleGrouping();
    grouping.addFaces(faces.slice(0, 7));
    grouping.addFaces(faces.slice(7));
    const groups = groupsOf(grouping, faces);
    expect(groups.size).toBe(3);
    for (const members of groups.values()) expect(members.size).toBe(1);
    expect(grouping.people().map((p) => p.faceIds.length)).toEqual([6, 5, 4]);
  });

  it('lists a group only from the minimum face count, unless it is named', () => {
    const rng = mulberry32(8);
    const grouping = new PeopleGrouping({ minFacesShown: 3 });
    grouping.addFaces([...personFaces(rng, 'ann', 3), ...personFaces(rng, 'stranger', 1)]);
    expect(grouping.people()).toHaveLength(1);
    expect(grouping.people({ all: true })).toHaveLength(2);
    const stranger = grouping.personOf('stranger-0')!;
    grouping.setName(stranger, 'Mr Smith');
    expect(grouping.people().map((p) => p.name)).toContain('Mr Smith');
  });

  it('does not list hidden people unless asked', () => {
    const rng = mulberry32(9);
    const grouping = new PeopleGrouping();
    grouping.addFaces(personFaces(rng, 'ann', 3));
    const ann = grouping.personOf('ann-0')!;
    grouping.setHidden(ann, true);
    expect(grouping.people()).toEqual([]);
    expect(grouping.people({ includeHidden: true })[0]).toMatchObject({ id: ann, hidden: true });
  });
});

describe('full re-grouping', () => {
  it('joins one person split by the arrival order and keeps the name', () => {
    const rng = mulberry32(11);
    const centre = randomVector(rng, 0.6);
    const direction = randomVector(rng, 1);
    // Faces spread along a line: the two ends (0.64 apart) arrive first and start two groups.
    const spread = [-0.32, 0.32, -0.16, 0, 0.16, 0.08, -0.08].map((t, i) => ({ id: `ann-${i}`, descriptor: add(add(centre, direction, t), randomVector(rng, 0.03)) }));
    const bob = personFaces(rng, 'bob', 4);
    const grouping = new PeopleGrouping();
    grouping.addFaces(spread.slice(0, 2));
    grouping.addFaces([...spread.slice(2), ...bob]);
    expect(new Set(spread.map((f) => grouping.personOf(f.id))).size).toBe(2);
    grouping.setName(grouping.personOf('ann-0')!, 'Ann');

    grouping.regroup();
    const groups = groupsOf(grouping, [...spread, ...bob]);
    expect(groups.size).toBe(2);
    expect(new Set(spread.map((f) => grouping.personOf(f.id))).size).toBe(1);
    expect(grouping.findByName('ann')[0]!.faceIds).toHaveLength(7);
  });

  it('keeps a lone face apart and a pair of a rare person together', () => {
    const rng = mulberry32(12);
    const faces = [...personFaces(rng, 'ann', 5), ...personFaces(rng, 'pair', 2), ...personFaces(rng, 'lone', 1)];
    const grouping = new PeopleGrouping();
    grouping.addFaces(faces);
    grouping.regroup();
    const groups = groupsOf(grouping, faces);
    expect(groups.size).toBe(3);
    for (const members of groups.values()) expect(members.size).toBe(1);
  });
});

describe('user corrections', () => {
  it('a moved face stays where the user put it through new faces and re-grouping', () => {
    const rng = mulberry32(21);
    const ann = personFaces(rng, 'ann', 4);
    const bob = personFaces(rng, 'bob', 4);
    const grouping = new PeopleGrouping();
    grouping.addFaces([...ann, ...bob]);
    const bobId = grouping.personOf('bob-0')!;
    grouping.moveFace('ann-3', bobId);
    expect(grouping.pinOf('ann-3')).toBe('user');
    grouping.addFaces(personFaces(rng, 'more', 2));
    grouping.regroup();
    expect(grouping.personOf('ann-3')).toBe(bobId);
    expect(grouping.personOf('ann-0')).not.toBe(bobId);
  });

  it('a removed face is never assigned again, and does not pull new faces in', () => {
    const rng = mulberry32(22);
    const ann = personFaces(rng, 'ann', 4);
    const grouping = new PeopleGrouping();
    grouping.addFaces(ann);
    grouping.removeFace('ann-1');
    expect(grouping.personOf('ann-1')).toBeNull();
    grouping.regroup();
    expect(grouping.personOf('ann-1')).toBeNull();
    // A new face right next to the removed one still joins Ann through her other faces, not through it.
    grouping.addFaces([{ id: 'new-0', descriptor: add(ann[1]!.descriptor, randomVector(rng, 0.01)) }]);
    expect(grouping.personOf('new-0')).toBe(grouping.personOf('ann-0'));
    expect(grouping.personOf('ann-1')).toBeNull();
    grouping.unpinFace('ann-1');
    grouping.regroup();
    expect(grouping.personOf('ann-1')).toBe(grouping.personOf('ann-0'));
  });

  it('a merge is remembered by re-grouping; the kept person takes a name from the other', () => {
    const rng = mulberry32(23);
    const ann = personFaces(rng, 'ann', 3);
    const annOld = personFaces(rng, 'annold', 3); // the same person decades apart: far in descriptor space
    const grouping = new PeopleGrouping();
    grouping.addFaces([...ann, ...annOld]);
    const a = grouping.personOf('ann-0')!;
    const b = grouping.personOf('annold-0')!;
    expect(a).not.toBe(b);
    grouping.setName(b, 'Ann');
    grouping.merge(a, b);
    expect(grouping.people()).toEqual([{ id: a, name: 'Ann', hidden: false, faceIds: [...ann, ...annOld].map((f) => f.id).sort() }]);
    grouping.regroup();
    expect(grouping.people().map((p) => [p.id, p.faceIds.length])).toEqual([[a, 6]]);
    expect(() => grouping.merge(a, a)).toThrow(PeopleGroupingError);
    expect(() => grouping.merge(a, '999')).toThrow(/no person with id 999/);
  });

  it('moving a face to a new person starts a pinned group', () => {
    const rng = mulberry32(24);
    const grouping = new PeopleGrouping();
    grouping.addFaces(personFaces(rng, 'ann', 3));
    const fresh = grouping.moveFace('ann-2', null);
    expect(fresh).not.toBe(grouping.personOf('ann-0'));
    grouping.regroup();
    expect(grouping.personOf('ann-2')).toBe(fresh);
  });
});

describe('snapshot', () => {
  it('restores assignments, pins, names and hidden flags; new faces are grouped on restore', () => {
    const rng = mulberry32(31);
    const ann = personFaces(rng, 'ann', 3);
    const bob = personFaces(rng, 'bob', 3);
    const grouping = new PeopleGrouping();
    grouping.addFaces([...ann, ...bob]);
    const annId = grouping.personOf('ann-0')!;
    grouping.setName(annId, 'Ann');
    grouping.setHidden(grouping.personOf('bob-0')!, true);
    grouping.removeFace('bob-2');
    const snapshot = JSON.parse(JSON.stringify(grouping.snapshot())) as ReturnType<PeopleGrouping['snapshot']>;

    const more = personFaces(rng, 'ann2', 1, ann[0]!.descriptor);
    const restored = new PeopleGrouping({}, [...ann, ...bob, ...more], snapshot);
    expect(restored.people({ includeHidden: true })).toEqual(grouping.people({ includeHidden: true }).map((p) => (p.id === annId ? { ...p, faceIds: [...p.faceIds, 'ann2-0'].sort() } : p)));
    expect(restored.pinOf('bob-2')).toBe('removed');
    // The person counter continues: a new group never reuses an id.
    expect(restored.moveFace('bob-0', null)).toBe(String(snapshot.nextPersonNumber));
  });
});

describe('names', () => {
  it('finds people by whole name or one word of it, ignoring case and accents', () => {
    const rng = mulberry32(41);
    const grouping = new PeopleGrouping();
    grouping.addFaces(personFaces(rng, 'marie', 2));
    grouping.setName(grouping.personOf('marie-0')!, '  Marie  Skłodowska-Curie ');
    expect(grouping.people()[0]!.name).toBe('Marie  Skłodowska-Curie');
    expect(grouping.findByName('MARIE')).toHaveLength(1);
    expect(grouping.findByName('curie')).toHaveLength(1);
    expect(grouping.findByName('marie sklodowska curie')).toHaveLength(1);
    expect(grouping.findByName('pierre')).toHaveLength(0);
    expect(foldName('Zoë  O’Neil')).toBe('zoe o neil');
  });
});
