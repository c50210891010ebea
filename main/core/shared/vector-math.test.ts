// Tests the shared vector math: dot, Euclidean distance, unit length, weighted and plain means.
import { describe, expect, it } from 'vitest';
import { combineVectors, dot, euclideanDistance, meanDirection, normalizeInPlace } from './vector-math.ts';

const v = (...values: number[]) => Float32Array.from(values);

describe('vector math', () => {
  it('dot is the cosine of unit vectors', () => {
    expect(dot(v(1, 0), v(0, 1))).toBe(0);
    expect(dot(v(0.6, 0.8), v(0.6, 0.8))).toBeCloseTo(1, 6);
    expect(dot(v(1, 2, 3), v(1, 1))).toBe(3); // missing values count as 0
  });
  it('euclideanDistance compares the dimensions both have', () => {
    expect(euclideanDistance(v(0, 0), v(3, 4))).toBe(5);
    expect(euclideanDistance(v(1, 1, 9), v(1, 1))).toBe(0);
  });
  it('normalizeInPlace scales to unit length and leaves a zero vector alone', () => {
    const x = v(3, 4);
    expect(normalizeInPlace(x)).toBe(x);
    expect(Array.from(x)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(normalizeInPlace(v(0, 0)))).toEqual([0, 0]);
  });
  it('combineVectors is the unit weighted sum; meanDirection the unit mean', () => {
    const c = combineVectors([v(1, 0), v(0, 1)], [1, -1]);
    expect(c[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(c[1]).toBeCloseTo(-Math.SQRT1_2, 6);
    const m = meanDirection([v(1, 0), v(0, 1)]);
    expect(dot(m, m)).toBeCloseTo(1, 6);
    expect(m[0]).toBeCloseTo(m[1]!, 6);
    expect(meanDirection([]).length).toBe(0);
  });
});
