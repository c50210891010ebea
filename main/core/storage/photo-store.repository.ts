// The library's storage adapter: photos (metadata + one CLIP vector each) and problems, in embedded LanceDB.
// [Note: the only module that imports LanceDB]
// Everything else talks to this class, so the storage engine can change without touching services.
// Writes are merge-inserts keyed by path and each LanceDB commit is atomic, so a kill at any moment
// leaves the previous version intact and a re-run never duplicates a row.
//
// [Note: vector spaces]
// Every vector in the photos table comes from ONE search model, the library's active vector space
// (recorded with the table's name in vector-space.json). Switching models stages the new model's vectors
// in a side table keyed by content hash while searches keep using the old ones; the switch then writes a
// complete new photos table and flips the pointer file atomically. A row that was not re-embedded (its
// folder was offline, or it arrived from a model that is no longer active) is kept with a zero vector
// and its old modelId: searches filter on the active modelId, so it is never mixed in, and the next index
// pass re-embeds it. The file also records a digest of the model's weights: when the same id comes back
// with other weights (rebuilt, re-downloaded), the old vectors are retired the same way (relabelled
// `<id>@<old revision>`) — the old weights are gone, so they cannot serve searches meanwhile.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type { Photo, PhotoProblemRecord } from '../../../common/photo.types.ts';
import { photoQueryToSql, sqlString, type PhotoQuery } from './photo-filters.ts';
import { PHOTO_COLUMNS, fromRow, num, photosSchema, stagingSchema, str, toRow, type Row } from './photo-rows.ts';
import { ProblemsRepository, type StoredProblem } from './problems.repository.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { RetryingSerialWork } from './commit-retry.ts';
import { removeDuplicatePaths } from './duplicate-rows.ts';
import { committedTableNames, compactAfterCommits, connectDatabase, renewConnection, versionsToKeepSince } from './lance-tables.ts';
import { SidecarStampsRepository } from './sidecar-stamps.repository.ts';
import type { SidecarStamp } from '../media/sidecar-stamp.ts';

const PHOTOS = 'photos';
const STAGING = 'reembed_staging';
const VECTOR_SPACE_FILE = 'vector-space.json';
/** Rows copied per commit when a switch rewrites the photos table. */
const SWITCH_CHUNK = 2_000;

interface VectorSpace {
  /** Name of the table that holds the photos (changes at each model switch). */
  photosTable: string;
  /** Search model whose vectors the table holds; null while the library is new. */
  modelId: string | null;
  /** Digest of that model's weights (ModelLocatorService.revision); null where it was never recorded. */
  revision: string | null;
  /** Model whose vectors are being staged for a switch, if any. */
  staging: string | null;
}

/**
 * A photo row as stored: the domain photo plus its vector. A photo whose embed stage has not run yet (no
 * search model installed) has no vector: it is stored with a zero vector and an empty modelId, so it is
 * listed and filtered like any other but never found by a vector search.
 */
export interface StoredPhoto extends Photo {
  vector: Float32Array | null;
}

/** What a photo's own file and XMP sidecar say of it (see [Note: sidecar metadata belongs to the path]). */
export type FileMetadataFields = Pick<Photo, 'takenAt' | 'gps' | 'cameraMake' | 'cameraModel' | 'description' | 'keywords'>;

/** The modelId of a photo that has not been embedded yet. */
export const NOT_EMBEDDED = '';

export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  modelId: string;
}

export interface VectorHit {
  photo: Photo;
  score: number;
}


export class PhotoStoreRepository {
  private photos: lancedb.Table | undefined;
  private problems!: ProblemsRepository;
  private sidecars!: SidecarStampsRepository;
  private space: VectorSpace = { photosTable: PHOTOS, modelId: null, revision: null, staging: null };
  /** Serialises writes, so a model switch never interleaves with a commit (see [Note: vector spaces]); retries commit conflicts. */
  private readonly writes: RetryingSerialWork;
  /** Vector size of the active search model as the catalog states it, for photos stored before any embedding. */
  private dimensionHint: number | null = null;

  private constructor(private db: lancedb.Connection, private readonly dir: string, private readonly readOnly = false) {
    this.writes = new RetryingSerialWork(dir);
  }

  /**
   * Opens the library's database. A reader (`readOnly`: search, info, status while another process may
   * be writing) never cleans up: what looks like a leftover table may be a writer's table in the making
   * (a model switch, a re-created photos table).
   */
  static async open(databaseDir: string, options: { readOnly?: boolean } = {}): Promise<PhotoStoreRepository> {
    const store = new PhotoStoreRepository(await connectDatabase(databaseDir, options), databaseDir, options.readOnly ?? false);
    await store.readVectorSpace();
    const names = await committedTableNames(store.db);
    if (names.includes(store.space.photosTable)) store.photos = await store.db.openTable(store.space.photosTable);
    if (options.readOnly) {
      store.problems = await ProblemsRepository.open(store.db, options);
      store.sidecars = await SidecarStampsRepository.open(store.db, options);
      return store;
    }
    // A switch killed before its pointer flip leaves a new table behind; one killed after, the old one.
    for (const name of names) {
      if (name.startsWith(PHOTOS) && name !== store.space.photosTable) await store.db.dropTable(name);
    }
    if (names.includes(STAGING) && !store.space.staging) await store.db.dropTable(STAGING);
    if (store.photos && store.space.modelId === null) {
      // Libraries from before vector-space.json: every row was written by one model.
      const first = (await store.photos.query().select(['modelId']).limit(1).toArray()) as Row[];
      if (first[0]) await store.writeVectorSpace({ ...store.space, modelId: str(first[0], 'modelId') });
    }
    store.problems = await ProblemsRepository.open(store.db);
    store.sidecars = await SidecarStampsRepository.open(store.db);
    return store;
  }

  /**
   * Catches up with what other processes committed since this store was opened (a handle otherwise
   * reads the version it last saw): the vector-space pointer, and the latest version of each table.
   * Called holding the library lock, before an index pass ([Note: one writer per library]).
   */
  async refresh(): Promise<void> {
    await this.writes.run(async () => {
      const before = this.space.photosTable;
      await this.readVectorSpace();
      const names = await committedTableNames(this.db);
      if (this.space.photosTable !== before || (!this.photos && names.includes(this.space.photosTable))) {
        this.photos?.close();
        this.photos = names.includes(this.space.photosTable) ? await this.db.openTable(this.space.photosTable) : undefined;
      } else {
        await this.photos?.checkoutLatest();
      }
      await this.problems.refresh();
      await this.sidecars.refresh();
    });
  }

  close(): void {
    this.photos?.close();
    this.problems.close();
    this.sidecars.close();
    this.db.close();
  }

  private async readVectorSpace(): Promise<void> {
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(this.dir, VECTOR_SPACE_FILE), 'utf8')) as Partial<VectorSpace>;
      this.space = { photosTable: parsed.photosTable ?? PHOTOS, modelId: parsed.modelId ?? null, revision: parsed.revision ?? null, staging: parsed.staging ?? null };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`The library's ${VECTOR_SPACE_FILE} is damaged (${(error as Error).message}); restore it from a backup or delete the database folder to re-index.`);
    }
  }

  private async writeVectorSpace(space: VectorSpace): Promise<void> {
    await writeFileAtomic(path.join(this.dir, VECTOR_SPACE_FILE), JSON.stringify(space, null, 2) + '\n');
    this.space = space;
  }

  /**
   * The vector size to create the photos table with when photos arrive before any vector (the search model
   * is not installed yet). If the model turns out to make another size, the table is re-created then.
   */
  setDimensionHint(dimension: number | null): void {
    this.dimensionHint = dimension;
  }

  /** The search model whose vectors the library holds (its active vector space); null while new. */
  get searchModelId(): string | null {
    return this.space.modelId;
  }

  /**
   * Records the weights' revision of the active search model. When another revision was recorded (the model
   * was rebuilt or re-downloaded under the same id), the stored vectors are retired: their rows keep
   * everything but are labelled `<id>@<old revision>`, so searches skip them and the next index pass
   * re-embeds them. Returns how many rows were retired.
   */
  async recordSearchModelRevision(revision: string): Promise<number> {
    return this.writes.run(async () => {
      const { modelId, revision: recorded } = this.space;
      if (modelId === null || recorded === revision) return 0;
      let retired = 0;
      if (recorded !== null && this.photos) {
        const where = `modelId = ${sqlString(modelId)}`;
        retired = await this.photos.countRows(where);
        if (retired > 0) await this.photos.update({ where, values: { modelId: `${modelId}@${recorded}` } });
      }
      await this.writeVectorSpace({ ...this.space, revision });
      return retired;
    });
  }

  /** Makes `modelId` the vector space of a library that holds no photos yet (nothing to re-embed). */
  async adoptSearchModel(modelId: string): Promise<boolean> {
    return this.writes.run(async () => {
      if (this.space.modelId === modelId) return true;
      if (this.photos && (await this.photos.countRows()) > 0) return false;
      if (this.photos) {
        // An empty table may have another model's vector size: start it afresh.
        this.photos.close();
        await this.db.dropTable(this.space.photosTable);
        this.photos = undefined;
      }
      await this.dropStagingUnlocked();
      await this.writeVectorSpace({ photosTable: PHOTOS, modelId, revision: null, staging: null });
      return true;
    });
  }

  /** The vector size of the stored embeddings, or null while the library is empty. */
  async vectorDimension(): Promise<number | null> {
    if (!this.photos) return null;
    const field = (await this.photos.schema()).fields.find((f) => f.name === 'vector');
    // Duck-typed: LanceDB may hand back schema objects from its own copy of apache-arrow.
    const listSize = (field?.type as { listSize?: unknown } | undefined)?.listSize;
    return typeof listSize === 'number' ? listSize : null;
  }

  private async photosTable(dimension: number): Promise<lancedb.Table> {
    if (this.photos) {
      const existing = await this.vectorDimension();
      if (existing !== dimension && this.space.modelId !== null && (await this.photos.countRows(`modelId = ${sqlString(this.space.modelId)}`)) === 0) {
        // Created from the catalog's size before any vector existed, and the model makes another size.
        await this.recreatePhotosTable(dimension);
        return this.photos;
      }
      if (existing !== dimension) {
        throw new Error(`The library holds ${existing}-dimensional vectors but the model makes ${dimension}-dimensional ones; re-embed the library to switch models.`);
      }
      return this.photos;
    }
    this.photos = await this.db.createEmptyTable(this.space.photosTable, photosSchema(dimension), { existOk: true });
    return this.photos;
  }

  /** Re-creates the photos table with another vector size; every row keeps its data with a zero vector. */
  private async recreatePhotosTable(dimension: number): Promise<void> {
    const rows = this.photos ? ((await this.photos.query().select(PHOTO_COLUMNS).toArray()) as Row[]).map(fromRow) : [];
    const name = `${PHOTOS}_${Date.now().toString(36)}`;
    const next = await this.db.createEmptyTable(name, photosSchema(dimension));
    for (let i = 0; i < rows.length; i += SWITCH_CHUNK) {
      await next.add(rows.slice(i, i + SWITCH_CHUNK).map((p) => toRow({ ...p, modelId: p.modelId === this.space.modelId ? NOT_EMBEDDED : p.modelId, vector: new Float32Array(dimension) })));
    }
    const old = this.space.photosTable;
    this.photos?.close();
    await this.writeVectorSpace({ ...this.space, photosTable: name });
    this.photos = next;
    if ((await this.db.tableNames()).includes(old)) await this.db.dropTable(old);
  }

  /**
   * Inserts or replaces photos by path, in one atomic commit. A photo embedded by another model than the
   * active one (a batch that finished just after a switch) is stored without its vector, to be re-embedded.
   */
  async upsertPhotos(photos: StoredPhoto[]): Promise<void> {
    if (photos.length === 0) return;
    await this.writes.run(() => this.upsertUnlocked(photos));
    await this.clearProblems(photos.map((p) => p.path));
  }

  private async upsertUnlocked(photos: StoredPhoto[]): Promise<void> {
    const first = photos.find((p) => p.modelId !== NOT_EMBEDDED);
    if (this.space.modelId === null && first) await this.writeVectorSpace({ ...this.space, modelId: first.modelId });
    const active = photos.find((p) => p.modelId === this.space.modelId && p.vector);
    // The active model's rows set the size (photosTable checks it against an existing table).
    const dimension = active?.vector?.length ?? (await this.vectorDimension()) ?? this.dimensionHint;
    if (dimension == null) throw new Error(`Photos cannot be stored before the size of ${this.space.modelId ?? 'the search model'}'s vectors is known; install the search model first.`);
    const table = await this.photosTable(dimension);
    const rows = photos.map((p) => (p.modelId === this.space.modelId && p.vector ? p : { ...p, modelId: p.vector ? p.modelId : NOT_EMBEDDED, vector: new Float32Array(dimension) }));
    await table.mergeInsert('path').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows.map(toRow));
    if (await compactAfterCommits(table)) await this.renewConnection(); // see [Note: compaction during long passes]
  }

  /** See [Note: renewing connections during long passes] (lance-tables.ts). Called holding the write queue. */
  private async renewConnection(): Promise<void> {
    const photosTable = this.space.photosTable;
    const renewed = await renewConnection(this.db, [...(this.photos ? [this.photos] : []), this.problems, this.sidecars], async (db) => ({
      photos: this.photos ? await db.openTable(photosTable) : undefined,
      problems: await ProblemsRepository.open(db),
      sidecars: await SidecarStampsRepository.open(db),
    }));
    if (!renewed) return;
    this.db = renewed.db;
    ({ photos: this.photos, problems: this.problems, sidecars: this.sidecars } = renewed.opened);
  }

  /**
   * Gives stored photos their vectors from the active search model (the embed stage catching up), in one
   * commit. Only the vector and modelId change: metadata, captions and user edits stay as they are.
   * Returns how many rows were updated.
   */
  async setVectors(modelId: string, updates: Array<{ path: string; vector: Float32Array }>): Promise<number> {
    if (updates.length === 0) return 0;
    return this.writes.run(async () => {
      if (!this.photos || modelId !== this.space.modelId) return 0;
      const byPath = new Map(updates.map((u) => [u.path, u.vector]));
      const rows = (await this.photos.query().where(`path IN (${[...byPath.keys()].map(sqlString).join(', ')})`).select(PHOTO_COLUMNS).toArray()) as Row[];
      const changed: StoredPhoto[] = rows.map((row) => ({ ...fromRow(row), modelId, vector: byPath.get(str(row, 'path'))! }));
      await this.upsertUnlocked(changed);
      return changed.length;
    });
  }

  /**
   * Sets captions (and optionally keywords) of stored photos in one commit. Rows are read back with
   * their vectors and merge-inserted whole, so the update is atomic and idempotent.
   */
  async updateCaptions(updates: Array<{ path: string; caption: string | null; captionModel: string | null; captionEdited: boolean; keywords?: string[] }>): Promise<number> {
    return this.writes.run(() => this.updateCaptionsUnlocked(updates));
  }

  private async updateCaptionsUnlocked(updates: Array<{ path: string; caption: string | null; captionModel: string | null; captionEdited: boolean; keywords?: string[] }>): Promise<number> {
    if (!this.photos || updates.length === 0) return 0;
    const byPath = new Map(updates.map((u) => [u.path, u]));
    const rows = (await this.photos.query().where(`path IN (${[...byPath.keys()].map(sqlString).join(', ')})`).toArray()) as Row[];
    const now = new Date().toISOString();
    const changed: StoredPhoto[] = rows.map((row) => {
      const update = byPath.get(str(row, 'path'))!;
      const photo = fromRow(row);
      return {
        ...photo,
        caption: update.caption,
        captionModel: update.captionModel,
        captionAt: now,
        captionEdited: update.captionEdited,
        keywords: update.keywords ?? photo.keywords,
        vector: Float32Array.from(row.vector as Iterable<number>),
      };
    });
    await this.upsertUnlocked(changed);
    return changed.length;
  }

  /** Path, size, mtime, hash and model of every stored photo: what a re-scan compares against. */
  async fileStamps(): Promise<Map<string, FileStamp>> {
    const stamps = new Map<string, FileStamp>();
    if (!this.photos) return stamps;
    const rows = (await this.photos.query().select(['path', 'size', 'mtimeMs', 'contentHash', 'modelId']).toArray()) as Row[];
    for (const row of rows) {
      stamps.set(str(row, 'path'), { path: str(row, 'path'), size: num(row, 'size'), mtimeMs: num(row, 'mtimeMs'), contentHash: str(row, 'contentHash'), modelId: str(row, 'modelId') });
    }
    return stamps;
  }

  /** Counts for the stage report: photos listed, embedded by `modelId`, with a caption. */
  async stageCounts(modelId: string): Promise<{ photos: number; embedded: number; captioned: number }> {
    if (!this.photos) return { photos: 0, embedded: 0, captioned: 0 };
    const [photos, embedded, captioned] = await Promise.all([
      this.photos.countRows(),
      this.photos.countRows(`modelId = ${sqlString(modelId)}`),
      this.photos.countRows(photoQueryToSql({ captioned: true })),
    ]);
    return { photos, embedded, captioned };
  }

  async countPhotos(query?: PhotoQuery): Promise<number> {
    return this.photos ? this.photos.countRows(photoQueryToSql(query)) : 0;
  }

  async getPhoto(path: string): Promise<Photo | null> {
    const rows = await this.queryRows(`path = ${sqlString(path)}`, 1);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async getPhotoWithVector(path: string): Promise<(Photo & { vector: Float32Array }) | null> {
    if (!this.photos) return null;
    const rows = (await this.photos.query().where(`path = ${sqlString(path)}`).limit(1).toArray()) as Row[];
    const row = rows[0];
    if (!row) return null;
    return { ...fromRow(row), vector: Float32Array.from(row.vector as Iterable<number>) };
  }

  async listPhotos(query?: PhotoQuery, limit?: number): Promise<Photo[]> {
    if (query?.paths && query.paths.length > 500) {
      // Long path lists go in chunks: one huge IN (...) filter is slow to plan.
      const photos: Photo[] = [];
      for (let i = 0; i < query.paths.length; i += 500) photos.push(...(await this.listPhotos({ ...query, paths: query.paths.slice(i, i + 500) })));
      return limit === undefined ? photos : photos.slice(0, limit);
    }
    return (await this.queryRows(photoQueryToSql(query), limit)).map(fromRow);
  }

  private async queryRows(filter?: string, limit?: number): Promise<Row[]> {
    if (!this.photos) return [];
    let query = this.photos.query().select(PHOTO_COLUMNS);
    if (filter) query = query.where(filter);
    if (limit !== undefined) query = query.limit(limit);
    return (await query.toArray()) as Row[];
  }

  async recordProblems(records: Array<PhotoProblemRecord & { size: number; mtimeMs: number }>): Promise<void> {
    await this.problems.recordProblems(records);
  }

  async clearProblems(paths: string[]): Promise<void> {
    await this.problems.clearProblems(paths);
  }

  async problemMap(): Promise<Map<string, StoredProblem>> {
    return this.problems.problemMap();
  }

  /** Paths of the stored photos that a query selects. */
  async matchingPaths(query: PhotoQuery): Promise<string[]> {
    if (!this.photos) return [];
    let search = this.photos.query().select(['path']);
    const filter = photoQueryToSql(query);
    if (filter) search = search.where(filter);
    return ((await search.toArray()) as Row[]).map((row) => str(row, 'path'));
  }

  /** Paths of stored photos inside a folder (for a folder that was deleted or moved away). */
  async pathsUnder(dir: string, separator = path.sep): Promise<string[]> {
    if (!this.photos) return [];
    const rows = (await this.photos.query().where(photoQueryToSql({ folder: dir }, separator)!).select(['path']).toArray()) as Row[];
    return rows.map((row) => str(row, 'path'));
  }

  async deletePhotos(paths: string[]): Promise<void> {
    if (!this.photos || paths.length === 0) return;
    await this.writes.run(async () => {
      for (let i = 0; i < paths.length; i += 500) {
        await this.photos!.delete(`path IN (${paths.slice(i, i + 500).map(sqlString).join(', ')})`);
      }
      await this.sidecars.forget(paths);
    });
  }

  /** The XMP sidecar each stored photo's metadata was read from (photos without one are absent). */
  sidecarStamps(): Promise<Map<string, SidecarStamp>> {
    return this.sidecars.stamps();
  }

  /** Records the sidecars the photos' metadata was just read from (null: it has none now). */
  async recordSidecars(entries: ReadonlyArray<{ path: string; sidecar: SidecarStamp | null }>): Promise<void> {
    if (entries.length) await this.writes.run(() => this.sidecars.record(entries));
  }

  /**
   * Replaces fields of stored photos read from their files (date, place, camera, description, keywords)
   * in one commit; the vector, captions and user edits stay as they are. Returns how many rows changed.
   */
  async updateFileMetadata(updates: ReadonlyArray<{ path: string; metadata: FileMetadataFields }>): Promise<number> {
    if (updates.length === 0) return 0;
    return this.writes.run(async () => {
      if (!this.photos) return 0;
      const byPath = new Map(updates.map((u) => [u.path, u.metadata]));
      const rows = (await this.photos.query().where(`path IN (${[...byPath.keys()].map(sqlString).join(', ')})`).toArray()) as Row[];
      const changed: StoredPhoto[] = rows.map((row) => ({ ...fromRow(row), ...byPath.get(str(row, 'path'))!, vector: Float32Array.from(row.vector as Iterable<number>) }));
      await this.upsertUnlocked(changed);
      return changed.length;
    });
  }

  /** Cosine nearest neighbours, prefiltered by the SQL filter (model id, folder, dates, camera). */
  async nearest(vector: Float32Array, limit: number, query?: PhotoQuery, options: { exact?: boolean } = {}): Promise<VectorHit[]> {
    const filter = photoQueryToSql(query);
    // A query embedded by another model (a search racing a switch) has nothing to compare with.
    if (!this.photos || vector.length !== (await this.vectorDimension())) return [];
    const rows = (await this.nearestQuery(this.photos, vector, limit, filter, options.exact).toArray()) as Row[];
    return rows.map((row) => ({ photo: fromRow(row), score: 1 - num(row, '_distance') }));
  }

  /** LanceDB's physical plan for a nearest() query: benchmarks check that filters use the indexes. */
  async explainNearest(vector: Float32Array, limit: number, query?: PhotoQuery): Promise<string> {
    return this.photos ? this.nearestQuery(this.photos, vector, limit, photoQueryToSql(query)).explainPlan() : '';
  }

  private nearestQuery(photos: lancedb.Table, vector: Float32Array, limit: number, filter: string | undefined, exact = false): lancedb.VectorQuery {
    // With the (quantised) index, candidates are re-ranked on the exact vectors (refine), so scores stay cosine.
    let query = photos.vectorSearch(Array.from(vector)).distanceType('cosine').select([...PHOTO_COLUMNS, '_distance']).limit(limit).refineFactor(5).ef(Math.max(100, limit * 5 * 2));
    if (exact) query = query.bypassVectorIndex();
    if (filter) query = query.where(filter);
    return query;
  }

  /** Builds an approximate vector index (HNSW) once the table is big enough for brute force to be slow. */
  async ensureVectorIndex(minRows = 8_000): Promise<boolean> {
    if (!this.photos) return false;
    const rows = await this.photos.countRows();
    if (rows < minRows) return false;
    const indices = await this.photos.listIndices();
    await this.ensureFilterIndexes(indices.flatMap((index) => index.columns));
    if (indices.some((index) => index.columns.includes('vector'))) return false; // kept current by optimize()
    // HNSW over scalar-quantised vectors in one partition (LanceDB's advice for HNSW): at 100k random
    // 512-d vectors IVF-PQ with default probes found a third of the exact top 20; this finds nearly all.
    await this.photos.createIndex('vector', { config: lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: Math.max(1, Math.round(rows / 250_000)) }) });
    return true;
  }

  /**
   * Scalar indexes on the columns searches filter on (created with the vector index, kept current by
   * optimize()): the vector search prefilters through them instead of scanning the columns at each query,
   * and keeps using the vector index. A bitmap for modelId (a few values), btrees for folder and takenAt
   * (folder filters are written as ranges, see photoQueryToSql in photo-filters.ts, so the btree serves them).
   */
  private async ensureFilterIndexes(indexed: string[]): Promise<void> {
    const wanted: Array<[string, lancedb.Index]> = [['modelId', lancedb.Index.bitmap()], ['folder', lancedb.Index.btree()], ['takenAt', lancedb.Index.btree()]];
    for (const [column, config] of wanted) if (!indexed.includes(column)) await this.photos!.createIndex(column, { config });
  }

  /** Creates the full-text index of searchText once; optimize() then folds new rows into it. */
  async ensureTextIndex(): Promise<boolean> {
    if (!this.photos) return false;
    const indices = await this.photos.listIndices();
    if (indices.some((index) => index.columns.includes('searchText'))) return true;
    if (this.readOnly) return false; // a reader writes nothing: the next index pass builds it
    await this.photos.createIndex('searchText', { config: lancedb.Index.fts({ stem: true, removeStopWords: true, lowercase: true, asciiFolding: true, withPosition: false }) });
    return true;
  }

  /** Full-text (BM25) matches over captions, descriptions, keywords and file names. */
  async textMatches(text: string, limit: number, query?: PhotoQuery): Promise<Photo[]> {
    if (!this.photos || (await this.photos.countRows()) === 0) return [];
    if (!(await this.ensureTextIndex())) return [];
    const filter = photoQueryToSql(query);
    let search = this.photos.query().fullTextSearch(text, { columns: 'searchText' }).select([...PHOTO_COLUMNS, '_score']).limit(limit);
    if (filter) search = search.where(filter);
    return ((await search.toArray()) as Row[]).map(fromRow);
  }

  /** Vectors of the given photos (to score full-text-only matches against the query). */
  async vectorsOf(paths: string[]): Promise<Map<string, Float32Array>> {
    const map = new Map<string, Float32Array>();
    if (!this.photos || paths.length === 0) return map;
    const rows = (await this.photos.query().where(`path IN (${paths.map(sqlString).join(', ')})`).select(['path', 'vector']).toArray()) as Row[];
    for (const row of rows) map.set(str(row, 'path'), Float32Array.from(row.vector as Iterable<number>));
    return map;
  }

  /** Compacts small fragments left by many small commits and drops old versions. */
  async compact(): Promise<void> {
    await this.writes.run(async () => {
      await this.photos?.optimize({ cleanupOlderThan: versionsToKeepSince() });
      await this.problems.optimize(versionsToKeepSince());
    });
  }

  // ---- model switch (see [Note: vector spaces]) ----

  /** Content hashes of the stored photos, each with one path to read it from. */
  async photosByContent(): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (!this.photos) return map;
    const rows = (await this.photos.query().select(['path', 'contentHash']).toArray()) as Row[];
    for (const row of rows) {
      const hash = str(row, 'contentHash');
      const paths = map.get(hash);
      if (paths) paths.push(str(row, 'path'));
      else map.set(hash, [str(row, 'path')]);
    }
    return map;
  }

  /** Content hashes that already have a staged vector of `modelId` (an earlier run's work is kept). */
  async stagedHashes(modelId: string): Promise<Set<string>> {
    if (this.space.staging !== modelId || !(await committedTableNames(this.db)).includes(STAGING)) return new Set();
    const table = await this.db.openTable(STAGING);
    try {
      return new Set(((await table.query().select(['contentHash']).toArray()) as Row[]).map((row) => str(row, 'contentHash')));
    } finally {
      table.close();
    }
  }

  /** Stores vectors of the model being switched to, by content hash (idempotent). */
  async stageVectors(modelId: string, rows: Array<{ contentHash: string; vector: Float32Array }>): Promise<void> {
    if (rows.length === 0) return;
    await this.writes.run(async () => {
      if (this.space.staging !== modelId) {
        await this.dropStagingUnlocked();
        await this.writeVectorSpace({ ...this.space, staging: modelId });
      }
      const table = await this.db.createEmptyTable(STAGING, stagingSchema(rows[0]!.vector.length), { existOk: true });
      try {
        await table.mergeInsert('contentHash').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows.map((r) => ({ contentHash: r.contentHash, vector: Array.from(r.vector) })));
      } finally {
        table.close();
      }
    });
  }

  /** Forgets staged vectors (the switch was abandoned). */
  async dropStaging(): Promise<void> {
    await this.writes.run(() => this.dropStagingUnlocked());
  }

  private async dropStagingUnlocked(): Promise<void> {
    if ((await this.db.tableNames()).includes(STAGING)) await this.db.dropTable(STAGING);
    if (this.space.staging) await this.writeVectorSpace({ ...this.space, staging: null });
  }

  /**
   * Makes the staged model the library's vector space: writes a new photos table with the staged vectors
   * (photos without one keep their row, with a zero vector and their old modelId) and flips the pointer.
   * Returns how many photos got the new vectors and how many wait for re-embedding.
   */
  async switchVectorSpace(modelId: string): Promise<{ switched: number; waiting: number }> {
    return this.writes.run(async () => {
      if (this.space.staging !== modelId) throw new Error(`No vectors of ${modelId} are staged; nothing to switch to.`);
      const staging = await this.db.openTable(STAGING);
      const field = (await staging.schema()).fields.find((f) => f.name === 'vector');
      const dimension = (field?.type as { listSize?: number } | undefined)?.listSize;
      if (!dimension) throw new Error('The staged vectors have no size; the switch cannot go on.');
      const name = `${PHOTOS}_${Date.now().toString(36)}`;
      const next = await this.db.createEmptyTable(name, photosSchema(dimension));
      let switched = 0;
      let waiting = 0;
      try {
        const rows = this.photos ? ((await this.photos.query().select(PHOTO_COLUMNS).toArray()) as Row[]) : [];
        for (let i = 0; i < rows.length; i += SWITCH_CHUNK) {
          const chunk = rows.slice(i, i + SWITCH_CHUNK).map(fromRow);
          const hashes = [...new Set(chunk.map((p) => p.contentHash))];
          const staged = new Map<string, Float32Array>();
          const found = (await staging.query().where(`contentHash IN (${hashes.map(sqlString).join(', ')})`).toArray()) as Row[];
          for (const row of found) staged.set(str(row, 'contentHash'), Float32Array.from(row.vector as Iterable<number>));
          const out = chunk.map((photo): StoredPhoto => {
            const vector = staged.get(photo.contentHash);
            if (vector) switched++;
            else waiting++;
            return vector ? { ...photo, modelId, vector } : { ...photo, vector: new Float32Array(dimension) };
          });
          await next.add(out.map(toRow));
        }
      } catch (error) {
        next.close();
        await this.db.dropTable(name);
        throw error;
      } finally {
        staging.close();
      }
      const old = this.space.photosTable;
      this.photos?.close();
      await this.writeVectorSpace({ photosTable: name, modelId, revision: null, staging: null });
      this.photos = next;
      if ((await this.db.tableNames()).includes(old)) await this.db.dropTable(old);
      await this.db.dropTable(STAGING);
      return { switched, waiting };
    });
  }

  /** Keeps one row per path (the newest) in photos and problems; see duplicate-rows.ts. Returns rows removed. */
  async repairDuplicatePaths(): Promise<number> {
    return this.writes.run(async () => {
      let removed = 0;
      if (this.photos) removed += await removeDuplicatePaths(this.photos, 'indexedAt');
      removed += await this.problems.removeDuplicatePaths();
      return removed;
    });
  }
}
