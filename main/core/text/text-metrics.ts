// Reading-quality measures for recognised text: edit distance, character error rate, word recall.
import { normaliseText } from './text-match.ts';

/** Levenshtein distance between two strings, by code point. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** Edits needed to turn the reading into the truth, per character of the truth (both normalised: case, accents, white space). */
export function characterErrorRate(truth: string, reading: string): number {
  const t = normaliseText(truth);
  const r = normaliseText(reading);
  if (!t.length) return r.length ? 1 : 0;
  return editDistance(t, r) / [...t].length;
}

/** The normalised words of a text (letters and digits; punctuation separates). */
export function wordsOf(text: string): string[] {
  return normaliseText(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** How many of the truth's words the reading has (each reading word counts once). */
export function wordsFound(truth: string, reading: string): { found: number; total: number } {
  const available = new Map<string, number>();
  for (const word of wordsOf(reading)) available.set(word, (available.get(word) ?? 0) + 1);
  let found = 0;
  const words = wordsOf(truth);
  for (const word of words) {
    const left = available.get(word) ?? 0;
    if (left > 0) {
      found++;
      available.set(word, left - 1);
    }
  }
  return { found, total: words.length };
}
