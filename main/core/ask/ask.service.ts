// Ask: multi-turn chat about one photo (streamed, cancellable, kept per photo), and questions about the
// whole library answered from retrieval and verification, citing the photos they rest on.
// [Note: grounded library answers]
// A library answer is never free text from a language model: we parse the question (intent, dates, place),
// retrieve candidates with hybrid search, and keep only those whose caption (the user's, or one the
// captioner writes now and we keep) mentions every content word of the subject. Without a captioner we
// fall back to the search model: a photo must be closer to the subject than to a neutral prompt. The
// answer states what was found, with the photos as evidence; when nothing passes it says so.
import type { Photo } from '../../../common/photo.types.ts';
import type { ModelProcessClient } from '../model-process/model-process.client.ts';
import { findPeopleInQuery } from '../faces/person-query.ts';
import type { PeopleLookup, SearchService } from '../search/search.service.ts';
import { ModelRequestError } from '../model-process/model-process.client.ts';
import type { PhotoQuery } from '../storage/photo-filters.ts';
import type { ChatMessage, ConversationRepository } from './conversation.repository.ts';
import { dot } from '../shared/vector-math.ts';
import { captionSupports, contentWords } from './caption-evidence.ts';
import { boundingBox, distanceKm } from './place-gazetteer.ts';
import { parseQuestion, type ParsedQuestion } from './question-parser.ts';
import type { PhotoTextReading } from '../text/photo-text.service.ts';
import { composeWrittenTextAnswer, isWrittenTextQuestion } from './written-text-answer.ts';
import { dropQueryFiller, matchText } from '../text/text-match.ts';

export interface AskOptions {
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  /** Ask about this image instead of the photo (a video's frame at a moment), kept as a conversation of its own under `key`. */
  frame?: { file: string; key: string };
}

export interface LibraryAnswer {
  answer: string;
  photos: Photo[];
  question: ParsedQuestion;
}

/** A question that cannot be asked as given (empty, no subject, photo not in the library). */
export class AskError extends Error {
  constructor(message: string, readonly code: 'invalid-question' | 'not-in-library') {
    super(message);
    this.name = 'AskError';
  }
}

/** The neutral prompt a photo must be closer to the subject than to, to count as showing it. */
const NEUTRAL_PROMPT = 'a photo';
const MAX_CANDIDATES = 40;
/** A question about a named person alone ("how many photos of Ann?") is counted over all their photos, up to this. */
const MAX_PERSON_PHOTOS = 100_000;

/** What the ask service reads of the library (the store satisfies it); nothing here writes. */
export interface AskLibraryPort {
  getPhoto(path: string): Promise<Photo | null>;
  listPhotos(query?: PhotoQuery, limit?: number): Promise<Photo[]>;
  vectorsOf(paths: string[]): Promise<Map<string, Float32Array>>;
}

/** Where captions the ask service had to generate are saved: the caption service's write queue. */
export interface CaptionSavePort {
  saveModelCaptions(items: Array<{ photo: Photo; caption: string }>): Promise<number>;
}

export class AskService {
  constructor(
    private readonly store: AskLibraryPort,
    private readonly captionSaver: CaptionSavePort,
    private readonly search: SearchService,
    private readonly models: () => Promise<ModelProcessClient>,
    private readonly conversations: ConversationRepository,
    private readonly people?: () => Promise<PeopleLookup | undefined>,
    /** The text read in photos: questions about writing are answered from it ([Note: answering from the text read in a photo]). */
    private readonly photoText?: { textOf(contentHash: string): Promise<PhotoTextReading> },
  ) {}

  async conversation(photoPath: string): Promise<ChatMessage[]> {
    return this.conversations.read((await this.photo(photoPath)).contentHash);
  }

  async clearConversation(photoPath: string, frame?: { key: string }): Promise<void> {
    await this.conversations.clear(frame?.key ?? (await this.photo(photoPath)).contentHash);
  }

  /** One turn of the chat about a photo; the whole conversation so far is the model's context. */
  async askPhoto(photoPath: string, question: string, options: AskOptions = {}): Promise<string> {
    const text = question.trim();
    if (!text) throw new AskError('Type a question about the photo, e.g. "what color is the car?".', 'invalid-question');
    const photo = await this.photo(photoPath);
    const key = options.frame?.key ?? photo.contentHash;
    const history = await this.conversations.read(key);
    let answer: string;
    if (this.photoText && !options.frame && isWrittenTextQuestion(text)) {
      const reading = await this.photoText.textOf(photo.contentHash);
      answer = composeWrittenTextAnswer(reading.read ? reading.textLines : null);
      for (const word of answer.split(/(?<= )/)) {
        options.signal?.throwIfAborted();
        options.onToken?.(word);
      }
    } else {
      const client = await this.models();
      const messages = [...history.map(({ role, content }) => ({ role, content })), { role: 'user' as const, content: text }];
      answer = (await client.ask(options.frame?.file ?? photo.path, messages, options)).trim();
    }
    const now = new Date().toISOString();
    await this.conversations.write(key, [...history, { role: 'user', content: text, at: now }, { role: 'assistant', content: answer, at: now }]);
    return answer;
  }

  /** A question about the whole library ("how many photos of dogs on the beach?"). See [Note: grounded library answers]. */
  async askLibrary(question: string, options: AskOptions = {}): Promise<LibraryAnswer> {
    const parsed = parseQuestion(question);
    const place = parsed.place;
    if (!parsed.subject && !place && !parsed.since) throw new AskError('Say what to look for, e.g. "how many photos of dogs on the beach?".', 'invalid-question');
    const filters = {
      ...(parsed.since ? { since: parsed.since } : {}),
      ...(parsed.until ? { until: parsed.until } : {}),
      ...(place ? { area: boundingBox(place) } : {}),
    };
    // A named person in the subject is a filter (search applies it); the rest describes what to verify.
    const people = parsed.subject ? await this.people?.() : undefined;
    const named = people ? findPeopleInQuery(parsed.subject, await people.names()) : undefined;
    const described = named?.names.length ? named.rest : parsed.subject;
    const limit = named?.names.length && !described ? MAX_PERSON_PHOTOS : MAX_CANDIDATES;
    // "photos from Lisbon" names no subject: every photo the filters keep, newest first.
    const candidates = parsed.subject
      ? (await this.search.search(parsed.subject, { ...filters, limit })).map((c) => c.photo)
      : (await this.store.listPhotos(filters)).sort((a, b) => (b.takenAt ?? '').localeCompare(a.takenAt ?? '')).slice(0, MAX_CANDIDATES);
    options.signal?.throwIfAborted();
    // The SQL filter is a box; the place is a circle.
    const located = candidates.filter((p) => !place || (p.gps !== null && distanceKm(p.gps, place) <= place.radiusKm));
    const photos = described ? await this.verifiedOrWritten(described, located) : located;
    // When search returned a full page, more photos may match beyond it: say "at least".
    const answer = composeAnswer(parsed, photos.length, candidates.length >= limit);
    for (const word of answer.split(/(?<= )/)) {
      options.signal?.throwIfAborted();
      options.onToken?.(word);
    }
    return { answer, photos, question: parsed };
  }

  /** Candidates that show the subject (verified) or have it written in them ("the receipt from the bakery"). */
  private async verifiedOrWritten(subject: string, candidates: Photo[]): Promise<Photo[]> {
    const written = new Set<string>();
    const words = dropQueryFiller(subject);
    if (this.photoText && words) {
      for (const photo of candidates) {
        const reading = await this.photoText.textOf(photo.contentHash);
        if (reading.text && matchText(reading.text, words).matched) written.add(photo.path);
      }
    }
    const shown = new Set((await this.verified(subject, candidates.filter((photo) => !written.has(photo.path)))).map((photo) => photo.path));
    return candidates.filter((photo) => written.has(photo.path) || shown.has(photo.path));
  }

  private async verified(subject: string, candidates: Photo[]): Promise<Photo[]> {
    if (candidates.length === 0) return [];
    const captions = await this.captionsOf(candidates);
    if (captions) {
      const required = contentWords(subject);
      return candidates.filter((photo) => captionSupports(captions.get(photo.path) ?? '', required));
    }
    const client = await this.models();
    const [subjectVector, neutralVector] = await client.request({ type: 'embedTexts', texts: [subject, NEUTRAL_PROMPT] });
    const vectors = await this.store.vectorsOf(candidates.map((c) => c.path));
    return candidates.filter((photo) => {
      const v = vectors.get(photo.path);
      return v !== undefined && dot(v, subjectVector!) > dot(v, neutralVector!);
    });
  }

  /** Captions of the candidates, writing (and keeping) missing ones; null when no captioner is available. */
  private async captionsOf(photos: Photo[]): Promise<Map<string, string> | null> {
    const captions = new Map<string, string>();
    const missing = photos.filter((p) => !p.caption);
    for (const photo of photos) if (photo.caption) captions.set(photo.path, photo.caption);
    if (missing.length === 0) return captions;
    const client = await this.models();
    const written: Array<{ photo: Photo; caption: string }> = [];
    for (const photo of missing) {
      try {
        const caption = await client.request({ type: 'caption', path: photo.path });
        captions.set(photo.path, caption);
        written.push({ photo, caption });
      } catch (error) {
        if (error instanceof ModelRequestError && error.code === 'no-model') return null;
        throw error;
      }
    }
    // Through the caption queue, so a caption the user saves meanwhile is never overwritten.
    await this.captionSaver.saveModelCaptions(written);
    return captions;
  }

  private async photo(photoPath: string): Promise<Photo> {
    const photo = await this.store.getPhoto(photoPath);
    if (!photo) throw new AskError(`${photoPath} is not in this library; index its folder first.`, 'not-in-library');
    return photo;
  }
}

export function composeAnswer(question: ParsedQuestion, found: number, capped: boolean): string {
  const when = question.when ? ` ${question.when.replace(/^(?!from |in |during |since |before |after )/, 'from ')}` : '';
  const where = question.place ? ` in ${question.place.name}` : '';
  const count = capped ? `at least ${found}` : String(found);
  const photos = found === 1 ? 'photo' : 'photos';
  if (!question.subject) {
    // Only a place and/or a date: "photos in Lisbon from 2023".
    const scope = `${where}${when}`.trim();
    if (found === 0) return question.intent === 'exists' ? `No, I found no photos ${scope}.` : `I found no photos ${scope}.`;
    if (question.intent === 'exists') return `Yes, ${count} ${photos} ${found === 1 ? 'was' : 'were'} taken ${scope}.`;
    if (question.intent === 'count') return `I found ${count} ${photos} ${scope}.`;
    return `Here ${found === 1 ? 'is' : 'are'} ${count} ${photos} ${scope}.`;
  }
  const what = `${question.subject}${where}${when}`;
  if (found === 0) return question.intent === 'exists' ? `No, I found no photos of ${what}.` : `I found no photos of ${what}.`;
  if (question.intent === 'exists') return `Yes, ${count} ${photos} show ${what}.`;
  if (question.intent === 'count') return `I found ${count} ${photos} of ${what}.`;
  return `Here ${found === 1 ? 'is' : 'are'} ${count} ${photos} of ${what}.`;
}
