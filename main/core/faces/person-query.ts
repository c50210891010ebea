// Finds named people in a search query or question ("Ann at the beach" → person Ann + "at the beach"). Pure.
import { foldName } from './people-grouping.ts';

export interface PersonQuery {
  /** The names (as the user wrote them when naming) found in the query, in order of appearance. */
  names: string[];
  /** The query without the names and the words that only linked them ("photos of", "with", "and"). */
  rest: string;
}

const LINK_WORDS = new Set(['of', 'with', 'and', 'photos', 'photo', 'pictures', 'picture', 'pics', 'images', 'my', 'me', 'show', 'find', 'the', '&']);

/**
 * A person is found by their whole name, or by its first word alone ("Marie" for "Marie Curie"), as whole
 * words, ignoring case and accents; the longest name wins where names overlap. Words that are not a
 * person's name are left alone, so "rose garden" finds a person only if someone is named Rose.
 */
export function findPeopleInQuery(query: string, names: readonly string[]): PersonQuery {
  const words = query.split(/\s+/).filter(Boolean);
  const folded = words.map((w) => foldName(w.replace(/['’]s$/i, '')));
  const candidates = names
    .flatMap((name) => {
      const parts = foldName(name).split(' ').filter(Boolean);
      const forms = [parts];
      if (parts.length > 1) forms.push(parts.slice(0, 1));
      return forms.map((form) => ({ name, form }));
    })
    .filter((c) => c.form.length > 0)
    .sort((a, b) => b.form.length - a.form.length);
  const taken = new Array<boolean>(words.length).fill(false);
  const found: Array<{ name: string; at: number }> = [];
  for (const { name, form } of candidates) {
    for (let i = 0; i + form.length <= words.length; i++) {
      if (taken.slice(i, i + form.length).some(Boolean)) continue;
      if (form.every((part, k) => folded[i + k] === part)) {
        for (let k = 0; k < form.length; k++) taken[i + k] = true;
        if (!found.some((f) => f.name === name)) found.push({ name, at: i });
      }
    }
  }
  if (found.length === 0) return { names: [], rest: query.trim() };
  const kept = words.filter((_, i) => !taken[i]);
  // Drop linking words next to where names were, and at the ends ("photos of Ann and Bob at the beach" → "at the beach").
  while (kept.length && LINK_WORDS.has(foldName(kept[0]!))) kept.shift();
  while (kept.length && LINK_WORDS.has(foldName(kept[kept.length - 1]!))) kept.pop();
  return { names: found.sort((a, b) => a.at - b.at).map((f) => f.name), rest: kept.join(' ') };
}
