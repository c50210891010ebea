// The text read in photos, for the rest of the core: one photo's text and lines, and the photos whose text matches a query.
import type { TextLinesRepository } from '../storage/text-lines.repository.ts';
import type { TextLine } from './text-line.ts';
import { rankTextMatches } from './text-match.ts';

export interface PhotoTextReading {
  /** The lines' text joined by "\n" ('' when none was found). */
  text: string;
  textLines: TextLine[];
  /** False while the photo has not been read yet (its text stage is pending). */
  read: boolean;
}

export class PhotoTextService {
  /** `repository`: the text table, opened when first needed. */
  constructor(private readonly repository: () => Promise<TextLinesRepository>) {}

  async textOf(contentHash: string): Promise<PhotoTextReading> {
    const stored = await (await this.repository()).get(contentHash);
    return stored ? { text: stored.text, textLines: stored.lines, read: true } : { text: '', textLines: [], read: false };
  }

  /**
   * Content hashes of the photos whose text matches `query` (see [Note: forgiving text matching]),
   * best first, with a score 0–1.
   */
  async matching(query: string, limit = 200): Promise<Array<{ contentHash: string; score: number }>> {
    const texts = await (await this.repository()).texts();
    return rankTextMatches(texts, query, limit).map(({ item, score }) => ({ contentHash: item.contentHash, score }));
  }
}
