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
import { pick, type Rng } from './seeded-random.ts';

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

/** How many settings each kind appears in: rarer-setting kinds are drawn more often so kinds stay balanced. */
const SETTINGS_PER_KIND = new Map<Kind, number>();
for (const setting of SETTINGS) {
  for (const kind of KINDS_BY_SETTING[setting]) SETTINGS_PER_KIND.set(kind, (SETTINGS_PER_KIND.get(kind) ?? 0) + 1);
}

/** A random order of `kinds`, drawn without replacement with weight 1 / (settings the kind appears in). */
function weightedOrder(rng: Rng, kinds: readonly Kind[]): Kind[] {
  const left = [...kinds];
  const out: Kind[] = [];
  while (left.length > 0) {
    const weights = left.map((k) => 1 / (SETTINGS_PER_KIND.get(k) ?? 1));
    let u = rng() * weights.reduce((a, b) => a + b, 0);
    let i = 0;
    while (i < left.length - 1 && u >= (weights[i] ?? 0)) u -= weights[i++] ?? 0;
    out.push(...left.splice(i, 1));
  }
  return out;
}

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
  const setting = pick(rng, SETTINGS);
  const time = pick(rng, TIMES);
  // Keep the setting, time and number of kinds; redraw kinds and counts until the scene fits, and only
  // settle for fewer kinds if it keeps failing (three big kinds rarely fit), so those stay balanced.
  for (let wanted = sampleKindCount(rng); ; wanted = Math.max(1, wanted - 1)) {
    for (let attempt = 0; attempt < 30; attempt++) {
      const objects: SceneObject[] = [];
      let hasBuilding = false;
      for (const kind of weightedOrder(rng, KINDS_BY_SETTING[setting])) {
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
}
