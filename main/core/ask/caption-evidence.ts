// Checks whether a caption supports a subject ("red cars at night"): every content word of the subject
// must appear in the caption (plurals and simple word forms folded). Used to ground library answers.
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'some', 'any', 'of', 'in', 'on', 'at', 'by', 'with', 'and', 'or', 'to', 'from', 'for', 'near', 'next',
  'outside', 'inside', 'front', 'behind', 'under', 'over', 'into', 'onto', 'one', 'there', 'is', 'are', 'was', 'were', 'my',
  'me', 'photo', 'photos', 'picture', 'pictures', 'image', 'images', 'shot', 'shots', 'showing', 'that', 'which', 'who', 'it',
  'during', 'time', 'taken',
]);

const IRREGULAR: Record<string, string> = { people: 'person', men: 'man', women: 'woman', children: 'child', mice: 'mouse', geese: 'goose', feet: 'foot', teeth: 'tooth' };

/** A crude stem: irregular plurals, then -ies/-es/-s. Good enough to match caption words to query words. */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(?:ses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The words a caption must contain for the subject to count as shown. */
export function contentWords(subject: string): string[] {
  return [...new Set(words(subject).filter((w) => !STOP_WORDS.has(w)).map(stem))];
}

/** True when every content word of the subject is in the caption (a caption word may extend it: day → daytime). */
export function captionSupports(caption: string, required: string[]): boolean {
  const captionStems = words(caption).map(stem);
  return required.every((word) => captionStems.some((c) => c === word || (word.length >= 3 && c.startsWith(word))));
}
