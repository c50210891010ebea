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
