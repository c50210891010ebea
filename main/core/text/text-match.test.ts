// Tests the forgiving text matching used to search recognised text.
import { describe, expect, it } from 'vitest';
import { compactText, dropQueryFiller, isLiteralTextQuery, matchText, normaliseText, parseTextQuery, rankTextMatches } from './text-match.ts';

describe('normaliseText / compactText', () => {
  it('folds case, accents, compatibility forms and white space', () => {
    expect(normaliseText('  Café  CRÈME\n brûlée ')).toBe('cafe creme brulee');
    expect(normaliseText('ﬁne Ｆｕｌｌｗｉｄｔｈ')).toBe('fine fullwidth');
    expect(normaliseText('Mızıka Straße Øl Łódź')).toBe('mizika strasse ol lodz');
    expect(compactText('RE16 TGK')).toBe('re16tgk');
    expect(compactText('F.U.N. 015 — Blonde!')).toBe('fun015blonde');
  });
});

describe('parseTextQuery', () => {
  it('separates quoted literals from plain words', () => {
    expect(parseTextQuery('"RE16" car')).toEqual({ literals: ['re16'], words: ['car'] });
    expect(parseTextQuery('“Open 24h” sign “late')).toEqual({ literals: ['open 24h', 'late'], words: ['sign'] });
    expect(parseTextQuery('happy birthday')).toEqual({ literals: [], words: ['happy', 'birthday'] });
    expect(isLiteralTextQuery('"x"')).toBe(true);
    expect(isLiteralTextQuery('x')).toBe(false);
  });
});

describe('matchText', () => {
  it('finds words run together ("happy birthday" in "HAPPYBIRTHDAYANNA")', () => {
    expect(matchText('HAPPYBIRTHDAYANNA', 'happy birthday')).toEqual({ matched: true, score: 1 });
    expect(matchText('HAPPYBIRTHDAYANNA', 'happybirthday anna')).toEqual({ matched: true, score: 1 });
  });

  it('finds a substring, with or without spaces ("RE16" in "RE16 TGK")', () => {
    expect(matchText('RE16 TGK', 'RE16').matched).toBe(true);
    expect(matchText('RE16 TGK', 're16tgk').matched).toBe(true);
    expect(matchText('RE16TGK', 're16 tgk').matched).toBe(true);
    expect(matchText('RE16 TGK', 'RE17').matched).toBe(false);
  });

  it('ignores case and accents on both sides, and finds words on different lines', () => {
    expect(matchText('CAFÉ DU MONDE\nCrème brûlée 5€', 'cafe creme').matched).toBe(true);
    expect(matchText('cafe du monde', 'Café').matched).toBe(true);
  });

  it('scores a partial match by the share of words found', () => {
    expect(matchText('FRESH BREAD DAILY', 'fresh cheese')).toEqual({ matched: false, score: 0.5 });
    expect(matchText('FRESH BREAD DAILY', 'wine cheese')).toEqual({ matched: false, score: 0 });
  });

  it('ignores one-letter words in plain queries, and photos without text', () => {
    expect(matchText('A B C', 'a')).toEqual({ matched: false, score: 0 });
    expect(matchText('', 'bread')).toEqual({ matched: false, score: 0 });
    expect(matchText('SALE', '')).toEqual({ matched: false, score: 0 });
  });

  it('treats a quoted query as literal text: spaces count, case and accents do not', () => {
    expect(matchText('RE16 TGK', '"re16 tgk"').matched).toBe(true);
    expect(matchText('RE16TGK', '"re16 tgk"').matched).toBe(false);
    expect(matchText('Open 24 HOURS', '"24 hours"').matched).toBe(true);
    expect(matchText('Crème brûlée', '"creme brulee"').matched).toBe(true);
    expect(matchText('RE-16 / TGK', '"re-16/tgk"').matched).toBe(true);
    expect(matchText('RE16 TGK', '"RE16" tgk').matched).toBe(true);
    expect(matchText('RE16 TGK', '"RE16" bus')).toEqual({ matched: false, score: 0.5 });
  });
});

describe('rankTextMatches', () => {
  it('keeps complete matches only, words run together and short texts first', () => {
    const items = [
      { id: 'page', text: 'Happy birthday to you, happy birthday dear Anna, happy birthday to you' },
      { id: 'cake', text: 'HAPPYBIRTHDAYANNA' },
      { id: 'card', text: 'Birthday party — happy guests' },
      { id: 'menu', text: 'Soup of the day' },
    ];
    expect(rankTextMatches(items, 'happy birthday').map((r) => [r.item.id, r.score])).toEqual([['cake', 1], ['page', 1], ['card', 0.9]]);
    expect(rankTextMatches(items, 'happy birthday', 1).map((r) => r.item.id)).toEqual(['cake']);
    expect(rankTextMatches(items, '"dear anna"').map((r) => r.item.id)).toEqual(['page']);
  });
});

describe('dropQueryFiller', () => {
  it('keeps what is written, not how the search is phrased', () => {
    expect(dropQueryFiller('the photo of fresh bread')).toBe('fresh bread');
    expect(dropQueryFiller('sign that says "Open 24h"')).toBe('"open 24h" sign');
    expect(dropQueryFiller('photo of the')).toBe('');
  });
});
