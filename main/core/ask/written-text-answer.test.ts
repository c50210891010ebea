// Tests which questions are about written text, and how the answer quotes what was read.
import { describe, expect, it } from 'vitest';
import { composeWrittenTextAnswer, isWrittenTextQuestion } from './written-text-answer.ts';

const line = (text: string, x: number, y: number, confidence = 0.97) => ({ text, confidence, box: { x, y, width: 0.2, height: 0.05 } });

describe('isWrittenTextQuestion', () => {
  it('recognises questions about writing', () => {
    for (const q of [
      'What is written on the sign?',
      'what does the menu say?',
      'What does it say?',
      'Can you read the text?',
      'read the sign for me',
      'What text is on the board?',
      'what words are on the poster',
      'Is there any writing on it?',
      "What's the name on the shop sign?",
      'What is the number plate?',
      'what is printed on the label',
    ]) expect(isWrittenTextQuestion(q), q).toBe(true);
  });

  it('leaves other questions to the chat model', () => {
    for (const q of ['What color is the car?', 'How many dogs are there?', 'Where was this taken?', 'Is it night?', 'what is the man holding?']) expect(isWrittenTextQuestion(q), q).toBe(false);
  });
});

describe('composeWrittenTextAnswer', () => {
  it('quotes one row inline and several rows one per line, joining boxes of a row', () => {
    expect(composeWrittenTextAnswer([line('BAKERY', 0.1, 0.1)])).toBe('It says "BAKERY".');
    expect(composeWrittenTextAnswer([line('HAPPY', 0.1, 0.1), line('BIRTHDAY', 0.4, 0.11), line('Anna', 0.1, 0.3)])).toBe('It says:\n"HAPPY BIRTHDAY"\n"Anna"');
  });

  it('says when some of it was hard to read, when nothing was found, and when the photo was not read', () => {
    expect(composeWrittenTextAnswer([line('Soup of the day', 0.1, 0.1, 0.6)])).toBe('It says "Soup of the day". Some of it was hard to read, so a few letters may be wrong.');
    expect(composeWrittenTextAnswer([])).toBe('I found no text in this photo.');
    expect(composeWrittenTextAnswer(null)).toMatch(/has not been read for text yet/);
  });
});
