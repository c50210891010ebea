// Clicks and the selection: open, toggle, ranges both ways, gaps in unloaded pages, selection mode.
import { describe, expect, it } from 'vitest';
import { clickSelection } from './selection-rules.ts';

const pathAt = (i: number) => (i >= 0 && i < 20 ? `/p/${i}.jpg` : undefined);
const base = { selected: new Set<string>(), anchor: null, shift: false, toggle: false, pathAt };

describe('clickSelection', () => {
  it('opens the photo on a plain click when nothing is selected', () => {
    expect(clickSelection({ ...base, index: 3 })).toEqual({ selected: new Set(), anchor: null, open: true });
  });

  it('toggles with Ctrl/Cmd (or the checkbox), and a plain click toggles once something is selected', () => {
    const first = clickSelection({ ...base, index: 3, toggle: true });
    expect(first).toEqual({ selected: new Set(['/p/3.jpg']), anchor: 3, open: false });
    const second = clickSelection({ ...base, selected: first.selected, anchor: first.anchor, index: 7 });
    expect(second.selected).toEqual(new Set(['/p/3.jpg', '/p/7.jpg']));
    expect(second.open).toBe(false);
    const third = clickSelection({ ...base, selected: second.selected, anchor: 7, index: 3, toggle: true });
    expect(third.selected).toEqual(new Set(['/p/7.jpg']));
  });

  it('adds the range from the anchor with Shift, in either direction, keeping what was selected', () => {
    const down = clickSelection({ ...base, selected: new Set(['/p/0.jpg', '/p/5.jpg']), anchor: 5, index: 8, shift: true });
    expect([...down.selected].sort()).toEqual(['/p/0.jpg', '/p/5.jpg', '/p/6.jpg', '/p/7.jpg', '/p/8.jpg']);
    expect(down.anchor).toBe(5);
    const up = clickSelection({ ...base, selected: new Set(['/p/5.jpg']), anchor: 5, index: 3, shift: true });
    expect([...up.selected].sort()).toEqual(['/p/3.jpg', '/p/4.jpg', '/p/5.jpg']);
  });

  it('Shift without an anchor selects the one photo; a photo still loading is left alone', () => {
    expect(clickSelection({ ...base, index: 4, shift: true }).selected).toEqual(new Set(['/p/4.jpg']));
    expect(clickSelection({ ...base, index: 40, toggle: true })).toEqual({ selected: new Set(), anchor: null, open: false });
  });
});
