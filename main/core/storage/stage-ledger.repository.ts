// The ledger of analysis stages (text, faces, ...): per photo content, done or failed, and by which model.
// See [Note: the stage pipeline] in main/core/stages/stage-pipeline.ts. Keyed by stage + content hash, so
// a moved, renamed or copied photo is never analysed twice; a row is written only after the stage's
// outputs are committed, so a kill between the two re-runs the stage for that photo (idempotent).
import type * as lancedb from '@lancedb/lancedb';
import { Bool, Field, Int32, Schema, Utf8 } from './arrow-runtime.ts';
import { sqlString } from './photo-filters.ts';
import { SerialWork } from '../serial-work.ts';
import { compactAfterCommits, connectDatabase, openOrCreateTable, renewConnection, sqlList, type Row, type TableAccess } from './lance-tables.ts';

const LEDGER = 'stage_ledger';

const ledgerSchema = new Schema([
  new Field('key', new Utf8()),
  new Field('stage', new Utf8()),
  new Field('contentHash', new Utf8()),
  new Field('state', new Utf8()),
  new Field('modelKey', new Utf8()),
  new Field('reason', new Utf8()),
  new Field('permanent', new Bool()),
  new Field('attempts', new Int32()),
  new Field('updatedAt', new Utf8()),
]);

export interface LedgerEntry {
  stage: string;
  contentHash: string;
  state: 'done' | 'failed';
  /** The model (id@revision) whose result this is, or that failed. */
  modelKey: string;
  reason: string;
  permanent: boolean;
  attempts: number;
}

export class StageLedgerRepository {
  private readonly writes = new SerialWork();

  private constructor(private db: lancedb.Connection, private table: lancedb.Table) {}

  static async open(databaseDir: string, access: TableAccess = {}): Promise<StageLedgerRepository> {
    const db = await connectDatabase(databaseDir, access);
    return new StageLedgerRepository(db, await openOrCreateTable(db, LEDGER, ledgerSchema, access));
  }

  close(): void {
    this.table.close();
    this.db.close();
  }

  /** Reads what other processes committed since (see [Note: one writer per library]). */
  async refresh(): Promise<void> {
    await this.table.checkoutLatest();
  }

  /** Records outcomes (one commit); a failure's attempts count up from the previous entry's. */
  async record(entries: Array<Omit<LedgerEntry, 'attempts'>>): Promise<void> {
    if (entries.length === 0) return;
    await this.writes.run(async () => {
      const previous = await this.entries(entries[0]!.stage, entries.map((e) => e.contentHash));
      const now = new Date().toISOString();
      const rows = entries.map((e) => ({
        key: `${e.stage}|${e.contentHash}`,
        stage: e.stage,
        contentHash: e.contentHash,
        state: e.state,
        modelKey: e.modelKey,
        reason: e.reason,
        permanent: e.permanent,
        attempts: e.state === 'failed' ? (previous.get(e.contentHash)?.attempts ?? 0) + 1 : 0,
        updatedAt: now,
      }));
      await this.table.mergeInsert('key').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
      if (await compactAfterCommits(this.table)) await this.renewConnection(); // see [Note: compaction during long passes]
    });
  }

  /** See [Note: renewing connections during long passes] (lance-tables.ts). */
  private async renewConnection(): Promise<void> {
    const renewed = await renewConnection(this.db, [this.table], (db) => db.openTable(LEDGER));
    if (renewed) [this.db, this.table] = [renewed.db, renewed.opened];
  }

  /** The entries of one stage, by content hash (all of them, or those of the given hashes). */
  async entries(stage: string, contentHashes?: string[]): Promise<Map<string, LedgerEntry>> {
    const map = new Map<string, LedgerEntry>();
    if (contentHashes?.length === 0) return map;
    let where = `stage = ${sqlString(stage)}`;
    if (contentHashes) where += ` AND contentHash IN ${sqlList(contentHashes)}`;
    const rows = (await this.table.query().where(where).select(['contentHash', 'state', 'modelKey', 'reason', 'permanent', 'attempts']).toArray()) as Row[];
    for (const row of rows) {
      const contentHash = String(row.contentHash as string);
      map.set(contentHash, {
        stage,
        contentHash,
        state: row.state === 'done' ? 'done' : 'failed',
        modelKey: String(row.modelKey as string),
        reason: String(row.reason as string),
        permanent: Boolean(row.permanent),
        attempts: Number(row.attempts ?? 0),
      });
    }
    return map;
  }

  /** Forgets every stage's entries of these contents (they left the library: a photo removed from it). */
  async forgetContents(contentHashes: readonly string[]): Promise<void> {
    for (let i = 0; i < contentHashes.length; i += 500) {
      const some = contentHashes.slice(i, i + 500);
      await this.writes.run(() => this.table.delete(`contentHash IN (${some.map(sqlString).join(', ')})`));
    }
  }

  /** Forgets a stage's entries (its data was deleted, e.g. face grouping switched off). */
  async forget(stage: string): Promise<void> {
    await this.writes.run(() => this.table.delete(`stage = ${sqlString(stage)}`));
  }
}
