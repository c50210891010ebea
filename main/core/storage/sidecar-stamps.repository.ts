// The sidecar_stamps table: for each stored photo that has an XMP sidecar, which one and its size and
// time when its metadata was read (see [Note: sidecar metadata belongs to the path] in indexer/index.service.ts).
// Keyed by path like the photos; a photo without a sidecar has no row. Written after the photo's row,
// so a kill in between only makes the next pass read that sidecar again.
import type * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Schema, Utf8 } from './arrow-runtime.ts';
import type { SidecarStamp } from '../media/sidecar-stamp.ts';
import { retryCommitConflicts } from './commit-retry.ts';
import { deleteWhereIn, openOrCreateTable, type Row, type TableAccess } from './lance-tables.ts';

const SIDECAR_STAMPS = 'sidecar_stamps';

const schema = new Schema([
  new Field('path', new Utf8()),
  new Field('sidecar', new Utf8()),
  new Field('size', new Float64()),
  new Field('mtimeMs', new Float64()),
]);

export class SidecarStampsRepository {
  private constructor(private readonly table: lancedb.Table) {}

  static async open(db: lancedb.Connection, access: TableAccess = {}): Promise<SidecarStampsRepository> {
    return new SidecarStampsRepository(await openOrCreateTable(db, SIDECAR_STAMPS, schema, access));
  }

  close(): void {
    this.table.close();
  }

  /** Reads what other processes committed since (see [Note: one writer per library]). */
  async refresh(): Promise<void> {
    await this.table.checkoutLatest();
  }

  /** The recorded sidecar of every stored photo that has one. */
  async stamps(): Promise<Map<string, SidecarStamp>> {
    const rows = (await this.table.query().toArray()) as Row[];
    return new Map(rows.map((row) => [String(row.path), { path: String(row.sidecar), size: Number(row.size), mtimeMs: Number(row.mtimeMs) }]));
  }

  /** Records the photos' sidecars as just read: a stamp replaces the old one, null forgets it. */
  async record(entries: ReadonlyArray<{ path: string; sidecar: SidecarStamp | null }>): Promise<void> {
    const rows = entries.flatMap(({ path, sidecar }) => (sidecar ? [{ path, sidecar: sidecar.path, size: sidecar.size, mtimeMs: sidecar.mtimeMs }] : []));
    if (rows.length) await retryCommitConflicts(() => this.table.mergeInsert('path').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows));
    await this.forget(entries.filter((e) => !e.sidecar).map((e) => e.path));
  }

  /** Forgets the stamps of these photos (gone, or read without a sidecar). */
  async forget(paths: readonly string[]): Promise<void> {
    if (paths.length === 0 || (await this.table.countRows()) === 0) return;
    await retryCommitConflicts(() => deleteWhereIn(this.table, 'path', paths));
  }
}
