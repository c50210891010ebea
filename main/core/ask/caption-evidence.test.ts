// Tests for matching a question's subject against captions.
import { describe, expect, it } from 'vitest';
import { captionSupports, contentWords, stem } from './caption-evidence.ts';

describe('caption evidence', () => {
  it('folds plurals', () => {
    expect(['motorcycles', 'buses', 'people', 'cities', 'dogs', 'grass'].map(stem)).toEqual(['motorcycle', 'bus', 'person', 'city', 'dog', 'grass']);
  });
  it('keeps the words that matter', () => {
    expect(contentWords('motorcycles outside a convenience store at night')).toEqual(['motorcycle', 'convenience', 'store', 'night']);
  });
  it('matches captions that mention every content word', () => {
    const required = contentWords('dogs on the beach during the day');
    expect(captionSupports('two white dogs on a beach in the daytime', required)).toBe(true);
    expect(captionSupports('two white dogs in a park in the daytime', required)).toBe(false);
    expect(captionSupports('a red boat at a harbor at night', contentWords('elephants'))).toBe(false);
  });
});
