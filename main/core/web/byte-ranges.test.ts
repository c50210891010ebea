// Tests Range header parsing for video streaming: whole, part, suffix, open-ended, unsatisfiable, ignored.
import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-ranges.ts';

describe('parseByteRange', () => {
  it('reads one range in each of its forms', () => {
    expect(parseByteRange('bytes=0-', 1000)).toEqual({ kind: 'part', start: 0, end: 999 });
    expect(parseByteRange('bytes=100-199', 1000)).toEqual({ kind: 'part', start: 100, end: 199 });
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ kind: 'part', start: 0, end: 999 });
  });

  it('refuses ranges outside the file and ignores what it does not understand', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=500-100', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange(undefined, 1000)).toEqual({ kind: 'whole' });
    expect(parseByteRange('bytes=0-1,5-9', 1000)).toEqual({ kind: 'whole' });
    expect(parseByteRange('items=0-1', 1000)).toEqual({ kind: 'whole' });
    expect(parseByteRange('bytes=-', 1000)).toEqual({ kind: 'whole' });
  });
});
