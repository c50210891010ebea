// Tests finding named people in queries: whole names, first names, possessives, accents, overlaps, and words left for the description.
import { describe, expect, it } from 'vitest';
import { findPeopleInQuery } from './person-query.ts';

const NAMES = ['Ann', 'Marie Curie', 'Pierre Curie', 'Zoë'];

describe('findPeopleInQuery', () => {
  it('takes a name out of the query and keeps the description', () => {
    expect(findPeopleInQuery('Ann at the beach', NAMES)).toEqual({ names: ['Ann'], rest: 'at the beach' });
    expect(findPeopleInQuery('photos of ann', NAMES)).toEqual({ names: ['Ann'], rest: '' });
    expect(findPeopleInQuery("Ann's birthday cake", NAMES)).toEqual({ names: ['Ann'], rest: 'birthday cake' });
  });

  it('finds whole names before first names, several people, accents folded', () => {
    expect(findPeopleInQuery('Pierre Curie and Marie in the lab', NAMES)).toEqual({ names: ['Pierre Curie', 'Marie Curie'], rest: 'in the lab' });
    expect(findPeopleInQuery('zoe skiing', NAMES)).toEqual({ names: ['Zoë'], rest: 'skiing' });
  });

  it('leaves queries without a named person alone (a last name alone is not a first name)', () => {
    expect(findPeopleInQuery('red car at night', NAMES)).toEqual({ names: [], rest: 'red car at night' });
    expect(findPeopleInQuery('curie portrait', NAMES)).toEqual({ names: [], rest: 'curie portrait' });
    expect(findPeopleInQuery('annual report', NAMES)).toEqual({ names: [], rest: 'annual report' });
  });
});
