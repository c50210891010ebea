// Tests the checks on text lines that cross from the model process.
import { describe, expect, it } from 'vitest';
import { joinTextLines, parseTextLines } from './text-line.ts';

const good = { text: 'OPEN', confidence: 0.98, box: { x: 0.1, y: 0.2, width: 0.3, height: 0.05 } };

describe('parseTextLines', () => {
  it('keeps well-formed lines (and only their known fields)', () => {
    expect(parseTextLines([{ ...good, extra: 1 }])).toEqual([good]);
    expect(parseTextLines([])).toEqual([]);
    expect(joinTextLines([good, { ...good, text: '24 h' }])).toBe('OPEN\n24 h');
  });

  it('names what is wrong', () => {
    expect(() => parseTextLines('OPEN')).toThrow(/must be an array, got string/);
    expect(() => parseTextLines([good, { ...good, confidence: 2 }])).toThrow(/Text line 1 is not/);
    expect(() => parseTextLines([{ ...good, box: { x: 0, y: 0, width: 1.5, height: 0.1 } }])).toThrow(/Text line 0/);
    expect(() => parseTextLines([null])).toThrow(/Text line 0/);
  });
});
