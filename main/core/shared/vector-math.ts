// Vector math with one home: dot products (cosine of unit vectors), Euclidean distance (face
// descriptors), unit length, and weighted or plain means of unit vectors (query arithmetic, videos).

/** Dot product (the cosine similarity of two unit vectors); missing values of `b` count as 0. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * (b[i] ?? 0);
  return sum;
}

/** Euclidean distance over the dimensions both have (face descriptors are compared this way). */
export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** Scales `v` to unit length in place (a zero vector stays zero) and returns it. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** The weighted sum of vectors, scaled to unit length (query arithmetic: "beach + sunset - people"). */
export function combineVectors(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const dimension = vectors[0]?.length ?? 0;
  const sum = new Float32Array(dimension);
  vectors.forEach((v, i) => {
    const w = weights[i] ?? 1;
    for (let d = 0; d < dimension; d++) sum[d] = sum[d]! + w * v[d]!;
  });
  return normalizeInPlace(sum);
}

/** The normalised mean of unit vectors (all zeros for none): the direction a set of vectors shares. */
export function meanDirection(vectors: readonly Float32Array[]): Float32Array {
  return combineVectors(vectors, vectors.map(() => 1));
}
