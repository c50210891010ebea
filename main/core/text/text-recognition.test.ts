// Tests CTC decoding, word-gap spacing and quad straightening on hand-made inputs.
import { describe, expect, it } from 'vitest';
import { decodeCtc, rotateCounterClockwise, spaceWideGaps, warpQuad, type RgbImage } from './text-recognition.ts';

/** One-hot CTC output: per frame the class to fire (0 = blank). */
function frames(classes: number, path: number[]): Float32Array {
  const probs = new Float32Array(path.length * classes);
  path.forEach((c, t) => (probs[t * classes + c] = 0.9));
  return probs;
}

/** A white 48 px line with black 6-px "letters" at the given x positions. */
function line(width: number, letters: number[]): RgbImage {
  const data = new Uint8Array(width * 48 * 3).fill(255);
  for (const x0 of letters) for (let y = 10; y < 38; y++) for (let x = x0; x < x0 + 6; x++) data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height: 48 };
}

describe('decodeCtc', () => {
  it('collapses repeats, drops blanks and maps class i to dictionary entry i - 1', () => {
    const characters = ['a', 'b', 'c', ' '];
    const decoded = decodeCtc(frames(5, [0, 1, 1, 0, 1, 2, 2, 0, 4, 3, 0]), 11, 5, characters);
    expect(decoded.text).toBe('aab c');
    expect(decoded.confidence).toBeCloseTo(0.9);
    expect(decoded.characters.map((c) => c.frame)).toEqual([1, 4, 5, 8, 9]);
  });

  it('returns empty text with zero confidence when only blanks fire', () => {
    expect(decodeCtc(frames(3, [0, 0, 0]), 3, 3, ['a', 'b'])).toEqual({ text: '', confidence: 0, characters: [] });
  });
});

describe('spaceWideGaps', () => {
  // Letters every 10 px (4 px gaps); a 30 px gap between the 3rd and 4th letter. 8 px per frame.
  const letters = [10, 20, 30, 66, 76, 86];
  const image = line(110, letters);
  const characters = ['A', 'B', 'C', 'D', 'E', 'F'].map((text, i) => ({ text, frame: Math.floor((letters[i]! + 3) / 8) }));

  it('puts a space in a gap much wider than the gaps between letters', () => {
    expect(spaceWideGaps({ text: 'ABCDEF', confidence: 0.9, characters }, image, 8)).toBe('ABC DEF');
  });

  it('keeps the space the model gave, and leaves evenly spaced letters alone', () => {
    const spaced = [...characters.slice(0, 3), { text: ' ', frame: 6 }, ...characters.slice(3)];
    expect(spaceWideGaps({ text: 'ABC DEF', confidence: 0.9, characters: spaced }, image, 8)).toBe('ABC DEF');
    const even = [10, 20, 30, 40, 50, 60];
    const evenChars = even.map((x, i) => ({ text: 'ABCDEF'[i]!, frame: Math.floor((x + 3) / 8) }));
    expect(spaceWideGaps({ text: 'ABCDEF', confidence: 0.9, characters: evenChars }, line(80, even), 8)).toBe('ABCDEF');
  });

  it('does not split scripts written without spaces', () => {
    const han = characters.map((c, i) => ({ ...c, text: '一二三四五六'[i]! }));
    expect(spaceWideGaps({ text: '一二三四五六', confidence: 0.9, characters: han }, image, 8)).toBe('一二三四五六');
  });
});

describe('warpQuad / rotateCounterClockwise', () => {
  it('cuts an axis-aligned quad out unchanged, and a quarter turn moves the top row to the left column', () => {
    const source: RgbImage = { data: new Uint8Array(4 * 2 * 3), width: 4, height: 2 };
    for (let i = 0; i < 8; i++) source.data.fill(i * 30, i * 3, i * 3 + 3);
    const cut = warpQuad(source, [{ x: 1, y: 0 }, { x: 3, y: 0 }, { x: 3, y: 2 }, { x: 1, y: 2 }], 2, 2);
    expect([...cut.data].filter((_, i) => i % 3 === 0)).toEqual([30, 60, 150, 180]);
    const turned = rotateCounterClockwise(cut);
    expect([...turned.data].filter((_, i) => i % 3 === 0)).toEqual([60, 180, 30, 150]);
  });
});
