// Tests the DB post-processing geometry on probability maps drawn by hand.
import { describe, expect, it } from 'vitest';
import { boxesFromProbabilityMap, convexHull, minAreaRect, quadOf, unclip } from './text-detection.ts';

/** A map with value 0.9 inside each rotated rectangle (centre, size, angle in degrees) and 0.05 elsewhere. */
function drawMap(width: number, height: number, rects: Array<{ cx: number; cy: number; w: number; h: number; angle: number }>): Float32Array {
  const map = new Float32Array(width * height).fill(0.05);
  for (const r of rects) {
    const a = (r.angle * Math.PI) / 180;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = x - r.cx;
        const dy = y - r.cy;
        const u = dx * Math.cos(a) + dy * Math.sin(a);
        const v = -dx * Math.sin(a) + dy * Math.cos(a);
        if (Math.abs(u) <= r.w / 2 && Math.abs(v) <= r.h / 2) map[y * width + x] = 0.9;
      }
    }
  }
  return map;
}

describe('boxesFromProbabilityMap', () => {
  it('returns nothing for a map with no text (the fast path)', () => {
    expect(boxesFromProbabilityMap(new Float32Array(64 * 32).fill(0.1), 64, 32)).toEqual([]);
  });

  it('finds each separate region as its own box, grown back by the unclip distance', () => {
    const map = drawMap(200, 100, [{ cx: 50, cy: 30, w: 60, h: 12, angle: 0 }, { cx: 140, cy: 30, w: 60, h: 12, angle: 0 }, { cx: 100, cy: 75, w: 150, h: 10, angle: 0 }]);
    const boxes = boxesFromProbabilityMap(map, 200, 100);
    expect(boxes).toHaveLength(3);
    const first = boxes.find((b) => b.rect.cx < 80 && b.rect.cy < 50)!;
    // Tight rectangle 60×12 (pixel centres: 60 wide incl. both ends is 60 px → 60 − 1 between centres).
    const w = 60, h = 12;
    const d = (w * h * 1.5) / (2 * (w + h));
    expect(first.rect.halfWidth * 2).toBeCloseTo(w + 2 * d, 0);
    expect(first.rect.halfHeight * 2).toBeCloseTo(h + 2 * d, 0);
    expect(first.score).toBeGreaterThan(0.85);
  });

  it('keeps the angle of rotated text, with the width axis the near-horizontal one', () => {
    for (const angle of [-15, -7, 10, 15]) {
      const [box] = boxesFromProbabilityMap(drawMap(200, 120, [{ cx: 100, cy: 60, w: 120, h: 16, angle }]), 200, 120);
      expect(box).toBeDefined();
      expect((Math.atan2(box!.rect.uy, box!.rect.ux) * 180) / Math.PI).toBeCloseTo(angle, 0);
      expect(box!.rect.halfWidth).toBeGreaterThan(box!.rect.halfHeight);
      const quad = quadOf(box!.rect);
      expect(quad[0].x).toBeLessThan(quad[1].x);
      expect(quad[0].y).toBeLessThan(quad[3].y);
    }
  });

  it('drops specks and faint regions', () => {
    const map = drawMap(100, 60, [{ cx: 20, cy: 20, w: 2, h: 2, angle: 0 }]);
    for (let i = 0; i < 40; i++) map[40 * 100 + 50 + i] = 0.35;
    for (let i = 0; i < 40; i++) map[41 * 100 + 50 + i] = 0.35;
    for (let i = 0; i < 40; i++) map[42 * 100 + 50 + i] = 0.35;
    for (let i = 0; i < 40; i++) map[43 * 100 + 50 + i] = 0.35;
    expect(boxesFromProbabilityMap(map, 100, 60)).toEqual([]);
  });

  it('says when the map does not have the given size', () => {
    expect(() => boxesFromProbabilityMap(new Float32Array(10), 4, 4)).toThrow(/10 values, expected 4×4/);
  });
});

describe('geometry', () => {
  it('hull and minimum-area rectangle of a square', () => {
    const points = [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }, { x: 0, y: 4 }, { x: 2, y: 2 }];
    expect(convexHull(points)).toHaveLength(4);
    const rect = minAreaRect(points)!;
    expect(rect.cx).toBeCloseTo(2);
    expect(rect.cy).toBeCloseTo(2);
    expect(rect.halfWidth * rect.halfHeight * 4).toBeCloseTo(16);
  });

  it('unclip grows every side by area × ratio / perimeter', () => {
    const grown = unclip({ cx: 0, cy: 0, ux: 1, uy: 0, halfWidth: 10, halfHeight: 5 }, 1.5);
    const d = (20 * 10 * 1.5) / 60;
    expect(grown.halfWidth).toBeCloseTo(10 + d);
    expect(grown.halfHeight).toBeCloseTo(5 + d);
  });
});
