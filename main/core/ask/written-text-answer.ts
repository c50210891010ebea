// Answers questions about the text written in a photo ("what is written on the sign?") from the text read in it.
//
// [Note: answering from the text read in a photo]
// A visual-chat model that cannot read would make text up. Questions about writing are therefore
// answered from the lines the text reader found (stored per photo), quoted exactly, in reading order:
// the answer is only as good as the reading, and says so when nothing was read. Which questions count:
// ones asking what is written / what something says / to read or transcribe the text, the sign, the
// menu, a label, a plate, a receipt (see WRITTEN_TEXT_PATTERNS); anything else goes to the chat model.
import type { TextLine } from '../text/text-line.ts';

const WRITTEN_TEXT_PATTERNS: readonly RegExp[] = [
  /\b(what|which)\b.*\b(written|printed|spelled|spelt|typed|handwritten|engraved|painted)\b/,
  /\bwhat\b.*\b(does|do|did)\b.*\b(say|read|spell)\b/,
  /\bwhat\b.*\b(says|reads)\b/,
  /\b(read|transcribe|copy)\b.*\b(text|sign|menu|label|writing|words?|plate|receipt|note|page|poster|board|it|this)\b/,
  /\bwhat\b.*\b(text|words?|writing|letters|inscription|number plate|licen[cs]e plate)\b/,
  /\b(is|are)\b.*\b(any|some)\b.*\b(text|writing|words?)\b/,
  /\bwhat\b.*\bname\b.*\b(on|of)\b.*\b(sign|shop|store|restaurant|cafe|café|bar|hotel|street|boat|label|bottle|building)\b/,
];

/** True when the question asks what is written in the photo (and so is answered from its text). */
export function isWrittenTextQuestion(question: string): boolean {
  const q = question.toLowerCase().replace(/[’']/g, "'");
  return WRITTEN_TEXT_PATTERNS.some((pattern) => pattern.test(q));
}

/** Lines of a reading that share a row, joined with spaces; rows on their own lines. */
function rows(lines: readonly TextLine[]): string[] {
  const out: Array<{ top: number; bottom: number; texts: string[] }> = [];
  for (const line of lines) {
    const top = line.box.y;
    const bottom = line.box.y + line.box.height;
    const last = out[out.length - 1];
    if (last && Math.min(last.bottom, bottom) - Math.max(last.top, top) > 0.5 * Math.min(last.bottom - last.top, bottom - top)) {
      last.texts.push(line.text);
      last.bottom = Math.max(last.bottom, bottom);
    } else out.push({ top, bottom, texts: [line.text] });
  }
  return out.map((row) => row.texts.join(' '));
}

/**
 * The answer to a written-text question, quoting the text read in the photo (`null`: the photo has not
 * been read yet). See [Note: answering from the text read in a photo].
 */
export function composeWrittenTextAnswer(lines: readonly TextLine[] | null): string {
  if (lines === null) return 'This photo has not been read for text yet; it is read while the library is indexed. Ask again when indexing has finished.';
  if (!lines.length) return 'I found no text in this photo.';
  const quoted = rows(lines).map((row) => `"${row}"`);
  const unsure = lines.some((line) => line.confidence < 0.8) ? ' Some of it was hard to read, so a few letters may be wrong.' : '';
  if (quoted.length === 1) return `It says ${quoted[0]}.${unsure}`;
  return `It says:\n${quoted.join('\n')}${unsure ? `\n${unsure.trim()}` : ''}`;
}
