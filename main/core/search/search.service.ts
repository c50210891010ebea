// Plain-language search: embeds the query (with arithmetic and photo terms), finds nearest photos,
// drops those below the relevance floor, optionally orders by date; also "more like this".
import path from 'node:path';
import type { SearchFilters, SearchHit } from '../../../common/photo.types.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { combineVectors, dot, parseQuery } from './query-arithmetic.ts';

export interface TextEmbedder {
  /** The model the texts are embedded with (its vectors are only comparable with its own). */
  readonly modelId: string;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
}

export interface SearchOptions extends SearchFilters {
  limit?: number;
  sort?: 'relevance' | 'date';
  /** Keep hits whose score is at least this fraction of the best hit's score (default 0.75). */
  relativeFloor?: number;
  /** Absolute minimum cosine score (default: none). */
  minScore?: number;
}

export class SearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchError';
  }
}

/** Drops hits far below the best one: a fixed cosine threshold does not transfer between models. */
export function applyRelevanceFloor(hits: SearchHit[], relativeFloor: number, minScore = -Infinity): SearchHit[] {
  const top = hits[0]?.score;
  if (top === undefined) return [];
  const floor = Math.max(minScore, top > 0 ? top * relativeFloor : top);
  return hits.filter((hit) => hit.score >= floor);
}

export function sortByDate(hits: SearchHit[]): SearchHit[] {
  // Newest first; photos without a date go last, in relevance order.
  return [...hits].sort((a, b) => {
    const da = a.photo.takenAt ?? '';
    const db = b.photo.takenAt ?? '';
    if (da === db) return b.score - a.score;
    if (!da) return 1;
    if (!db) return -1;
    return da < db ? 1 : -1;
  });
}

export class SearchService {
  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly embedder: () => Promise<TextEmbedder>,
    /** The search model whose vectors the library holds now. */
    private readonly activeModel: () => string,
  ) {}

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const terms = parseQuery(query);
    if (terms.length === 0) throw new SearchError('The search is empty: type a few words, e.g. "red car at night".');
    const vectors: Float32Array[] = new Array<Float32Array>(terms.length);
    const textTerms: number[] = [];
    for (const [i, term] of terms.entries()) {
      const photo = looksLikePath(term.text) ? await this.store.getPhotoWithVector(path.resolve(term.text)) : null;
      if (photo && photo.modelId !== this.activeModel()) throw new SearchError(`${term.text} has not been embedded by the current search model yet; run \`photobind index\` (or wait for the app to catch up) and try again.`);
      if (photo) vectors[i] = photo.vector;
      else if (looksLikePath(term.text) && /\.\w{2,5}$/.test(term.text)) throw new SearchError(`${term.text} is not a photo in this library; index its folder first, or search with words.`);
      else textTerms.push(i);
    }
    // Vectors are compared only within the space of the model that made the query's vector.
    let space = this.activeModel();
    if (textTerms.length) {
      const embedder = await this.embedder();
      const embedded = await embedder.embedTexts(textTerms.map((i) => terms[i]!.text));
      textTerms.forEach((termIndex, j) => (vectors[termIndex] = embedded[j]!));
      if (embedder.modelId !== space && textTerms.length < terms.length) throw new SearchError('The library has just switched search models; search again.');
      space = embedder.modelId;
    }
    const vector = combineVectors(vectors, terms.map((t) => t.weight));
    // A plain query (no arithmetic, no photo terms) also searches captions and file names literally.
    const plainText = terms.length === 1 && textTerms.length === 1 && terms[0]!.weight > 0 ? terms[0]!.text : undefined;
    return plainText ? this.hybrid(plainText, vector, space, options) : this.nearest(vector, space, options);
  }

  /**
   * Reciprocal-rank fusion of the vector ranking and the full-text ranking: a word that appears only in
   * a caption or file name lifts that photo high, while loose descriptions still rank by meaning.
   * Scores shown stay cosine similarities; full-text hits are exempt from the relevance floor. A query the
   * full-text parser cannot read falls back to the vector ranking alone.
   */
  private async hybrid(text: string, vector: Float32Array, modelId: string, options: SearchOptions): Promise<SearchHit[]> {
    const limit = options.limit ?? 20;
    const filter = { ...pickFilters(options), modelId };
    const [vectorHits, textPhotos] = await Promise.all([this.store.nearest(vector, limit * 2, filter), this.store.textMatches(text, limit * 2, filter).catch(() => [])]);
    const floorKept = new Set(applyRelevanceFloor(vectorHits, options.relativeFloor ?? 0.75, options.minScore).map((h) => h.photo.path));
    const fused = new Map<string, { hit: SearchHit; fused: number }>();
    vectorHits.forEach((hit, rank) => {
      if (floorKept.has(hit.photo.path)) fused.set(hit.photo.path, { hit, fused: 1 / (RRF_K + rank + 1) });
    });
    const missing = textPhotos.filter((p) => !vectorHits.some((h) => h.photo.path === p.path)).map((p) => p.path);
    const vectors = await this.store.vectorsOf(missing);
    textPhotos.forEach((photo, rank) => {
      const entry = fused.get(photo.path) ?? { hit: { photo, score: vectors.has(photo.path) ? dot(vector, vectors.get(photo.path)!) : 0 }, fused: 0 };
      entry.fused += TEXT_WEIGHT / (RRF_K + rank + 1);
      fused.set(photo.path, entry);
    });
    const ranked = [...fused.values()].sort((a, b) => b.fused - a.fused).slice(0, limit).map((e) => e.hit);
    return options.sort === 'date' ? sortByDate(ranked) : ranked;
  }

  /** Photos that look like the given one; the photo itself comes first. */
  async similar(photoPath: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const photo = await this.store.getPhotoWithVector(path.resolve(photoPath));
    if (!photo) throw new SearchError(`${photoPath} is not in this library; index its folder first (photobind index FOLDER).`);
    if (photo.modelId !== this.activeModel()) throw new SearchError(`${photoPath} has not been embedded by the current search model yet; run \`photobind index\` (or wait for the app to catch up) and try again.`);
    const hits = await this.nearest(photo.vector, photo.modelId, { ...options, relativeFloor: options.relativeFloor ?? 0 });
    const self = hits.findIndex((h) => h.photo.path === photo.path);
    if (self > 0) hits.unshift(...hits.splice(self, 1));
    return hits;
  }

  private async nearest(vector: Float32Array, modelId: string, options: SearchOptions): Promise<SearchHit[]> {
    const limit = options.limit ?? 20;
    const filter = { ...pickFilters(options), modelId };
    const hits = await this.store.nearest(vector, limit, filter);
    const kept = applyRelevanceFloor(hits, options.relativeFloor ?? 0.75, options.minScore);
    return options.sort === 'date' ? sortByDate(kept) : kept;
  }
}

const RRF_K = 60;
/** A literal word match outranks a same-rank vector match; a photo high in both lists beats either alone. */
const TEXT_WEIGHT = 1.2;

function looksLikePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || /\.(jpe?g|png|webp|heic|heif|avif|gif|tiff?)$/i.test(text);
}

/** The photo filters among the search options (the store's typed query takes nothing else). */
function pickFilters(options: SearchOptions): SearchFilters {
  const { folder, since, until, camera, area } = options;
  return { ...(folder ? { folder } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}), ...(camera ? { camera } : {}), ...(area ? { area } : {}) };
}
