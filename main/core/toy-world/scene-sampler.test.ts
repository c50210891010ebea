// Tests the seeded PRNG, the scene sampler's constraints and the layout (inside the square, no overlaps).
import { describe, expect, it } from 'vitest';
import { MAX_DRAWN_OBJECTS, mulberry32, sampleScene } from './scene-sampler.ts';
import { layoutScene } from './scene-layout.ts';
import { describeScene } from './scene-text.ts';
import { COLORS_BY_KIND, KINDS_BY_SETTING, isBuilding } from './vocabulary.ts';

const scenes = Array.from({ length: 2000 }, (_, i) => sampleScene(mulberry32(i)));

describe('mulberry32', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(mulberry32(43)()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('sampleScene', () => {
  it('draws 1–3 distinct kinds that fit the setting, with allowed colours and counts', () => {
    for (const scene of scenes) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(scene.objects.length).toBeLessThanOrEqual(3);
      expect(new Set(scene.objects.map((o) => o.kind)).size).toBe(scene.objects.length);
      expect(scene.objects.filter((o) => isBuilding(o.kind)).length).toBeLessThanOrEqual(1);
      expect(scene.objects.reduce((s, o) => s + o.count, 0)).toBeLessThanOrEqual(MAX_DRAWN_OBJECTS);
      for (const o of scene.objects) {
        expect(KINDS_BY_SETTING[scene.setting]).toContain(o.kind);
        expect(COLORS_BY_KIND[o.kind]).toContain(o.color);
        expect([1, 2, 3]).toContain(o.count);
        if (isBuilding(o.kind)) expect(o.count).toBe(1);
      }
    }
  });

  it('covers every setting, time, count and the 1/2/3-kind mixes', () => {
    const seen = (f: (s: (typeof scenes)[number]) => string[]): Set<string> => new Set(scenes.flatMap(f));
    expect(seen((s) => [s.setting]).size).toBe(5);
    expect(seen((s) => [s.time]).size).toBe(2);
    expect(seen((s) => s.objects.map((o) => String(o.count))).size).toBe(3);
    expect(seen((s) => [String(s.objects.length)]).size).toBe(3);
    expect(seen((s) => s.objects.map((o) => o.kind)).size).toBe(13);
  });
});

describe('layoutScene', () => {
  it('places every object once, inside the unit square, without overlaps', () => {
    scenes.forEach((scene, i) => {
      const placed = layoutScene(scene, mulberry32(i + 99));
      expect(placed.length).toBe(scene.objects.reduce((s, o) => s + o.count, 0));
      for (const [j, a] of placed.entries()) {
        expect(a.box[0]).toBeGreaterThanOrEqual(0);
        expect(a.box[1]).toBeGreaterThanOrEqual(0);
        expect(a.box[2]).toBeLessThanOrEqual(1);
        expect(a.box[3]).toBeLessThanOrEqual(1);
        expect(a.scale).toBeGreaterThan(0.7);
        for (const b of placed.slice(j + 1)) {
          const overlapX = Math.min(a.box[2], b.box[2]) - Math.max(a.box[0], b.box[0]);
          const overlapY = Math.min(a.box[3], b.box[3]) - Math.max(a.box[1], b.box[1]);
          expect(overlapX <= 1e-9 || overlapY <= 1e-9).toBe(true);
        }
      }
    });
  });
});

describe('describeScene', () => {
  it('writes natural captions and one-word answers', () => {
    const scene = { setting: 'street', time: 'night', objects: [{ kind: 'motorcycle', color: 'red', count: 2 }, { kind: 'convenience store', color: 'blue', count: 1 }] } as const;
    const captions = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const { caption, qa } = describeScene({ ...scene, objects: scene.objects.map((o) => ({ ...o })) }, mulberry32(i));
      captions.add(caption);
      expect(caption).toContain('two red motorcycles');
      expect(caption).toContain('a blue convenience store');
      expect(caption).toContain('at night');
      expect(qa).toContainEqual({ q: 'what color are the motorcycles?', a: 'red' });
      expect(qa).toContainEqual({ q: 'what color is the convenience store?', a: 'blue' });
      expect(qa).toContainEqual({ q: 'how many motorcycles are there?', a: 'two' });
    }
    expect(captions).toContain('two red motorcycles outside a blue convenience store on a street at night');
    const people = describeScene({ setting: 'beach', time: 'day', objects: [{ kind: 'person', color: 'green', count: 3 }] }, mulberry32(1));
    expect(people.caption).toContain('three people in green');
    expect(people.qa).toContainEqual({ q: 'what color are the people wearing?', a: 'green' });
  });
});
