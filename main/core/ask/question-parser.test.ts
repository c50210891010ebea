// Tests for reading library-wide questions: intent, date and place filters, subject.
import { describe, expect, it } from 'vitest';
import { parseQuestion } from './question-parser.ts';

const now = new Date(2026, 10, 29);

describe('parseQuestion', () => {
  it('reads a show question with a relative year', () => {
    expect(parseQuestion('show me motorcycles at night from last year', now)).toEqual({ intent: 'show', subject: 'motorcycles at night', since: '2025-01-01', until: '2025-12-31', when: 'from last year' });
  });
  it('reads a counting question', () => {
    expect(parseQuestion('How many photos of dogs on the beach?', now)).toMatchObject({ intent: 'count', subject: 'dogs on the beach' });
  });
  it('reads a yes/no question with a month', () => {
    expect(parseQuestion('Do I have any photos of boats in May 2024?', now)).toMatchObject({ intent: 'exists', subject: 'boats', since: '2024-05-01', until: '2024-05-31' });
  });
  it('reads a bare year and leaves other numbers alone', () => {
    expect(parseQuestion('red cars in 2023', now)).toMatchObject({ subject: 'red cars', since: '2023-01-01', until: '2023-12-31' });
    const plain = parseQuestion('three people on a beach', now);
    expect(plain.subject).toBe('three people on a beach');
    expect(plain.since).toBeUndefined();
  });
  it('reads a place named in the question, with or without a date, and leaves look-alikes alone', () => {
    const q = parseQuestion('show me motorcycles in Lisbon from 2023', now);
    expect(q).toMatchObject({ subject: 'motorcycles', since: '2023-01-01', place: { name: 'Lisbon', radiusKm: 40 } });
    expect(q.place!.lat).toBeCloseTo(38.72, 1);
    expect(parseQuestion('how many photos of dogs on the beach near saigon?', now)).toMatchObject({ intent: 'count', subject: 'dogs on the beach', place: { name: 'Ho Chi Minh City' } });
    expect(parseQuestion('boats at a harbor in new york city', now)).toMatchObject({ subject: 'boats at a harbor', place: { name: 'New York' } });
    expect(parseQuestion('a person in romeo costume', now).place).toBeUndefined(); // "rome" only as a whole word
    expect(parseQuestion('a park at night', now).place).toBeUndefined();
    expect(parseQuestion('my photos from Kyoto', now)).toMatchObject({ subject: '', place: { name: 'Kyoto' } });
  });
  it('reads cities beyond the bundled list from the offline GeoNames places, and only sizeable ones', () => {
    const q = parseQuestion('how many photos of dogs in Porto from 2023?', now);
    expect(q).toMatchObject({ intent: 'count', subject: 'dogs', since: '2023-01-01', place: { name: 'Porto' } });
    expect(q.place!.lat).toBeCloseTo(41.15, 1);
    expect(parseQuestion('trams in Bordeaux', now)).toMatchObject({ subject: 'trams', place: { name: 'Bordeaux' } });
    expect(parseQuestion('boats in são josé dos campos', now).place?.name).toBe('São José dos Campos');
    // Villages and words that happen to be place names stay words.
    expect(parseQuestion('dogs on the beach at night', now).place).toBeUndefined();
    expect(parseQuestion('a dog in the rocks', now).place).toBeUndefined();
  });
});
