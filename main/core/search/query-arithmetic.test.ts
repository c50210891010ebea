// Tests for query arithmetic parsing and vector combination.
import { describe, expect, it } from 'vitest';
import { parseQuery } from './query-arithmetic.ts';
import { combineVectors } from '../shared/vector-math.ts';

describe('parseQuery', () => {
  it('reads a plain query as one term', () => {
    expect(parseQuery('motorcycles outside a convenience store')).toEqual([{ text: 'motorcycles outside a convenience store', weight: 1 }]);
  });
  it('adds and subtracts terms', () => {
    expect(parseQuery('beach + sunset - people')).toEqual([
      { text: 'beach', weight: 1 },
      { text: 'sunset', weight: 1 },
      { text: 'people', weight: -1 },
    ]);
  });
  it('applies weights and keeps hyphenated words and paths whole', () => {
    expect(parseQuery('2:dog - 0.5:t-shirt + /photos/my-cat.jpg')).toEqual([
      { text: 'dog', weight: 2 },
      { text: 't-shirt', weight: -0.5 },
      { text: '/photos/my-cat.jpg', weight: 1 },
    ]);
  });
  it('returns nothing for an empty query', () => {
    expect(parseQuery('   ')).toEqual([]);
  });
});

describe('combineVectors', () => {
  it('returns a unit vector of the weighted sum', () => {
    const v = combineVectors([Float32Array.from([1, 0]), Float32Array.from([0, 1])], [1, -1]);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2);
    expect(v[1]).toBeCloseTo(-Math.SQRT1_2);
  });
});
