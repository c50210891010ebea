// Video moments in embedded LanceDB: one row per sampled frame (video content hash, time, search model, vector), and each video's facts.
import type * as lancedb from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Float64, Schema, Utf8 } from './arrow-runtime.ts';
import { sqlString } from './photo-filters.ts';
import { committedTableNames, connectDatabase, inChunks, openOrCreateTable, sqlList, type Row, type TableAccess } from './lance-tables.ts';

// [Note: video moments storage]
// A video's moments are keyed by its content hash (so a moved or renamed video keeps them) and the
// search model that embedded them (vectors of two models never meet in one search, as for photos).
// Each table holds one vector size (`moments_<dimension>`), so a model switch adds a table instead of
// rewriting one. All moments of a video are written in ONE commit (a merge-insert that also deletes
// that video's rows missing from the new set), so a kill leaves either the old set or the new one:
// a video counts as done for a model exactly when its rows are there (see `hasMoments`).

export interface Moment {
  /** Seconds from the start of the video. */
  time: number;
  vector: Float32Array;
}

export interface MomentHit {
  contentHash: string;
  time: number;
  /** Cosine similarity to the query. */
  score: number;
}

export interface VideoFacts {
  contentHash: string;
  /** Seconds, or null when the container does not say. */
  duration: number | null;
  videoCodec: string;
  audioCodecs: string[];
  frameRate: number | null;
}

const TABLE_PREFIX = 'moments_';
const VIDEOS = 'videos';

const videosSchema = new Schema([
  new Field('contentHash', new Utf8()),
  new Field('duration', new Float64(), true),
  new Field('videoCodec', new Utf8()),
  new Field('audioCodecs', new Utf8()),
  new Field('frameRate', new Float64(), true),
]);

function momentsSchema(dimension: number): Schema {
  return new Schema([
    // contentHash + modelId + time in milliseconds: the merge key.
    new Field('key', new Utf8()),
    new Field('contentHash', new Utf8()),
    new Field('modelId', new Utf8()),
    new Field('time', new Float64()),
    new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true))),
  ]);
}

export class MomentsRepository {
  private readonly tables = new Map<number, lancedb.Table>();

  private constructor(
    private readonly db: lancedb.Connection,
    /** What ffprobe said of each video content (duration, codecs): one row per content hash. */
    private readonly videos: lancedb.Table,
  ) {}

  /** Opens (or starts) the moments tables in the library's database folder. */
  static async open(databaseDir: string, access: TableAccess = {}): Promise<MomentsRepository> {
    const db = await connectDatabase(databaseDir, access);
    const videos = await openOrCreateTable(db, VIDEOS, videosSchema, access);
    const repository = new MomentsRepository(db, videos);
    for (const name of await committedTableNames(repository.db)) {
      const dimension = Number(name.slice(TABLE_PREFIX.length));
      if (name.startsWith(TABLE_PREFIX) && Number.isInteger(dimension) && dimension > 0) repository.tables.set(dimension, await repository.db.openTable(name));
    }
    return repository;
  }

  close(): void {
    for (const table of this.tables.values()) table.close();
    this.tables.clear();
    this.videos.close();
    this.db.close();
  }

  private async table(dimension: number): Promise<lancedb.Table> {
    const existing = this.tables.get(dimension);
    if (existing) return existing;
    const table = await this.db.createEmptyTable(`${TABLE_PREFIX}${dimension}`, momentsSchema(dimension), { existOk: true });
    this.tables.set(dimension, table);
    return table;
  }

  private static where(contentHash: string, modelId: string): string {
    return `contentHash = ${sqlString(contentHash)} AND modelId = ${sqlString(modelId)}`;
  }

  /**
   * Replaces the moments of one video for one model in a single atomic commit. An empty list removes
   * them. See [Note: video moments storage].
   */
  async replaceMoments(contentHash: string, modelId: string, moments: readonly Moment[]): Promise<void> {
    const dimensions = new Set(moments.map((m) => m.vector.length));
    if (dimensions.size > 1) throw new Error(`Moments of one video must have one vector size, got ${[...dimensions].join(', ')}`);
    const where = MomentsRepository.where(contentHash, modelId);
    if (moments.length === 0) {
      for (const table of this.tables.values()) await table.delete(where);
      return;
    }
    const table = await this.table(moments[0]!.vector.length);
    const rows = moments.map((m) => ({
      key: `${contentHash}:${modelId}:${Math.round(m.time * 1000)}`,
      contentHash,
      modelId,
      time: m.time,
      vector: Array.from(m.vector),
    }));
    await table.mergeInsert('key').whenMatchedUpdateAll().whenNotMatchedInsertAll().whenNotMatchedBySourceDelete({ where }).execute(rows);
  }

  /** How many moments a video has for a model (0: not sampled yet, or a kill came before its commit). */
  async countMoments(contentHash: string, modelId: string): Promise<number> {
    let count = 0;
    for (const table of this.tables.values()) count += await table.countRows(MomentsRepository.where(contentHash, modelId));
    return count;
  }

  /** How many moments all videos have for a model (the search background is measured again when it moves). */
  async countAllMoments(modelId: string): Promise<number> {
    let count = 0;
    for (const table of this.tables.values()) count += await table.countRows(`modelId = ${sqlString(modelId)}`);
    return count;
  }

  async hasMoments(contentHash: string, modelId: string): Promise<boolean> {
    return (await this.countMoments(contentHash, modelId)) > 0;
  }

  /** The moment times of a video for a model, in order. */
  async momentTimes(contentHash: string, modelId: string): Promise<number[]> {
    const times: number[] = [];
    for (const table of this.tables.values()) {
      const rows = (await table.query().where(MomentsRepository.where(contentHash, modelId)).select(['time']).toArray()) as Row[];
      times.push(...rows.map((r) => Number(r.time)));
    }
    return times.sort((a, b) => a - b);
  }

  /**
   * The best moment of each video for a query, best first: the nearest `candidates` moments of the
   * model (exact cosine), grouped by video. `contentHashes` limits it to some videos (all of one video
   * for its timeline marks).
   */
  async bestMoments(vector: Float32Array, modelId: string, options: { limit: number; candidates?: number; contentHashes?: readonly string[] }): Promise<MomentHit[]> {
    const table = this.tables.get(vector.length);
    if (!table) return [];
    let filter = `modelId = ${sqlString(modelId)}`;
    if (options.contentHashes) {
      if (options.contentHashes.length === 0) return [];
      filter += ` AND contentHash IN ${sqlList(options.contentHashes)}`;
    }
    const rows = (await table
      .vectorSearch(Array.from(vector))
      .distanceType('cosine')
      .where(filter)
      .select(['contentHash', 'time', '_distance'])
      .limit(options.candidates ?? Math.max(200, options.limit * 20))
      .toArray()) as Row[];
    const best = new Map<string, MomentHit>();
    for (const row of rows) {
      const hit = { contentHash: String(row.contentHash as string), time: Number(row.time), score: 1 - Number(row._distance) };
      const seen = best.get(hit.contentHash);
      if (!seen || hit.score > seen.score) best.set(hit.contentHash, hit);
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, options.limit);
  }

  /** Every moment of one video scored against a query, in time order (the app marks them on the timeline). */
  async scoredMoments(vector: Float32Array, modelId: string, contentHash: string): Promise<Array<{ time: number; score: number }>> {
    const table = this.tables.get(vector.length);
    if (!table) return [];
    const rows = (await table
      .vectorSearch(Array.from(vector))
      .distanceType('cosine')
      .where(MomentsRepository.where(contentHash, modelId))
      .select(['time', '_distance'])
      .limit(100_000)
      .toArray()) as Row[];
    return rows.map((r) => ({ time: Number(r.time), score: 1 - Number(r._distance) })).sort((a, b) => a.time - b.time);
  }

  /** Records what ffprobe said of a video content (before its moments, which mark it done). */
  async recordFacts(facts: VideoFacts): Promise<void> {
    const row = { ...facts, audioCodecs: JSON.stringify(facts.audioCodecs) };
    await this.videos.mergeInsert('contentHash').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute([row]);
  }

  async facts(contentHash: string): Promise<VideoFacts | null> {
    const rows = (await this.videos.query().where(`contentHash = ${sqlString(contentHash)}`).limit(1).toArray()) as Row[];
    const row = rows[0];
    if (!row) return null;
    return {
      contentHash,
      duration: row.duration == null ? null : Number(row.duration),
      videoCodec: String(row.videoCodec as string),
      audioCodecs: JSON.parse(String(row.audioCodecs as string)) as string[],
      frameRate: row.frameRate == null ? null : Number(row.frameRate),
    };
  }

  /** Removes the facts and moments of videos no longer in the library (any model). */
  async deleteVideos(contentHashes: readonly string[]): Promise<void> {
    for (const chunk of inChunks(contentHashes)) {
      const where = `contentHash IN ${sqlList(chunk)}`;
      for (const table of this.tables.values()) await table.delete(where);
      await this.videos.delete(where);
    }
  }
}
