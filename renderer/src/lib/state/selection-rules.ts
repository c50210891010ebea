// How clicks change a multi-selection, as in every photo app: plain click opens (or toggles once something is
// selected), Ctrl/Cmd-click toggles, Shift-click adds the range from the last clicked photo. Pure, keyed by path.

export interface ClickInput {
  /** Paths selected now. */
  selected: ReadonlySet<string>;
  /** Index of the last photo clicked into the selection (the range's other end). */
  anchor: number | null;
  index: number;
  shift: boolean;
  /** Ctrl (or Cmd on a Mac), or a click on the tile's checkbox. */
  toggle: boolean;
  /** The path at an index (undefined while its page is not loaded). */
  pathAt: (index: number) => string | undefined;
}

export interface ClickOutcome {
  selected: Set<string>;
  anchor: number | null;
  /** The click opens the photo instead (nothing is selected and no modifier was held). */
  open: boolean;
}

export function clickSelection(input: ClickInput): ClickOutcome {
  const { selected, anchor, index, pathAt } = input;
  const path = pathAt(index);
  const next = new Set(selected);
  if (!path) return { selected: next, anchor, open: false };
  if (input.shift && anchor !== null) {
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    for (let i = from; i <= to; i++) {
      const p = pathAt(i);
      if (p) next.add(p);
    }
    return { selected: next, anchor, open: false };
  }
  if (input.toggle || input.shift || selected.size > 0) {
    if (next.has(path)) next.delete(path);
    else next.add(path);
    return { selected: next, anchor: index, open: false };
  }
  return { selected: next, anchor, open: true };
}
