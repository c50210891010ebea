// Draws a random toy-world scene description (setting, time, objects) from a seeded PRNG; re-exports the PRNG.
import {
  COUNTS,
  COLORS_BY_KIND,
  KINDS_BY_SETTING,
  SETTINGS,
  TIMES,
  isBuilding,
  type Color,
  type Count,
  type Kind,
  type Setting,
  type TimeOfDay,
} from './vocabulary.ts';
import { layoutFits } from './scene-layout.ts';
import { pick, shuffled, type Rng } from './seeded-random.ts';

export interface SceneObject {
  kind: Kind;
  color: Color;
  count: Count;
}

export interface Scene {
  setting: Setting;
  time: TimeOfDay;
  objects: SceneObject[];
}

export { mulberry32, deriveSeed, randomInt, pick, shuffled, type Rng } from './seeded-random.ts';

/** The most objects drawn in one image, all kinds together. */
export const MAX_DRAWN_OBJECTS = 6;

function sampleKindCount(rng: Rng): number {
  const u = rng();
  return u < 0.35 ? 1 : u < 0.75 ? 2 : 3;
}

/**
 * Draws a scene: a setting, a time, and 1–3 distinct kinds that belong there, each with a colour and a
 * count of 1–3 (buildings: one, at most one building per scene). Scenes that would not fit the layout
 * legibly are redrawn, so every returned scene renders without shrinking objects much.
 */
export function sampleScene(rng: Rng): Scene {
  for (;;) {
    const setting = pick(rng, SETTINGS);
    const time = pick(rng, TIMES);
    const wanted = sampleKindCount(rng);
    const kinds = shuffled(rng, KINDS_BY_SETTING[setting]);
    const objects: SceneObject[] = [];
    let hasBuilding = false;
    for (const kind of kinds) {
      if (objects.length === wanted) break;
      if (isBuilding(kind)) {
        if (hasBuilding) continue;
        hasBuilding = true;
      }
      const count: Count = isBuilding(kind) ? 1 : pick(rng, COUNTS);
      objects.push({ kind, color: pick(rng, COLORS_BY_KIND[kind]), count });
    }
    const scene: Scene = { setting, time, objects };
    const drawn = objects.reduce((sum, o) => sum + o.count, 0);
    if (drawn <= MAX_DRAWN_OBJECTS && layoutFits(scene)) return scene;
  }
}
