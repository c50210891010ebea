// The timeline geometry: justified rows keep aspect ratios and fill the width, headers sit where the days
// and months start, lookups by height and by photo agree, and 100k photos lay out in one pass.
import { describe, expect, it } from 'vitest';
import { groupByDay, layoutTimeline, monthAtY, rowAtY, rowOfIndex, rowTiles, tilesBetween, verticalNeighbour } from './timeline-layout.ts';

const base = { width: 1000, targetRowHeight: 200, gap: 4, headers: true, monthHeaderHeight: 50, dayHeaderHeight: 30 };

describe('layoutTimeline', () => {
  it('fills each full row to the exact width and keeps every aspect ratio', () => {
    const aspects = [1.5, 0.75, 1.33, 1, 2, 1.5, 0.66, 1.33, 1.5, 1];
    const layout = layoutTimeline({ ...base, groups: [{ day: '2024-05-03', count: 10 }], aspects });
    expect(layout.rowCount).toBeGreaterThan(1);
    for (let row = 0; row < layout.rowCount; row++) {
      const tiles = rowTiles(layout, row);
      for (const tile of tiles) expect(tile.width / tile.height).toBeCloseTo(aspects[tile.index]!, 6);
      const last = tiles[tiles.length - 1]!;
      if (row < layout.rowCount - 1) expect(last.x + last.width).toBeCloseTo(1000, 6);
      else expect(last.x + last.width).toBeLessThanOrEqual(1000 + 1e-6);
      expect(layout.rowHeight[row]).toBeLessThanOrEqual(200);
    }
    const covered = Array.from({ length: layout.rowCount }, (_, r) => rowTiles(layout, r).map((t) => t.index)).flat();
    expect(covered).toEqual(aspects.map((_, i) => i));
  });

  it('puts a month header where the month changes and a day header over every day', () => {
    const layout = layoutTimeline({
      ...base,
      groups: [
        { day: '2024-05-03', count: 3 },
        { day: '2024-05-01', count: 2 },
        { day: '2024-04-30', count: 1 },
        { day: null, count: 2 },
      ],
      aspects: [1, 1, 1, 1, 1, 1, 1, 1],
    });
    expect(layout.headers.map((h) => [h.kind, h.key, h.index])).toEqual([
      ['month', '2024-05', 0],
      ['day', '2024-05-03', 0],
      ['day', '2024-05-01', 3],
      ['month', '2024-04', 5],
      ['day', '2024-04-30', 5],
      ['month', null, 6],
    ]);
    // Each header sits just above the first row of its photos.
    for (const header of layout.headers.filter((h) => h.kind === 'day')) {
      const row = rowOfIndex(layout, header.index);
      expect(layout.rowTop[row]).toBeCloseTo(header.top + header.height, 6);
    }
    expect(layout.months.map((m) => m.key)).toEqual(['2024-05', '2024-04', null]);
    expect(monthAtY(layout, layout.months[1]!.top + 10)?.key).toBe('2024-04');
  });

  it('lays out without headers as one run of rows (results by relevance)', () => {
    const layout = layoutTimeline({ ...base, headers: false, groups: [], aspects: [1, 1, 1, 1, 1, 1] });
    expect(layout.headers).toEqual([]);
    expect(layout.rowTop[0]).toBe(0);
    // Five squares of 200 plus gaps overflow 1000 by 16 px: the row takes all five, a little lower.
    expect(rowTiles(layout, 0).length).toBe(5);
    expect(layout.rowHeight[0]).toBeCloseTo((1000 - 16) / 5, 6);
  });

  it('finds rows by height and by photo, and moves up and down to the nearest photo', () => {
    const aspects = Array.from({ length: 50 }, (_, i) => [1, 1.5, 0.75][i % 3]!);
    const layout = layoutTimeline({ ...base, headers: false, groups: [], aspects });
    for (let row = 0; row < layout.rowCount; row++) {
      expect(rowAtY(layout, layout.rowTop[row]! + 1)).toBe(row);
      expect(rowOfIndex(layout, layout.rowStart[row]!)).toBe(row);
    }
    const secondRow = layout.rowStart[1]!;
    const up = verticalNeighbour(layout, secondRow, -1);
    expect(rowOfIndex(layout, up)).toBe(0);
    expect(up).toBe(0); // the leftmost photo of row 1 is under the leftmost of row 0
    expect(verticalNeighbour(layout, 0, -1)).toBe(0);
    const onScreen = tilesBetween(layout, layout.rowTop[2]!, layout.rowTop[3]! + 1);
    expect(new Set(onScreen.map((t) => rowOfIndex(layout, t.index)))).toEqual(new Set([2, 3]));
  });

  it('lays out 100,000 photos over four thousand days', () => {
    const aspects = new Float32Array(100_000).map((_, i) => (i % 7 === 0 ? 0.75 : 1.33));
    const groups = groupByDay(Array.from({ length: 100_000 }, (_, i) => new Date(Date.UTC(2026, 0, 1) - i * 3_600_000).toISOString()));
    expect(groups.length).toBeGreaterThan(4000);
    const layout = layoutTimeline({ ...base, groups, aspects });
    expect(layout.rowStart[layout.rowCount - 1]! + layout.rowLength[layout.rowCount - 1]!).toBe(100_000);
    expect(layout.months.length).toBe(138); // Jan 2026, all of 2015-2025, Aug-Dec 2014
    const last = tilesBetween(layout, layout.height - 300, layout.height);
    expect(last.some((t) => t.index === 99_999)).toBe(true);
  });
});

describe('groupByDay', () => {
  it('groups consecutive photos of one day, undated photos together', () => {
    expect(groupByDay(['2024-05-03T10:00:00', '2024-05-03T09:00:00', '2024-05-01T12:00:00', null, null])).toEqual([
      { day: '2024-05-03', count: 2 },
      { day: '2024-05-01', count: 1 },
      { day: null, count: 2 },
    ]);
  });
});
