// Parses rclip-style query arithmetic: "beach + sunset - people", weights "2:dog", photo paths as terms.
export interface QueryTerm {
  /** The text (or photo path) of the term. */
  text: string;
  /** Signed weight: "- people" gives -1, "2:dog" gives 2. */
  weight: number;
}

/**
 * Splits on + and - that stand between terms (surrounded by spaces or at the start), so hyphenated
 * words ("t-shirt") and paths with dashes stay whole. A weight prefix "N:" applies to one term.
 */
export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const parts = query.trim().split(/(?:^|\s+)([+-])\s+/);
  // split with a capture group alternates: text, sign, text, sign, text...
  let sign = 1;
  for (const [index, raw] of parts.entries()) {
    if (index % 2 === 1) {
      sign = raw === '-' ? -1 : 1;
      continue;
    }
    const part = raw.trim();
    if (!part) continue;
    const weighted = /^(-?\d+(?:\.\d+)?):(.+)$/s.exec(part);
    const weight = weighted ? Number(weighted[1]) : 1;
    const text = (weighted ? weighted[2]! : part).trim();
    if (text) terms.push({ text, weight: sign * weight });
    sign = 1;
  }
  return terms;
}

/** Dot product (the cosine similarity of two unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * (b[i] ?? 0);
  return sum;
}

/** Weighted sum of unit vectors, normalised again. */
export function combineVectors(vectors: Float32Array[], weights: number[]): Float32Array {
  const dim = vectors[0]?.length ?? 0;
  const sum = new Float32Array(dim);
  vectors.forEach((v, i) => {
    const w = weights[i] ?? 1;
    for (let d = 0; d < dim; d++) sum[d] = sum[d]! + w * v[d]!;
  });
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += sum[d]! * sum[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) sum[d] = sum[d]! / norm;
  return sum;
}
