// Plain-language search: embeds the query (with arithmetic and photo terms), finds nearest photos,
// drops those below the relevance floor, optionally orders by date; also "more like this". Text read in
// photos joins plain queries' hybrid ranking, and a quoted query searches that text literally
// (see [Note: forgiving text matching]).
import { markTiming } from '../timing-trace.ts';
import os from 'node:os';
import path from 'node:path';
import type { Photo, SearchFilters, SearchHit } from '../../../common/photo.types.ts';
import type { MomentsRepository } from '../storage/moments.repository.ts';
import { findPeopleInQuery } from '../faces/person-query.ts';
import { boundingBox, findPlaceInQuery } from '../places/place-query.ts';
import type { PhotoQuery } from '../storage/photo-filters.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import { mergeMomentHits } from './moment-ranking.ts';
import { dropQueryFiller, isLiteralTextQuery } from '../text/text-match.ts';
import { parseQuery } from './query-arithmetic.ts';
import { combineVectors, dot } from '../shared/vector-math.ts';
import { storedPathCandidates } from '../library/library-paths.ts';

export interface TextEmbedder {
  /** The model the texts are embedded with (its vectors are only comparable with its own). */
  readonly modelId: string;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
}

/** The photos whose recognised text matches a query (PhotoTextService). */
export interface PhotoTextMatcher {
  matching(query: string, limit?: number): Promise<Array<{ contentHash: string; score: number }>>;
}

export interface SearchOptions extends SearchFilters {
  limit?: number;
  sort?: 'relevance' | 'date';
  /** Keep hits whose score is at least this fraction of the best hit's score (default 0.75). */
  relativeFloor?: number;
  /** Absolute minimum cosine score (default: none). */
  minScore?: number;
  /** A superseded search (the user typed on) stops at the next step instead of finishing unseen. */
  signal?: AbortSignal;
}

/** A ranked answer: the good matches, the weaker ones below the relevance floor, and whether any match is good. */
export interface RankedSearch {
  /** Matches above the relevance floor (empty when nothing stands out from the library's background). */
  hits: SearchHit[];
  /** Matches below the floor, best first: reachable as "show N weaker matches" / `--all`. */
  weaker: SearchHit[];
  /** False when the best vector score is not above the library's background (see [Note: no good matches]). */
  goodMatches: boolean;
  /** The background the best score was compared with (the best score nonsense queries get), or null if not judged. */
  background: number | null;
}

/** Search options with a person filter resolved to the person's photo contents. */
type FilteredOptions = SearchOptions & { contentHashes?: string[] };

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

/** Named people, for the person filter (the people service). */
export interface PeopleLookup {
  names(): Promise<string[]>;
  /** Content hashes of the photos of the person named `name`; throws a clear error for an unknown name. */
  contentHashesOfPerson(name: string): Promise<Set<string>>;
}

export class SearchService {
  private readonly backgroundCache = new Map<string, number>();
  /** NONSENSE_PROBES embedded, per search model. */
  private readonly probeVectors = new Map<string, Float32Array[]>();

  constructor(
    private readonly store: PhotoStoreRepository,
    private readonly embedder: () => Promise<TextEmbedder>,
    /** The search model whose vectors the library holds now. */
    private readonly activeModel: () => string,
    /** Videos' moments, when the library has them (see [Note: a video ranks by its best moment]). */
    private readonly moments?: MomentsRepository,
    private readonly people?: () => Promise<PeopleLookup | undefined>,
    /** Text read in photos; without it, searches see captions and file names only. */
    private readonly photoText?: PhotoTextMatcher,
    /** Starts the text embedder's process and settles once it is under way (never rejects). */
    private readonly embedderStarting?: () => Promise<void>,
  ) {}

  /** A photo named by a typed path, as written or with its links resolved ([Note: symlinked folders]). */
  private async storedPhoto(typed: string) {
    for (const candidate of await storedPathCandidates(typed)) {
      const photo = await this.store.getPhotoWithVector(candidate);
      if (photo) return photo;
    }
    return null;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return (await this.searchRanked(query, options)).hits;
  }

  /**
   * Like search, with the weaker matches below the floor and the "no good matches" verdict.
   * `options.person`, or a query word that is a named person's name, keeps only that person's photos,
   * and the rest of the query ranks them ("Ann at the beach"). A query that is only a name lists the
   * person's photos, newest first.
   */
  async searchRanked(query: string, options: SearchOptions = {}): Promise<RankedSearch> {
    // A cold model process takes about a second to get ready; the place and people lookups below (the
    // first place lookup reads the offline gazetteer, ~0.3 s of this thread) run meanwhile.
    if (query.trim() && !(this.photoText && isLiteralTextQuery(query))) await this.embedderStarting?.();
    // A place in the query ("Lisbon", "boats in Porto") becomes an area filter when the library has photos
    // there; otherwise the words search as they are ([Note: offline places]).
    if (!options.area && !query.includes('/') && !/[+-]/.test(query)) {
      const found = findPlaceInQuery(query);
      const area = found ? boundingBox(found.place) : undefined;
      const there = found && area ? await this.store.listPhotos(pickFilters({ ...options, area })) : [];
      if (found && area && there.length > 0) {
        if (found.rest.trim() || options.person) return this.searchRanked(found.rest, { ...options, area });
        // Only a place: its photos, newest first.
        const hits = sortByDate(there.map((photo) => ({ photo, score: 1 }))).slice(0, options.limit ?? 20);
        return { hits, weaker: [], goodMatches: true, background: null };
      }
    }
    const people = await this.people?.();
    if (!people) {
      if (options.person) throw new SearchError('Face grouping is off in this library, so there are no people to search by.');
      return this.searchRankedText(query, options);
    }
    const names = [...(options.person ? [options.person] : [])];
    let text = query;
    if (!options.person && !query.includes('/') && !/[+-]/.test(query)) {
      const found = findPeopleInQuery(query, await people.names());
      names.push(...found.names);
      if (found.names.length) text = found.rest;
    }
    if (names.length === 0) return this.searchRankedText(query, options);
    // Several people: photos with all of them.
    let hashes: Set<string> | undefined;
    for (const name of names) {
      const own = await people.contentHashesOfPerson(name);
      hashes = hashes ? new Set([...hashes].filter((h) => own.has(h))) : own;
    }
    const filtered = { ...options, contentHashes: [...hashes!] };
    if (text.trim()) return this.searchRankedText(text, filtered);
    const photos = await this.store.listPhotos(pickFilters(filtered));
    const hits = sortByDate(photos.map((photo) => ({ photo, score: 1 }))).slice(0, options.limit ?? 20);
    return { hits, weaker: [], goodMatches: hits.length > 0, background: null };
  }

  private async searchRankedText(query: string, options: FilteredOptions): Promise<RankedSearch> {
    // A quoted query ("\"RE16\"") is a literal search of the text read in photos: no meaning, no model.
    if (this.photoText && isLiteralTextQuery(query)) return { hits: await this.literalText(query, options), weaker: [], goodMatches: true, background: null };
    const terms = parseQuery(query);
    if (terms.length === 0) throw new SearchError('The search is empty: type a few words, e.g. "red car at night".');
    const vectors: Float32Array[] = new Array<Float32Array>(terms.length);
    const textTerms: number[] = [];
    for (const [i, term] of terms.entries()) {
      options.signal?.throwIfAborted();
      const photo = looksLikePath(term.text) ? await this.storedPhoto(resolvePhotoTerm(term.text)) : null;
      if (photo && photo.modelId !== this.activeModel()) throw new SearchError(`${term.text} has not been embedded by the current search model yet; run \`photobind index\` (or wait for the app to catch up) and try again.`);
      if (photo) vectors[i] = photo.vector;
      else if (looksLikePath(term.text) && /\.\w{2,5}$/.test(term.text)) throw new SearchError(`${term.text} is not a photo in this library; index its folder first, or search with words.`);
      else textTerms.push(i);
    }
    // Vectors are compared only within the space of the model that made the query's vector.
    let space = this.activeModel();
    let embedder: TextEmbedder | undefined;
    if (textTerms.length) {
      embedder = await this.embedder();
      const texts = textTerms.map((i) => terms[i]!.text);
      // The background's probes go with the first query a model sees: one round trip to the model process.
      const withProbes = !this.probeVectors.has(embedder.modelId);
      const embedded = await embedder.embedTexts(withProbes ? [...texts, ...NONSENSE_PROBES] : texts);
      if (withProbes) this.probeVectors.set(embedder.modelId, embedded.slice(texts.length));
      markTiming('query-embedded');
      textTerms.forEach((termIndex, j) => (vectors[termIndex] = embedded[j]!));
      if (embedder.modelId !== space && textTerms.length < terms.length) throw new SearchError('The library has just switched search models; search again.');
      space = embedder.modelId;
    }
    // The embedding was the slow step; a search abandoned meanwhile does not go on to the store.
    options.signal?.throwIfAborted();
    const vector = combineVectors(vectors, terms.map((t) => t.weight));
    // A plain query (no arithmetic, no photo terms) also searches captions and file names literally.
    const plainText = terms.length === 1 && textTerms.length === 1 && terms[0]!.weight > 0 ? terms[0]!.text : undefined;
    const ranked = plainText ? await this.hybrid(plainText, vector, space, options) : await this.nearest(vector, space, options);
    // Only words are judged against the background; a photo term always has its photo as a perfect match.
    if (!embedder || textTerms.length < terms.length || ranked.bestVectorScore === null) return { hits: ranked.hits, weaker: ranked.weaker, goodMatches: ranked.hits.length > 0, background: null };
    const background = await this.background(embedder, space);
    if (background === null || ranked.bestVectorScore > background) return { hits: ranked.hits, weaker: ranked.weaker, goodMatches: ranked.hits.length > 0, background };
    // Nothing stands out: literal caption/file-name matches stay; the rest are only weaker matches.
    const literal = ranked.hits.filter((h) => ranked.literal.has(h.photo.path));
    const rest = [...ranked.hits.filter((h) => !ranked.literal.has(h.photo.path)), ...ranked.weaker];
    return { hits: literal, weaker: rest, goodMatches: literal.length > 0, background };
  }

  /**
   * The best score that queries meaning nothing get in this library with this model: the background a real
   * match must rise above. Cached per model and photo count (it moves as the library changes).
   */
  private async background(embedder: TextEmbedder, modelId: string): Promise<number | null> {
    const photos = await this.store.countPhotos({ modelId });
    if (photos < MIN_PHOTOS_FOR_BACKGROUND) return null;
    // Videos' moments join the count: they arrive after their video's row, and move the background too.
    const key = `${modelId}\u0000${photos}\u0000${(await this.moments?.countAllMoments(modelId)) ?? 0}`;
    const cached = this.backgroundCache.get(key);
    if (cached !== undefined) return cached;
    const probes = this.probeVectors.get(modelId) ?? (await embedder.embedTexts(NONSENSE_PROBES));
    // The probes are ranked as queries are (photos and videos' moments alike): a query's best score may be a
    // moment's, so the background it must rise above includes what nonsense gets from moments.
    const best = await Promise.all(probes.map(async (probe) => (await this.vectorHits(probe, modelId, 1, { modelId }))[0]?.score ?? -Infinity));
    const ceiling = Math.max(-Infinity, ...best);
    this.backgroundCache.clear();
    this.backgroundCache.set(key, ceiling);
    return ceiling;
  }

  /**
   * Reciprocal-rank fusion of the vector ranking and the full-text ranking: a word that appears only in
   * a caption or file name lifts that photo high, while loose descriptions still rank by meaning.
   * Scores shown stay cosine similarities; full-text hits are exempt from the relevance floor. A query the
   * full-text parser cannot read falls back to the vector ranking alone.
   */
  private async hybrid(text: string, vector: Float32Array, modelId: string, options: FilteredOptions): Promise<Ranked> {
    const limit = options.limit ?? 20;
    const filter = { ...pickFilters(options), modelId };
    const [vectorHits, textPhotos, readPhotos] = await Promise.all([
      this.vectorHits(vector, modelId, limit * 2, filter),
      this.store.textMatches(text, limit * 2, filter).catch(() => []),
      this.photosWhoseTextMatches(text, limit * 2, options),
    ]);
    const floorKept = new Set(applyRelevanceFloor(vectorHits, options.relativeFloor ?? 0.75, options.minScore).map((h) => h.photo.path));
    const literal = new Set(textPhotos.map((p) => p.path));
    const fused = new Map<string, { hit: SearchHit; fused: number }>();
    vectorHits.forEach((hit, rank) => {
      if (floorKept.has(hit.photo.path)) fused.set(hit.photo.path, { hit, fused: 1 / (RRF_K + rank + 1) });
    });
    const missing = [...textPhotos, ...readPhotos].filter((p) => !vectorHits.some((h) => h.photo.path === p.path)).map((p) => p.path);
    const vectors = await this.store.vectorsOf([...new Set(missing)]);
    // Captions and file names (full text), and the text read in the photos: each a ranked list of its own.
    // A photo the vector search found below the floor keeps that hit (a video's carries its moment's time).
    const vectorHitByPath = new Map(vectorHits.map((h) => [h.photo.path, h]));
    for (const list of [textPhotos, readPhotos]) {
      list.forEach((photo, rank) => {
        const entry = fused.get(photo.path) ?? { hit: vectorHitByPath.get(photo.path) ?? { photo, score: vectors.has(photo.path) ? dot(vector, vectors.get(photo.path)!) : 0 }, fused: 0 };
        entry.fused += TEXT_WEIGHT / (RRF_K + rank + 1);
        fused.set(photo.path, entry);
      });
    }
    const ranked = [...fused.values()].sort((a, b) => b.fused - a.fused).slice(0, limit).map((e) => e.hit);
    const weaker = vectorHits.filter((h) => !fused.has(h.photo.path)).slice(0, Math.max(0, limit - ranked.length));
    return {
      hits: options.sort === 'date' ? sortByDate(ranked) : ranked,
      weaker: options.sort === 'date' ? sortByDate(weaker) : weaker,
      bestVectorScore: vectorHits[0]?.score ?? null,
      literal,
    };
  }

  /** Every moment of one video scored against a plain-language query, in time order (none for a photo). */
  async momentsOf(text: string, contentHash: string): Promise<Array<{ time: number; score: number }>> {
    if (!this.moments || !text.trim()) return [];
    const embedder = await this.embedder();
    const [vector] = await embedder.embedTexts([text.trim()]);
    return vector ? this.moments.scoredMoments(vector, embedder.modelId, contentHash) : [];
  }

  /** A quoted query: photos whose read text holds the quoted text; scores are the text match (0–1). */
  private async literalText(query: string, options: SearchOptions): Promise<SearchHit[]> {
    const matches = await this.photoText!.matching(query, 1000);
    const scores = new Map(matches.map((m) => [m.contentHash, m.score]));
    const photos = await this.photosWithContent(matches.map((m) => m.contentHash), options);
    const order = new Map(matches.map((m, i) => [m.contentHash, i]));
    const hits = photos
      .sort((a, b) => order.get(a.contentHash)! - order.get(b.contentHash)! || a.path.localeCompare(b.path))
      .slice(0, options.limit ?? 20)
      .map((photo) => ({ photo, score: scores.get(photo.contentHash)! }));
    return options.sort === 'date' ? sortByDate(hits) : hits;
  }

  /** Photos whose read text matches a plain query, best first (empty without a text matcher). */
  private async photosWhoseTextMatches(text: string, limit: number, options: SearchOptions): Promise<Photo[]> {
    const written = dropQueryFiller(text);
    if (!this.photoText || !written) return [];
    const matches = await this.photoText.matching(written, limit);
    const order = new Map(matches.map((m, i) => [m.contentHash, i]));
    return (await this.photosWithContent(matches.map((m) => m.contentHash), options)).sort((a, b) => order.get(a.contentHash)! - order.get(b.contentHash)!).slice(0, limit);
  }

  /** The library's photos with these contents that pass the filters (copies included); any search model. */
  private async photosWithContent(hashes: string[], options: SearchOptions): Promise<Photo[]> {
    const photos: Photo[] = [];
    for (let i = 0; i < hashes.length; i += 500) photos.push(...(await this.store.listPhotos({ ...pickFilters(options), contentHashes: hashes.slice(i, i + 500) })));
    return photos;
  }

  /** Photos that look like the given one; the photo itself comes first. */
  async similar(photoPath: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const photo = await this.storedPhoto(photoPath);
    if (!photo) throw new SearchError(`${photoPath} is not in this library; index its folder first (photobind index FOLDER).`);
    options.signal?.throwIfAborted();
    if (photo.modelId !== this.activeModel()) throw new SearchError(`${photoPath} has not been embedded by the current search model yet; run \`photobind index\` (or wait for the app to catch up) and try again.`);
    const { hits } = await this.nearest(photo.vector, photo.modelId, { ...options, relativeFloor: options.relativeFloor ?? 0 });
    const self = hits.findIndex((h) => h.photo.path === photo.path);
    if (self > 0) hits.unshift(...hits.splice(self, 1));
    return hits;
  }

  private async nearest(vector: Float32Array, modelId: string, options: FilteredOptions): Promise<Ranked> {
    const limit = options.limit ?? 20;
    const filter = { ...pickFilters(options), modelId };
    const hits = await this.vectorHits(vector, modelId, limit, filter);
    const kept = applyRelevanceFloor(hits, options.relativeFloor ?? 0.75, options.minScore);
    const keptPaths = new Set(kept.map((h) => h.photo.path));
    const weaker = hits.filter((h) => !keptPaths.has(h.photo.path));
    const order = (list: SearchHit[]) => (options.sort === 'date' ? sortByDate(list) : list);
    return { hits: order(kept), weaker: order(weaker), bestVectorScore: hits[0]?.score ?? null, literal: new Set() };
  }

  /** The nearest items, videos scored by their best moment (with its time). */
  private async vectorHits(vector: Float32Array, modelId: string, limit: number, filter: PhotoQuery): Promise<SearchHit[]> {
    const hits = await this.store.nearest(vector, limit, filter);
    if (!this.moments) return hits;
    const best = await this.moments.bestMoments(vector, modelId, { limit });
    if (best.length === 0) return hits;
    const videoRows = await this.store.listPhotos({ ...filter, contentHashes: [...new Set(best.map((m) => m.contentHash))] }, best.length * 4);
    return mergeMomentHits(hits, best, videoRows).slice(0, limit);
  }
}

interface Ranked {
  hits: SearchHit[];
  weaker: SearchHit[];
  bestVectorScore: number | null;
  /** Photos whose caption or file name matched the words literally (exempt from the background test). */
  literal: Set<string>;
}

// [Note: no good matches]
// A nearest-neighbour search always returns something, so "xqzv plorkk" used to show a random photo. A query
// has good matches only when its best vector score rises above the library's background, measured as the best
// score that strings meaning nothing (NONSENSE_PROBES) get in the same library with the same model: that
// calibrates itself per model and per library, where a fixed cosine threshold would not transfer (toy-clip's
// scores run from -0.3 to 0.5, real CLIP's sit in 0.15-0.35). Measured with bench/relevance-floor.measure.ts:
// - toy world (demo album, 300 photos, toy-clip): nonsense and absent things ("xqzv plorkk", "the quarterly
//   tax report", "a waterfall portrait", "three yellow balloons") best 0.03-0.14; toy scenes ("red car at
//   night" 0.26, "two dogs on a beach" 0.19, "a blue bus" 0.21, "motorcycles outside a convenience store"
//   0.30) all above the probes' ceiling (0.14). The z-score of the best score over all photos' scores did not
//   separate them at all (2.0-2.6 for both kinds), nor did the score alone without a per-library reference.
//   Probes' ceiling there: 0.136 ("zzzz"; the others 0.03-0.11).
// - real photos (../shared/testdata/real-photos, 49 photos, toy-clip, which knows nothing real): probes' ceiling
//   0.153 ("zzzz"; the others -0.13 to 0.05); "a dog" 0.26, "a street at night" 0.26, "a person" 0.21 pass;
//   "red car at night" 0.04, "a boat" 0.09, "a waterfall" -0.06 (none in the set) end as "no good matches".
//   Generic queries ("a photo": 0.46-0.49 in both) always pass: they do match everything a little.
// Matches that fail the test (and those under the 75%-of-best floor) are not dropped: they come back as
// `weaker`, shown on request ("show N weaker matches", `photobind search --all`). Literal caption or file
// name matches are always good matches. Libraries under MIN_PHOTOS_FOR_BACKGROUND photos are not judged.
// Videos' moments are on both sides: a query's best score may be a moment's ([Note: a video ranks by its best
// moment]), so the probes are ranked the same way; measured on photos alone, a frame that happens to sit near
// everything (a dark or blank one) made any nonsense query "good", and the cache missed moments arriving.
export const NONSENSE_PROBES = ['xqzv plorkk', 'glorbix fendle', 'asdf qwer', 'zzzz', 'vbnm trelk', 'qqq ppp'];
const MIN_PHOTOS_FOR_BACKGROUND = 8;

const RRF_K = 60;
/** A literal word match outranks a same-rank vector match; a photo high in both lists beats either alone. */
const TEXT_WEIGHT = 1.2;

/** A photo term as a path: a leading ~ is the home folder (inside quotes the shell leaves it to us). */
export function resolvePhotoTerm(text: string): string {
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) return path.join(os.homedir(), text.slice(1));
  return path.resolve(text);
}

function looksLikePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || /\.(jpe?g|png|webp|heic|heif|avif|gif|tiff?)$/i.test(text);
}

/** The photo filters among the search options (the store's typed query takes nothing else). */
function pickFilters(options: FilteredOptions): PhotoQuery {
  const { folder, since, until, camera, area, contentHashes } = options;
  return { ...(folder ? { folder } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}), ...(camera ? { camera } : {}), ...(area ? { area } : {}), ...(contentHashes ? { contentHashes } : {}) };
}
