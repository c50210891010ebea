// Reads a library-wide question: what is asked (count, show, yes/no), date and place filters, and the subject.
// "show me motorcycles at night from last year" → intent show, since/until = last year, subject
// "motorcycles at night". Dates are resolved against `now` in local time.
import { findPlace, type PlaceCircle } from './place-gazetteer.ts';

export type QuestionIntent = 'count' | 'show' | 'exists';

export interface ParsedQuestion {
  intent: QuestionIntent;
  subject: string;
  since?: string;
  until?: string;
  /** The date words we understood, echoed back in the answer ("from 2023"). */
  when?: string;
  /** A place named in the question ("in Lisbon"), matched against photos' GPS positions. */
  place?: PlaceCircle;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const pad = (n: number) => String(n).padStart(2, '0');
const day = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number) => new Date(y, m, 0).getDate();

interface DateRule {
  pattern: RegExp;
  range: (match: RegExpExecArray, now: Date) => { since: string; until: string };
}

const DATE_RULES: DateRule[] = [
  { pattern: /\b(?:from |in |during )?last year\b/, range: (_, now) => ({ since: day(now.getFullYear() - 1, 1, 1), until: day(now.getFullYear() - 1, 12, 31) }) },
  { pattern: /\b(?:from |in )?this year\b/, range: (_, now) => ({ since: day(now.getFullYear(), 1, 1), until: day(now.getFullYear(), 12, 31) }) },
  {
    pattern: /\b(?:from |in )?last month\b/,
    range: (_, now) => {
      const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
      return { since: day(d.getFullYear(), d.getMonth() + 1, 1), until: day(d.getFullYear(), d.getMonth() + 1, lastDay(d.getFullYear(), d.getMonth() + 1)) };
    },
  },
  {
    pattern: new RegExp(`\\b(?:from |in |during )?(${MONTHS.join('|')})(?: of)? ((?:19|20)\\d{2})\\b`),
    range: (m) => {
      const month = MONTHS.indexOf(m[1]!) + 1;
      const year = Number(m[2]);
      return { since: day(year, month, 1), until: day(year, month, lastDay(year, month)) };
    },
  },
  { pattern: /\b(?:since|after) ((?:19|20)\d{2})\b/, range: (m, now) => ({ since: day(Number(m[1]), 1, 1), until: day(now.getFullYear(), 12, 31) }) },
  { pattern: /\bbefore ((?:19|20)\d{2})\b/, range: (m) => ({ since: '1900-01-01', until: day(Number(m[1]) - 1, 12, 31) }) },
  { pattern: /\b(?:from |in |during )?((?:19|20)\d{2})\b/, range: (m) => ({ since: day(Number(m[1]), 1, 1), until: day(Number(m[1]), 12, 31) }) },
];

export function parseQuestion(question: string, now = new Date()): ParsedQuestion {
  let text = question.toLowerCase().replace(/[?!.]+\s*$/, '').replace(/\s+/g, ' ').trim();
  const result: ParsedQuestion = { intent: 'show', subject: '' };
  for (const rule of DATE_RULES) {
    const match = rule.pattern.exec(text);
    if (!match) continue;
    Object.assign(result, rule.range(match, now), { when: match[0].trim() });
    text = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).replace(/\s+/g, ' ').trim();
    break;
  }
  const located = findPlace(text);
  if (located) {
    result.place = located.place;
    text = located.rest;
  }
  const count = /^how many (?:photos|pictures|pics|images|shots)?\s*(?:of|with|showing|are there of)?\s*/.exec(text);
  const exists = /^(?:do|did|have) i (?:have|take|shoot) (?:any )?(?:photos|pictures|pics|images)? ?(?:of|with)? ?/.exec(text) ?? /^(?:are there|is there) (?:any )?(?:photos|pictures|images)? ?(?:of|with)? ?/.exec(text);
  const show = /^(?:show me|show|find me|find|search for|search|list|where are|which photos (?:have|show|contain)|photos of|pictures of) (?:all |my |the |some )?(?:photos|pictures|pics|images)? ?(?:of|with|showing)? ?/.exec(text);
  if (count) {
    result.intent = 'count';
    text = text.slice(count[0].length);
  } else if (exists) {
    result.intent = 'exists';
    text = text.slice(exists[0].length);
  } else if (show) {
    text = text.slice(show[0].length);
  }
  result.subject = text.replace(/\b(?:are there|do i have|did i take|in my library|in the library|taken)\b/g, '').replace(/\s+/g, ' ').trim();
  // "my photos in Lisbon": the words left only say "photos", so there is no subject beyond the filters.
  if (/^(?:(?:all|my|the|any|some) )*(?:photos|pictures|pics|images|shots)$/.test(result.subject)) result.subject = '';
  return result;
}
