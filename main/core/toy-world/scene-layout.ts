// Places a scene's objects in non-overlapping rows inside the image's central square (unit coordinates).
import type { Scene } from './scene-sampler.ts';
import type { Color, Kind, Setting } from './vocabulary.ts';
import { shuffled, type Rng } from './seeded-random.ts';

// [Note: toy-world layout]
// Everything is laid out in a unit square (0..1 both ways) that the drawing maps onto the central
// square of the image (side = the image's short side), because CLIP-style preprocessors resize the
// short side and centre-crop: nothing the caption names may fall outside that square. Objects stand on
// one or two horizontal rows (a back row on the sidewalk / grass / water and a front row on the road /
// ground), side by side with gaps, so they never overlap. Sizes are in hundredths of the square.

/** Nominal footprint of each kind, in hundredths of the central square (width, height). */
export const FOOTPRINT: Readonly<Record<Kind, { w: number; h: number }>> = {
  motorcycle: { w: 32, h: 22 },
  bicycle: { w: 32, h: 21 },
  car: { w: 36, h: 21 },
  bus: { w: 46, h: 28 },
  boat: { w: 34, h: 30 },
  'convenience store': { w: 48, h: 36 },
  house: { w: 40, h: 40 },
  tree: { w: 26, h: 46 },
  person: { w: 14, h: 34 },
  dog: { w: 27, h: 20 },
  cat: { w: 17, h: 23 },
  bird: { w: 19, h: 16 },
  umbrella: { w: 28, h: 33 },
};

type RowName = 'back' | 'front' | 'water' | 'land';

interface RowSpec {
  name: RowName;
  /** Baseline (where objects stand), in unit coordinates from the top. */
  baseline: number;
}

/** Horizon and rows of each setting; the drawing paints matching bands. */
export const SETTING_GEOMETRY: Readonly<Record<Setting, { horizon: number; groundSplit: number; rows: readonly RowSpec[] }>> = {
  street: { horizon: 0.36, groundSplit: 0.63, rows: [{ name: 'back', baseline: 0.6 }, { name: 'front', baseline: 0.965 }] },
  park: { horizon: 0.4, groundSplit: 0.63, rows: [{ name: 'back', baseline: 0.6 }, { name: 'front', baseline: 0.965 }] },
  countryside: { horizon: 0.38, groundSplit: 0.63, rows: [{ name: 'back', baseline: 0.6 }, { name: 'front', baseline: 0.965 }] },
  beach: { horizon: 0.3, groundSplit: 0.6, rows: [{ name: 'water', baseline: 0.56 }, { name: 'land', baseline: 0.965 }] },
  harbor: { horizon: 0.3, groundSplit: 0.6, rows: [{ name: 'water', baseline: 0.56 }, { name: 'land', baseline: 0.965 }] },
};

const ROW_WIDTH = 96;
const MARGIN = 2;
const GAP = 3;
/** Below this shrink factor a row is too crowded to read; the sampler redraws such scenes. */
const MIN_ROW_SCALE = 0.82;

function allowedRows(setting: Setting, kind: Kind): RowName[] {
  if (setting === 'beach' || setting === 'harbor') return kind === 'boat' ? ['water'] : ['land'];
  if (kind === 'convenience store' || kind === 'house' || kind === 'tree') return ['back'];
  if (kind === 'car' || kind === 'bus') return ['front'];
  if (setting === 'street' && kind === 'motorcycle') return ['front'];
  return ['front', 'back'];
}

interface Slot {
  kind: Kind;
  color: Color;
}

function rowWidth(slots: readonly Slot[]): number {
  if (slots.length === 0) return 0;
  return slots.reduce((sum, s) => sum + FOOTPRINT[s.kind].w, 0) + GAP * (slots.length - 1);
}

/** Deterministic assignment of every drawn object to a row (no randomness, so fit checks are cheap). */
function assignRows(scene: Scene): Map<RowName, Slot[]> {
  const rows = new Map<RowName, Slot[]>(SETTING_GEOMETRY[scene.setting].rows.map((r) => [r.name, []]));
  const rowOf = (name: RowName): Slot[] => rows.get(name) ?? [];
  // Fixed kinds first, then the flexible ones fill whichever row has most room.
  const ordered = [...scene.objects].sort(
    (a, b) => allowedRows(scene.setting, a.kind).length - allowedRows(scene.setting, b.kind).length,
  );
  for (const obj of ordered) {
    const allowed = allowedRows(scene.setting, obj.kind);
    const group: Slot[] = Array.from({ length: obj.count }, () => ({ kind: obj.kind, color: obj.color }));
    const roomiest = (): RowName =>
      allowed.reduce((best, r) => (rowWidth(rowOf(r)) < rowWidth(rowOf(best)) ? r : best), allowed[0] as RowName);
    const target = roomiest();
    if (rowWidth([...rowOf(target), ...group]) <= ROW_WIDTH || allowed.length === 1) {
      rowOf(target).push(...group);
    } else {
      for (const slot of group) rowOf(roomiest()).push(slot);
    }
  }
  return rows;
}

/** Whether the scene can be drawn without shrinking any row below MIN_ROW_SCALE. */
export function layoutFits(scene: Scene): boolean {
  for (const slots of assignRows(scene).values()) {
    if (rowWidth(slots) > ROW_WIDTH / MIN_ROW_SCALE) return false;
  }
  return true;
}

export interface PlacedObject {
  kind: Kind;
  color: Color;
  /** Centre x, unit coordinates of the central square. */
  cx: number;
  /** Baseline y (where the object stands), unit coordinates. */
  baseline: number;
  /** Size factor applied to FOOTPRINT (1 = nominal). */
  scale: number;
  /** Bounding box in unit coordinates: [x0, y0, x1, y1]. */
  box: [number, number, number, number];
}

/** Places every drawn object with slight seeded jitter in size, spacing and baseline; back rows first. */
export function layoutScene(scene: Scene, rng: Rng): PlacedObject[] {
  const rows = assignRows(scene);
  const placed: PlacedObject[] = [];
  for (const spec of SETTING_GEOMETRY[scene.setting].rows) {
    const slots = rows.get(spec.name) ?? [];
    if (slots.length === 0) continue;
    // Keep each kind's instances together (easier to count), in a random order of kinds.
    const kindOrder = shuffled(rng, [...new Set(slots.map((s) => s.kind))]);
    const ordered = kindOrder.flatMap((k) => slots.filter((s) => s.kind === k));
    const rowScale = Math.min(1, ROW_WIDTH / rowWidth(ordered));
    const scales = ordered.map(() => rowScale * (0.88 + 0.12 * rng()));
    const widths = ordered.map((s, i) => FOOTPRINT[s.kind].w * (scales[i] ?? 1));
    const free = Math.max(0, ROW_WIDTH - widths.reduce((a, b) => a + b, 0) - GAP * (ordered.length - 1));
    const weights = Array.from({ length: ordered.length + 1 }, () => 0.2 + rng());
    const total = weights.reduce((a, b) => a + b, 0);
    let x = MARGIN + (free * (weights[0] ?? 0)) / total;
    ordered.forEach((slot, i) => {
      const scale = scales[i] ?? 1;
      const w = widths[i] ?? 0;
      const h = FOOTPRINT[slot.kind].h * scale;
      const jitterY = spec.name === 'front' || spec.name === 'land' ? -0.025 + 0.03 * rng() : -0.015 + 0.015 * rng();
      const baseline = spec.baseline + jitterY;
      const cx = (x + w / 2) / 100;
      placed.push({ kind: slot.kind, color: slot.color, cx, baseline, scale, box: [x / 100, baseline - h / 100, (x + w) / 100, baseline] });
      x += w + GAP + (free * (weights[i + 1] ?? 0)) / total;
    });
  }
  return placed;
}
