// Zoom keeps the point under the cursor in place, stays within its limits, and panning never loses the photo.
import { describe, expect, it } from 'vitest';
import { IDENTITY, MAX_SCALE, panBy, toggleZoom, zoomAbout } from './zoom.ts';

const W = 800;
const H = 600;
/** Where a point of the photo (relative to the centre at scale 1) lands on screen. */
const screen = (s: { scale: number; x: number; y: number }, px: number, py: number) => [s.x + s.scale * px, s.y + s.scale * py];

describe('zoom', () => {
  it('keeps the point under the cursor where it was', () => {
    const zoomed = zoomAbout(IDENTITY, 2, 200, -100, W, H);
    expect(zoomed.scale).toBe(2);
    const [x, y] = screen(zoomed, 200, -100);
    expect(x).toBeCloseTo(200);
    expect(y).toBeCloseTo(-100);
    const more = zoomAbout(zoomed, 1.5, 50, 50, W, H);
    const p = [(50 - zoomed.x) / zoomed.scale, (50 - zoomed.y) / zoomed.scale] as const;
    const [x2, y2] = screen(more, p[0], p[1]);
    expect(x2).toBeCloseTo(50);
    expect(y2).toBeCloseTo(50);
  });

  it('stays between fit and 8×, and is centred again at fit', () => {
    expect(zoomAbout(IDENTITY, 0.5, 100, 100, W, H)).toEqual(IDENTITY);
    expect(zoomAbout(IDENTITY, 100, 0, 0, W, H).scale).toBe(MAX_SCALE);
    const zoomed = zoomAbout(IDENTITY, 3, 300, 200, W, H);
    expect(zoomAbout(zoomed, 1 / 3, 0, 0, W, H)).toEqual({ scale: 1, x: 0, y: 0 });
  });

  it('pans only as far as the photo reaches', () => {
    const zoomed = { scale: 2, x: 0, y: 0 };
    expect(panBy(zoomed, 10_000, -10_000, W, H)).toEqual({ scale: 2, x: W / 2, y: -H / 2 });
    expect(panBy(IDENTITY, 50, 50, W, H)).toEqual(IDENTITY);
  });

  it('double-click zooms in about the point, and back out', () => {
    const zoomed = toggleZoom(IDENTITY, 100, 0, W, H);
    expect(zoomed.scale).toBe(2.5);
    expect(toggleZoom(zoomed, 0, 0, W, H)).toEqual(IDENTITY);
  });
});
