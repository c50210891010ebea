// Turns the text detector's probability map into text boxes (PaddleOCR's DB post-processing, without OpenCV).
//
// [Note: DB post-processing]
// PP-OCR's detector (DB, "differentiable binarisation") outputs, per pixel of its input, the
// probability that the pixel lies inside a text region that was SHRUNK during training (by a margin
// D = area·(1 − 0.4²)/perimeter). Reading boxes back follows PaddleOCR's DBPostProcess with its
// default settings: threshold the map at 0.3; take each connected region (8-connected; PaddleOCR
// takes contours, which for a filled region is the same outline); fit the minimum-area rotated
// rectangle (convex hull + rotating calipers, as cv2.minAreaRect); drop it when its shorter side is
// under 3 px or the mean probability inside it is under 0.6 ("box_score_fast"); grow it back by
// d = area·1.5/perimeter ("unclip" — for a rectangle the rounded offset polygon's minimum-area
// rectangle is the rectangle grown by d on every side, so no polygon clipper is needed); drop it when
// its shorter side is then under 5 px. Regions are never merged with their neighbours: widely spaced
// words stay separate boxes, and each box is read on its own (see text-reader.inference.ts).
// A map with no pixel above the threshold returns at once: the fast path for photos without text.

export interface Point {
  x: number;
  y: number;
}

/** Corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** A rotated rectangle: centre, unit vector along its (near-horizontal) width, half sizes. */
export interface RotatedRect {
  cx: number;
  cy: number;
  ux: number;
  uy: number;
  halfWidth: number;
  halfHeight: number;
}

export interface DetectionSettings {
  /** Pixels above this probability are text. */
  threshold: number;
  /** A region's mean probability must reach this. */
  boxThreshold: number;
  /** How much to grow a shrunk region back (PaddleOCR's unclip_ratio). */
  unclipRatio: number;
  /** Shorter side, in map pixels, below which a region is dropped. */
  minSize: number;
  /** At most this many regions are looked at (largest first). */
  maxCandidates: number;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
};

export interface DetectedBox {
  /** Corners in the map's pixel coordinates. */
  rect: RotatedRect;
  /** Mean probability inside the region's tight rectangle. */
  score: number;
}

/** The highest value of a probability map (the fast path compares it with the threshold). */
export function maxOf(values: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** Text boxes in a `width`×`height` probability map, see [Note: DB post-processing]. */
export function boxesFromProbabilityMap(prob: Float32Array, width: number, height: number, settings: DetectionSettings = DEFAULT_DETECTION_SETTINGS): DetectedBox[] {
  if (prob.length !== width * height) throw new RangeError(`boxesFromProbabilityMap: map has ${prob.length} values, expected ${width}×${height}.`);
  if (maxOf(prob) <= settings.threshold) return [];
  const regions = connectedRegions(prob, width, height, settings.threshold);
  regions.sort((a, b) => b.pixelCount - a.pixelCount);
  const boxes: DetectedBox[] = [];
  for (const region of regions.slice(0, settings.maxCandidates)) {
    const rect = minAreaRect(region.outline);
    if (!rect || 2 * Math.min(rect.halfWidth, rect.halfHeight) < settings.minSize) continue;
    const score = meanInside(prob, width, height, rect);
    if (score < settings.boxThreshold) continue;
    const grown = unclip(rect, settings.unclipRatio);
    if (2 * Math.min(grown.halfWidth, grown.halfHeight) < settings.minSize + 2) continue;
    boxes.push({ rect: grown, score });
  }
  return boxes;
}

interface Region {
  pixelCount: number;
  /** Pixel centres at the left and right end of every row: enough for the convex hull. */
  outline: Point[];
}

function connectedRegions(prob: Float32Array, width: number, height: number, threshold: number): Region[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const regions: Region[] = [];
  for (let start = 0; start < prob.length; start++) {
    if (seen[start] || prob[start]! <= threshold) continue;
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let top = 0;
    let count = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const index = stack[--top]!;
      count++;
      const x = index % width;
      const y = (index - x) / width;
      const min = rowMin.get(y);
      if (min === undefined || x < min) rowMin.set(y, x);
      const max = rowMax.get(y);
      if (max === undefined || x > max) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const next = ny * width + nx;
          if (seen[next] || prob[next]! <= threshold) continue;
          seen[next] = 1;
          stack[top++] = next;
        }
      }
    }
    const outline: Point[] = [];
    for (const [y, min] of rowMin) {
      outline.push({ x: min, y });
      const max = rowMax.get(y)!;
      if (max !== min) outline.push({ x: max, y });
    }
    regions.push({ pixelCount: count, outline });
  }
  return regions;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in image coordinates' maths sense. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length <= 2) return sorted;
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * The minimum-area rectangle around `points` (rotating calipers over the hull's edges), with its
 * width axis the one nearer horizontal. Null for fewer than two distinct points.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect | null {
  const hull = convexHull(points);
  if (hull.length < 2) return null;
  let best: { area: number; ux: number; uy: number; minU: number; maxU: number; minV: number; maxV: number } | null = null;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length === 0) continue;
    const ux = (b.x - a.x) / length;
    const uy = (b.y - a.y) / length;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (!best || area < best.area) best = { area, ux, uy, minU, maxU, minV, maxV };
  }
  if (!best) return null;
  const cu = (best.minU + best.maxU) / 2;
  const cv = (best.minV + best.maxV) / 2;
  const rect: RotatedRect = {
    cx: cu * best.ux - cv * best.uy,
    cy: cu * best.uy + cv * best.ux,
    ux: best.ux,
    uy: best.uy,
    halfWidth: (best.maxU - best.minU) / 2,
    halfHeight: (best.maxV - best.minV) / 2,
  };
  return nearHorizontal(rect);
}

/** The same rectangle described with its width axis the one nearer horizontal, pointing right. */
function nearHorizontal(rect: RotatedRect): RotatedRect {
  let { ux, uy, halfWidth, halfHeight } = rect;
  if (Math.abs(uy) > Math.abs(ux)) {
    [ux, uy] = [-uy, ux];
    [halfWidth, halfHeight] = [halfHeight, halfWidth];
  }
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  return { ...rect, ux, uy, halfWidth, halfHeight };
}

/** Mean probability of the map pixels whose centre lies inside `rect`. */
function meanInside(prob: Float32Array, width: number, height: number, rect: RotatedRect): number {
  const extentX = Math.abs(rect.ux) * rect.halfWidth + Math.abs(rect.uy) * rect.halfHeight;
  const extentY = Math.abs(rect.uy) * rect.halfWidth + Math.abs(rect.ux) * rect.halfHeight;
  const x0 = Math.max(0, Math.floor(rect.cx - extentX));
  const x1 = Math.min(width - 1, Math.ceil(rect.cx + extentX));
  const y0 = Math.max(0, Math.floor(rect.cy - extentY));
  const y1 = Math.min(height - 1, Math.ceil(rect.cy + extentY));
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - rect.cx;
      const dy = y - rect.cy;
      if (Math.abs(dx * rect.ux + dy * rect.uy) > rect.halfWidth + 0.5 || Math.abs(-dx * rect.uy + dy * rect.ux) > rect.halfHeight + 0.5) continue;
      sum += prob[y * width + x]!;
      count++;
    }
  }
  return count ? sum / count : 0;
}

/** Grows a shrunk text rectangle back to the text's extent, see [Note: DB post-processing]. */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const w = 2 * rect.halfWidth;
  const h = 2 * rect.halfHeight;
  const distance = (w * h * ratio) / (2 * (w + h));
  return { ...rect, halfWidth: rect.halfWidth + distance, halfHeight: rect.halfHeight + distance };
}

/** The rectangle's corners, scaled by (sx, sy), clamped to [0, maxX]×[0, maxY]. */
export function quadOf(rect: RotatedRect, sx = 1, sy = 1, maxX = Infinity, maxY = Infinity): Quad {
  const { cx, cy, ux, uy, halfWidth: hw, halfHeight: hh } = rect;
  // v = (-uy, ux) points down when u points right.
  const corner = (a: number, b: number): Point => ({
    x: Math.min(maxX, Math.max(0, (cx + a * hw * ux - b * hh * uy) * sx)),
    y: Math.min(maxY, Math.max(0, (cy + a * hw * uy + b * hh * ux) * sy)),
  });
  return [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
}
