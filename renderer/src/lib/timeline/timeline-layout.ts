// The timeline's geometry: photos grouped under month and day headers, in justified rows that keep each
// photo's aspect ratio. Pure arithmetic over typed arrays, so 100k photos lay out in a few milliseconds and
// the grid only asks "which rows are on screen" (binary search). See [Note: timeline skeleton].

// [Note: timeline skeleton]
// The grid cannot load 100k photos to lay them out, but justified rows need every photo's shape and the
// headers need every photo's day. The core sends a skeleton instead (photos.timeline: the days with their
// counts, newest first, and one aspect ratio per photo, ~5 bytes a photo); the layout is computed from it
// here, and the photos themselves are paged in (photos.list) only for the rows on screen.

export interface TimelineGroup {
  /** 'YYYY-MM-DD'; null for photos without a date. */
  day: string | null;
  count: number;
}

export interface TimelineInput {
  groups: readonly TimelineGroup[];
  /** One width/height ratio per photo, in order. */
  aspects: ArrayLike<number>;
  /** Month and day headers (false: one run of rows, as for results ordered by relevance). */
  headers: boolean;
  width: number;
  targetRowHeight: number;
  gap: number;
  monthHeaderHeight?: number;
  dayHeaderHeight?: number;
}

export interface TimelineHeader {
  kind: 'month' | 'day';
  /** 'YYYY-MM' for a month, 'YYYY-MM-DD' for a day; null for the undated photos. */
  key: string | null;
  top: number;
  height: number;
  /** The first photo under it. */
  index: number;
}

export interface TimelineLayout {
  height: number;
  rowCount: number;
  rowTop: Float64Array;
  rowHeight: Float64Array;
  rowStart: Int32Array;
  rowLength: Int32Array;
  headers: TimelineHeader[];
  /** Month headers only (the date scrubber's stops). */
  months: TimelineHeader[];
  aspects: ArrayLike<number>;
  gap: number;
}

export function layoutTimeline(input: TimelineInput): TimelineLayout {
  const { groups, aspects, width, targetRowHeight, gap } = input;
  const monthHeight = input.monthHeaderHeight ?? 52;
  const dayHeight = input.dayHeaderHeight ?? 34;
  const capacity = Math.max(1, aspects.length);
  let rowTop = new Float64Array(capacity);
  let rowHeight = new Float64Array(capacity);
  let rowStart = new Int32Array(capacity);
  let rowLength = new Int32Array(capacity);
  let rows = 0;
  const headers: TimelineHeader[] = [];
  const months: TimelineHeader[] = [];
  let y = 0;
  let index = 0;
  let month: string | null | undefined;
  const usable = Math.max(1, width);

  const pushRow = (start: number, length: number, height: number) => {
    rowTop[rows] = y;
    rowHeight[rows] = height;
    rowStart[rows] = start;
    rowLength[rows] = length;
    rows++;
    y += height + gap;
  };

  const effective = input.headers ? groups : [{ day: null, count: aspects.length }];
  for (const group of effective) {
    if (group.count <= 0) continue;
    if (input.headers) {
      const groupMonth = group.day ? group.day.slice(0, 7) : null;
      if (groupMonth !== month) {
        month = groupMonth;
        const header: TimelineHeader = { kind: 'month', key: groupMonth, top: y, height: monthHeight, index };
        headers.push(header);
        months.push(header);
        y += monthHeight;
      }
      if (group.day !== null) {
        headers.push({ kind: 'day', key: group.day, top: y, height: dayHeight, index });
        y += dayHeight;
      }
    }
    // Greedy justified rows within the group: add photos until the row at the target height is wider
    // than the space, then shrink its height so it fits exactly. The last row keeps the target height.
    const end = index + group.count;
    let start = index;
    let sum = 0;
    for (let i = index; i < end; i++) {
      sum += aspectAt(aspects, i);
      const n = i - start + 1;
      const rowWidth = sum * targetRowHeight + gap * (n - 1);
      if (rowWidth >= usable) {
        pushRow(start, n, Math.max(1, (usable - gap * (n - 1)) / sum));
        start = i + 1;
        sum = 0;
      }
    }
    if (start < end) {
      const n = end - start;
      pushRow(start, n, Math.min(targetRowHeight, (usable - gap * (n - 1)) / sum));
    }
    index = end;
    if (input.headers) y += gap * 2;
  }
  if (rows < capacity) {
    rowTop = rowTop.slice(0, rows);
    rowHeight = rowHeight.slice(0, rows);
    rowStart = rowStart.slice(0, rows);
    rowLength = rowLength.slice(0, rows);
  }
  return { height: Math.max(0, y), rowCount: rows, rowTop, rowHeight, rowStart, rowLength, headers, months, aspects, gap };
}

function aspectAt(aspects: ArrayLike<number>, i: number): number {
  const a = aspects[i];
  return a !== undefined && Number.isFinite(a) && a > 0 ? a : 1;
}

/** The first row whose bottom is below y (binary search). */
export function rowAtY(layout: TimelineLayout, y: number): number {
  let lo = 0;
  let hi = layout.rowCount - 1;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout.rowTop[mid]! + layout.rowHeight[mid]! < y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row that holds a photo (binary search on row starts). */
export function rowOfIndex(layout: TimelineLayout, index: number): number {
  let lo = 0;
  let hi = layout.rowCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.rowStart[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

export interface PlacedTile {
  index: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The tiles of one row, left to right. */
export function rowTiles(layout: TimelineLayout, row: number): PlacedTile[] {
  const tiles: PlacedTile[] = [];
  const height = layout.rowHeight[row]!;
  const top = layout.rowTop[row]!;
  let x = 0;
  const start = layout.rowStart[row]!;
  for (let i = start; i < start + layout.rowLength[row]!; i++) {
    const width = aspectAt(layout.aspects, i) * height;
    tiles.push({ index: i, x, y: top, width, height });
    x += width + layout.gap;
  }
  return tiles;
}

/** The tiles on screen between two heights (rows that overlap [top, bottom]). */
export function tilesBetween(layout: TimelineLayout, top: number, bottom: number): PlacedTile[] {
  const tiles: PlacedTile[] = [];
  for (let row = rowAtY(layout, top); row < layout.rowCount && layout.rowTop[row]! <= bottom; row++) tiles.push(...rowTiles(layout, row));
  return tiles;
}

/** Up/down from a photo: the photo of the row above/below whose middle is nearest the photo's middle. */
export function verticalNeighbour(layout: TimelineLayout, index: number, direction: -1 | 1): number {
  if (layout.rowCount === 0) return index;
  const row = rowOfIndex(layout, index);
  const target = row + direction;
  if (target < 0 || target >= layout.rowCount) return index;
  const here = rowTiles(layout, row).find((t) => t.index === index);
  const middle = here ? here.x + here.width / 2 : 0;
  let best = layout.rowStart[target]!;
  let distance = Infinity;
  for (const tile of rowTiles(layout, target)) {
    const d = Math.abs(tile.x + tile.width / 2 - middle);
    if (d < distance) {
      distance = d;
      best = tile.index;
    }
  }
  return best;
}

/** The month header at or above a height (what the scrubber shows as "you are here"). */
export function monthAtY(layout: TimelineLayout, y: number): TimelineHeader | undefined {
  let found: TimelineHeader | undefined;
  for (const month of layout.months) {
    if (month.top <= y + 1) found = month;
    else break;
  }
  return found;
}

/** Groups photos already in date order (newest first) by day, for search results sorted by date. */
export function groupByDay(takenAt: ReadonlyArray<string | null>): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  for (const value of takenAt) {
    const day = value ? value.slice(0, 10) : null;
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.count++;
    else groups.push({ day, count: 1 });
  }
  return groups;
}
