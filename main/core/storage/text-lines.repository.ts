// The text read in each photo (lines with confidence and box), in its own LanceDB table keyed by content hash.
// Keyed by content, not path: a moved or copied photo keeps its text without being read again, like its
// vector and caption. A photo read without finding text has a row with no lines, so it is not read again.
// Writes are merge-inserts by content hash (see [Note: idempotent, resumable indexing]).
import type * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Schema, Utf8 } from './arrow-runtime.ts';
import { parseTextLines, type TextLine } from '../text/text-line.ts';
import { SerialWork } from '../serial-work.ts';
import { sqlString } from './photo-filters.ts';
import { compactAfterCommits, connectDatabase, deleteWhereIn, openOrCreateTable, renewConnection, type Row, type TableAccess } from './lance-tables.ts';

const TABLE = 'text_lines';

const schema = new Schema([
  new Field('contentHash', new Utf8()),
  /** The lines' text in reading order, one per line (what search and ask use). */
  new Field('text', new Utf8()),
  /** JSON array of TextLine. */
  new Field('lines', new Utf8()),
  /** The text model that read it. */
  new Field('modelId', new Utf8()),
  new Field('readAtMs', new Float64()),
]);

export interface PhotoText {
  contentHash: string;
  text: string;
  lines: TextLine[];
  modelId: string;
  readAtMs: number;
}

function fromRow(row: Row): PhotoText {
  return {
    contentHash: String(row.contentHash),
    text: String(row.text),
    lines: parseTextLines(JSON.parse(String(row.lines))),
    modelId: String(row.modelId),
    readAtMs: Number(row.readAtMs),
  };
}

export class TextLinesRepository {
  private readonly writes = new SerialWork();

  private constructor(
    private db: lancedb.Connection,
    private table: lancedb.Table,
  ) {}

  /** Opens (creating when needed) the text table in the library's LanceDB folder. */
  static async open(databaseDir: string, access: TableAccess = {}): Promise<TextLinesRepository> {
    const db = await connectDatabase(databaseDir, access);
    return new TextLinesRepository(db, await openOrCreateTable(db, TABLE, schema, access));
  }

  close(): void {
    this.table.close();
    this.db.close();
  }

  /** Stores what was read in each photo (replacing an earlier reading of the same content). */
  async upsert(readings: Array<{ contentHash: string; lines: TextLine[]; modelId: string }>): Promise<void> {
    if (!readings.length) return;
    const now = Date.now();
    const rows = readings.map((r) => ({ contentHash: r.contentHash, text: r.lines.map((line) => line.text).join('\n'), lines: JSON.stringify(r.lines), modelId: r.modelId, readAtMs: now }));
    await this.writes.run(async () => {
      await this.table.mergeInsert('contentHash').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
      if (await compactAfterCommits(this.table)) await this.renewConnection(); // see [Note: compaction during long passes]
    });
  }

  /** See [Note: renewing connections during long passes] (lance-tables.ts). */
  private async renewConnection(): Promise<void> {
    const renewed = await renewConnection(this.db, [this.table], (db) => db.openTable(TABLE));
    if (renewed) [this.db, this.table] = [renewed.db, renewed.opened];
  }

  async get(contentHash: string): Promise<PhotoText | null> {
    const rows = (await this.table.query().where(`contentHash = ${sqlString(contentHash)}`).limit(1).toArray()) as Row[];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** The content hashes already read by `modelId` (to skip them on the next pass). */
  async hashesReadBy(modelId: string): Promise<Set<string>> {
    const rows = (await this.table.query().where(`modelId = ${sqlString(modelId)}`).select(['contentHash']).toArray()) as Row[];
    return new Set(rows.map((row) => String(row.contentHash)));
  }

  /** Every photo in which text was found: content hash and text (for the forgiving text search). */
  async texts(): Promise<Array<{ contentHash: string; text: string }>> {
    const rows = (await this.table.query().where(`text != ''`).select(['contentHash', 'text']).toArray()) as Row[];
    return rows.map((row) => ({ contentHash: String(row.contentHash), text: String(row.text) }));
  }

  async delete(contentHashes: string[]): Promise<void> {
    if (!contentHashes.length) return;
    await this.writes.run(() => deleteWhereIn(this.table, 'contentHash', contentHashes));
  }
}
