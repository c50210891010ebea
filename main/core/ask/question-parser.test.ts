// Tests for reading library-wide questions: intent, date filters, subject.
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
});
