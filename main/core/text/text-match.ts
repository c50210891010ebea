// Forgiving matching of search queries against text read in photos (case, accents, spaces, substrings).
//
// [Note: forgiving text matching]
// Recognised text is imperfect in ways a user cannot guess: spaces go missing between widely spaced
// words ("HAPPYBIRTHDAYANNA"), signs are in capitals, accents are dropped or added, a number plate
// "RE16 TGK" is searched as "RE16". So a plain query matches when its words, compared without case,
// accents, spaces or punctuation, occur anywhere in the photo's text, alone or run together ("happy
// birthday" finds "HAPPYBIRTHDAYANNA"). A quoted query ("\"RE16\"") asks for that literal text: still
// case- and accent-blind (OCR gets those wrong), but spaces and punctuation count and nothing else of
// the query is searched by meaning. Words of one character are ignored by the plain match (they would
// match nearly every photo with text); quote them to search for them.

/** Latin letters that NFKD does not split into a base letter and an accent. */
const FOLDS: Record<string, string> = { ı: 'i', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ß: 'ss', æ: 'ae', œ: 'oe' };

/** Lower case, accents removed (NFKD, combining marks dropped, ı ø ł ß … folded), runs of white space as one space. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ıøłđðþßæœ]/gu, (letter) => FOLDS[letter] ?? letter)
    .replace(/\s+/gu, ' ')
    .trim();
}

/** normaliseText with everything but letters and digits removed: "RE16 TGK" → "re16tgk". */
export function compactText(text: string): string {
  return normaliseText(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface TextQuery {
  /** Quoted parts, normalised: each must occur literally. */
  literals: string[];
  /** The unquoted words, normalised. */
  words: string[];
}

/** Splits a query into quoted literals and plain words; an unclosed quote runs to the end. */
export function parseTextQuery(query: string): TextQuery {
  const literals: string[] = [];
  const rest: string[] = [];
  const pattern = /["“”„«»]([^"“”„«»]*)(?:["“”„«»]|$)/gu;
  let last = 0;
  for (const match of query.matchAll(pattern)) {
    rest.push(query.slice(last, match.index));
    const literal = normaliseText(match[1] ?? '');
    if (literal) literals.push(literal);
    last = match.index + match[0].length;
  }
  rest.push(query.slice(last));
  const words = normaliseText(rest.join(' ')).split(' ').filter(Boolean);
  return { literals, words };
}

/** True when the query has a quoted part, i.e. asks for a literal text search. */
export function isLiteralTextQuery(query: string): boolean {
  return parseTextQuery(query).literals.length > 0;
}

export interface TextMatch {
  matched: boolean;
  /** 0–1: the share of the query found (1 when it all is). */
  score: number;
}

/**
 * How well `query` matches a photo's recognised `text`, see [Note: forgiving text matching]. Literal
 * parts must all occur; plain words match run together or one by one, as substrings.
 */
export function matchText(text: string, query: string | TextQuery): TextMatch {
  const parsed = typeof query === 'string' ? parseTextQuery(query) : query;
  const normalised = normaliseText(text);
  const compact = compactText(text);
  if (!compact) return { matched: false, score: 0 };
  const parts: boolean[] = parsed.literals.map((literal) => normalised.includes(literal) || collapseAroundPunctuation(normalised).includes(collapseAroundPunctuation(literal)));
  const words = parsed.words.map(compactText).filter((word) => word.length >= 2);
  if (words.length) {
    const together = words.join('');
    if (compact.includes(together)) parts.push(...words.map(() => true));
    else parts.push(...words.map((word) => compact.includes(word)));
  }
  if (!parts.length) return { matched: false, score: 0 };
  const found = parts.filter(Boolean).length;
  return { matched: found === parts.length, score: found / parts.length };
}

/** "RE-16 / TGK" and "re-16/tgk" compare equal: spaces next to punctuation do not count. */
function collapseAroundPunctuation(text: string): string {
  return text.replace(/\s*([^\p{L}\p{N}\s])\s*/gu, '$1');
}

/**
 * The photos whose text matches `query` completely, best first (more of the query run together, then
 * shorter text: a sign that says just the words beats a page that mentions them).
 */
export function rankTextMatches<T extends { text: string }>(items: readonly T[], query: string, limit = Infinity): Array<{ item: T; score: number }> {
  const parsed = parseTextQuery(query);
  const together = parsed.words.map(compactText).join('');
  const ranked: Array<{ item: T; score: number; length: number }> = [];
  for (const item of items) {
    const match = matchText(item.text, parsed);
    if (!match.matched) continue;
    const compact = compactText(item.text);
    const score = together && compact.includes(together) ? 1 : 0.9;
    ranked.push({ item, score, length: compact.length });
  }
  ranked.sort((a, b) => b.score - a.score || a.length - b.length);
  return ranked.slice(0, limit).map(({ item, score }) => ({ item, score }));
}

/** Words that say how to search, not what is written ("photo of", "sign that says"). */
const QUERY_FILLER = new Set(['photo', 'photos', 'picture', 'pictures', 'image', 'images', 'of', 'the', 'a', 'an', 'with', 'showing', 'that', 'which', 'says', 'saying', 'said', 'reads', 'reading', 'written', 'text', 'words']);

/**
 * A plain query without the words that describe the search rather than the text ("the photo of fresh
 * bread" → "fresh bread"); quoted parts are kept as they are. Empty when nothing else is left.
 */
export function dropQueryFiller(query: string): string {
  const parsed = parseTextQuery(query);
  const words = parsed.words.filter((word) => !QUERY_FILLER.has(word));
  return [...parsed.literals.map((literal) => `"${literal}"`), ...words].join(' ');
}
