// Whether a query's best match stands out from the library's background: the "no good matches" test.
// See [Note: no good matches].

/** Mean and standard deviation of a list of scores (the background a query's best score is judged against). */
export function backgroundOf(scores: readonly number[]): { mean: number; std: number } {
  if (scores.length === 0) return { mean: 0, std: 0 };
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const variance = scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length;
  return { mean, std: Math.sqrt(variance) };
}
