// The problems table: files that could not be indexed, with kind, reason, attempts and the file stamp seen.
import type * as lancedb from '@lancedb/lancedb';
import { Bool, Field, Float64, Int32, Schema, Utf8 } from './arrow-runtime.ts';
import type { PhotoProblemRecord, ProblemKind } from '../../../common/photo.types.ts';
import { retryCommitConflicts } from './commit-retry.ts';
import { removeDuplicatePaths } from './duplicate-rows.ts';
import { sqlString } from './photo-filters.ts';
import { num, str, type Row } from './photo-rows.ts';
import { openOrCreateTable, type TableAccess } from './lance-tables.ts';

export const PROBLEMS = 'problems';

const problemsSchema = new Schema([
  new Field('path', new Utf8()),
  new Field('size', new Float64()),
  new Field('mtimeMs', new Float64()),
  new Field('kind', new Utf8()),
  new Field('reason', new Utf8()),
  new Field('permanent', new Bool()),
  new Field('attempts', new Int32()),
  new Field('updatedAt', new Utf8()),
]);


export type StoredProblem = PhotoProblemRecord & { size: number; mtimeMs: number; attempts: number };

export class ProblemsRepository {
  constructor(private readonly problems: lancedb.Table) {}

  static async open(db: lancedb.Connection, access: TableAccess = {}): Promise<ProblemsRepository> {
    return new ProblemsRepository(await openOrCreateTable(db, PROBLEMS, problemsSchema, access));
  }

  close(): void {
    this.problems.close();
  }

  /** Reads what other processes committed since (see [Note: one writer per library]). */
  async refresh(): Promise<void> {
    await this.problems.checkoutLatest();
  }

  async optimize(cleanupOlderThan: Date): Promise<void> {
    await this.problems.optimize({ cleanupOlderThan });
  }


  async recordProblems(records: Array<PhotoProblemRecord & { size: number; mtimeMs: number }>): Promise<void> {
    if (records.length === 0) return;
    const previous = await this.problemMap();
    const rows = records.map((r) => ({
      path: r.path,
      size: r.size,
      mtimeMs: r.mtimeMs,
      kind: r.kind,
      reason: r.reason,
      permanent: r.permanent,
      attempts: (previous.get(r.path)?.attempts ?? 0) + 1,
      updatedAt: new Date().toISOString(),
    }));
    await retryCommitConflicts(() => this.problems.mergeInsert('path').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows));
  }

  /** Keeps the newest row of each path (see duplicate-rows.ts); returns how many were removed. */
  removeDuplicatePaths(): Promise<number> {
    return removeDuplicatePaths(this.problems, 'updatedAt');
  }

  async clearProblems(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    if ((await this.problems.countRows()) === 0) return;
    for (let i = 0; i < paths.length; i += 500) {
      await retryCommitConflicts(() => this.problems.delete(`path IN (${paths.slice(i, i + 500).map(sqlString).join(', ')})`));
    }
  }

  async problemMap(): Promise<Map<string, StoredProblem>> {
    const map = new Map<string, StoredProblem>();
    const rows = (await this.problems.query().toArray()) as Row[];
    for (const row of rows) {
      map.set(str(row, 'path'), {
        path: str(row, 'path'),
        size: num(row, 'size'),
        mtimeMs: num(row, 'mtimeMs'),
        kind: str(row, 'kind') as ProblemKind,
        reason: str(row, 'reason'),
        permanent: Boolean(row.permanent),
        attempts: num(row, 'attempts'),
      });
    }
    return map;
  }
}
