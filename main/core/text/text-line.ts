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

const isFraction = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;

/**
 * The text lines in a value that crossed from the model process (or was read back from storage), or
 * a RangeError naming what is wrong: nothing unchecked reaches the library.
 */
export function parseTextLines(value: unknown): TextLine[] {
  if (!Array.isArray(value)) throw new RangeError(`Text lines must be an array, got ${typeof value}.`);
  return value.map((item: unknown, i) => {
    const line = item as Partial<TextLine> | null;
    const box = line?.box as Partial<TextBox> | undefined;
    if (typeof line?.text !== 'string' || !isFraction(line.confidence) || !box || !isFraction(box.x) || !isFraction(box.y) || !isFraction(box.width) || !isFraction(box.height)) {
      throw new RangeError(`Text line ${i} is not {text, confidence 0–1, box of fractions 0–1}: ${JSON.stringify(item)?.slice(0, 200)}.`);
    }
    return { text: line.text, confidence: line.confidence, box: { x: box.x, y: box.y, width: box.width, height: box.height } };
  });
}
