// Repairs tables keyed by path that hold more than one row for a path (left by two processes that
// indexed one library at the same time before the library lock): keeps the newest row of each path.
// See [Note: one writer per library] in main/core/library/library-lock.ts.
import type * as lancedb from '@lancedb/lancedb';

/**
 * Deletes every row but the newest of each path (newest by `newestColumn`, ties and tables without it
 * by the later row id, i.e. the later write). One delete per 500 rows, by row id: the kept rows are
 * untouched, so their vectors, captions and edits stay as they are. Returns how many rows were removed.
 */
export async function removeDuplicatePaths(table: lancedb.Table, newestColumn?: string): Promise<number> {
  const columns = newestColumn ? ['path', newestColumn] : ['path'];
  const rows = (await table.query().withRowId().select(columns).toArray()) as Array<Record<string, unknown>>;
  const best = new Map<string, { rowId: bigint; at: string }>();
  const extra: bigint[] = [];
  for (const row of rows) {
    const path = String(row.path);
    const rowId = BigInt(row._rowid as bigint | number);
    const value = newestColumn ? row[newestColumn] : undefined;
    const at = typeof value === 'string' ? value : '';
    const kept = best.get(path);
    if (!kept) {
      best.set(path, { rowId, at });
      continue;
    }
    const newer = at > kept.at || (at === kept.at && rowId > kept.rowId);
    extra.push(newer ? kept.rowId : rowId);
    if (newer) best.set(path, { rowId, at });
  }
  for (let i = 0; i < extra.length; i += 500) await table.delete(`_rowid IN (${extra.slice(i, i + 500).join(', ')})`);
  return extra.length;
}
