// What the text reader returns: recognised lines with a confidence and a box in the displayed photo.

/** A box as fractions 0–1 of the displayed (upright) photo: left, top, width, height. */
export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextLine {
  text: string;
  /** Mean probability of the recognised characters, 0–1. */
  confidence: number;
  box: TextBox;
}

/** The lines' text in reading order, one line per row. */
export function joinTextLines(lines: readonly TextLine[]): string {
  return lines.map((line) => line.text).join('\n');
}
