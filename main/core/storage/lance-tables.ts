// The LanceDB plumbing every table of the library shares: connecting (for writing, or read-only),
// opening a table or creating it empty, `IN (...)` lists and chunked deletes.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import type { Schema } from './arrow-runtime.ts';
import { sqlString } from './photo-filters.ts';

export type Row = Record<string, unknown>;

/** A reader opens the library as it is and creates nothing (see [Note: read-only library access]). */
export interface TableAccess {
  readOnly?: boolean;
}

/** Values per `IN (...)` filter: one huge list is slow to plan. */
export const IN_CHUNK = 500;

/**
 * Connects to the library's database folder. A writer creates the folder; a reader of a library that
 * has none yet gets an empty database in memory, so it writes nothing to the disk.
 */
export async function connectDatabase(databaseDir: string, access: TableAccess = {}): Promise<lancedb.Connection> {
  if (access.readOnly && !(await fs.stat(databaseDir).then((s) => s.isDirectory(), () => false))) return lancedb.connect('memory://');
  if (!access.readOnly) await fs.mkdir(databaseDir, { recursive: true });
  const db = await lancedb.connect(databaseDir, {}, cacheSession());
  databaseDirs.set(db, databaseDir);
  return db;
}

// [Note: a table whose creation was cut short]
// Creating a table makes its folder first and commits its first version after. A kill in between (or
// a full disk) leaves a folder that LanceDB lists but cannot open ("…/_versions not found"), and every
// later open of the library failed on it. Such a table never held a row, so it counts as missing: a
// writer creates it again (createEmptyTable with existOk writes the first version into the same folder),
// a reader reads it as empty. Reproduced by crash-resume.test.ts (kill -9 while text_lines was created).
const databaseDirs = new WeakMap<lancedb.Connection, string>();

/** The tables that have a committed version (see [Note: a table whose creation was cut short]). */
export async function committedTableNames(db: lancedb.Connection): Promise<string[]> {
  const names = await db.tableNames();
  const dir = databaseDirs.get(db);
  if (dir === undefined) return names; // in memory
  const committed = await Promise.all(names.map((name) => hasCommittedVersion(path.join(dir, `${name}.lance`))));
  return names.filter((_, i) => committed[i]);
}

async function hasCommittedVersion(tableDir: string): Promise<boolean> {
  const versions = await fs.readdir(path.join(tableDir, '_versions')).catch(() => [] as string[]);
  return versions.some((file) => file.endsWith('.manifest'));
}

// [Note: LanceDB cache budget]
// Each lancedb.connect() without a session gets its own default caches: up to 6 GB of index data and
// 1 GB of file metadata. The core opens several connections to the same database (photos, stage
// ledger, moments, faces, text lines), each of which may cache the metadata of every version an index
// pass commits (one per 128 rows). One session shared by all connections bounds that, with room for the
// largest index we serve (1M photos' HNSW-SQ, ~0.6–0.7 GB, in a 1 GB budget) and a small metadata
// cache. The core's growth while indexing was not these caches (a 16 MB / 8 MB budget grew the same):
// see [Note: compaction during long passes]. PHOTOBIND_LANCEDB_CACHE_MB ("index,metadata") overrides the budget.
let session: lancedb.Session | undefined;
function cacheSession(): lancedb.Session {
  if (!session) {
    const [indexMb, metadataMb] = (process.env.PHOTOBIND_LANCEDB_CACHE_MB ?? '1024,64').split(',').map((v) => BigInt(Math.max(1, Math.round(Number(v)) || 1)));
    session = new lancedb.Session(indexMb! * 1024n * 1024n, (metadataMb ?? 64n) * 1024n * 1024n);
  }
  return session;
}

/**
 * Opens a table, creating it empty when it is missing. A reader never creates one on the disk: a
 * missing table is read as an empty one held in memory.
 */
export async function openOrCreateTable(db: lancedb.Connection, name: string, schema: Schema, access: TableAccess = {}): Promise<lancedb.Table> {
  if ((await committedTableNames(db)).includes(name)) return db.openTable(name);
  if (access.readOnly) return (await lancedb.connect('memory://')).createEmptyTable(name, schema);
  return db.createEmptyTable(name, schema, { existOk: true });
}

// [Note: compaction during long passes]
// Every commit adds a fragment and a version, and an open table handle holds memory for each until the
// table is compacted: measured, ~0.35 MB per commit, growing with the fragment count (1,200 commits of
// 16 rows: +290 MB; compacted every 50 commits: +50 MB). An index pass commits every 128 photos and the
// pass compacted only at its end, so the core grew with the library: 156 → 566 MB over 10k photos while
// text lines and ledger entries were committed per model batch of 16 (three tables, ~190 commits per
// 1,000 photos). They now go with the rows (IndexService.apply), and the tables written during a pass
// are compacted every COMPACT_EVERY commits, keeping versions of the last minute for readers in other
// processes: 156 → 194 MB over the same 10k photos. What still grew with the rows written (~4 MB per
// 1,000) was glibc keeping freed memory: see [Note: glibc malloc in long-running commands] (bin/malloc-tuning.js),
// and then the connections themselves: see [Note: renewing connections during long passes].
export const COMPACT_EVERY = 64;

/** Compaction keeps the versions of the last minute: a reader in another process may still be on one. */
export function versionsToKeepSince(): Date {
  return new Date(Date.now() - 60_000);
}
const commitCounts = new WeakMap<lancedb.Table, number>();

/**
 * Counts one commit to `table` (call inside its write queue); every COMPACT_EVERY commits, compacts it
 * and returns true: the writer then renews its connection (see [Note: renewing connections during long passes]).
 */
export async function compactAfterCommits(table: lancedb.Table): Promise<boolean> {
  const count = (commitCounts.get(table) ?? 0) + 1;
  commitCounts.set(table, count);
  if (count % COMPACT_EVERY !== 0) return false;
  // Only an optimisation: a failure (a conflicting writer in another process, a full disk) never fails
  // the write that was just committed; the next COMPACT_EVERY commits try again.
  await table.optimize({ cleanupOlderThan: versionsToKeepSince() }).catch(() => undefined);
  return true;
}

// [Note: renewing connections during long passes]
// With the allocator tuned, a process committing 100k rows 128 at a time still grew by 0.5–0.8 MB per
// 1,000 rows and table (photos 145 → 264 MB, text lines 136 → 200, stage ledger 140 → 220), while a fresh
// process on the same 100k-row tables sat 50–60 MB lower: the growth lives in the long-lived connection
// (LanceDB's native state), not in the rows. Reopening only the table kept it; dropping the old
// connection for the garbage collector kept it (V8 does not see native memory, so it is not collected);
// a new connection, with the old one closed, released it (photos 211, text lines 178, ledger 187 MB at
// 100k rows). So a writer moves to a fresh connection each time it compacts (every COMPACT_EVERY commits:
// minutes apart in an index pass, ~16 s at 500 photos/s) and closes the old handles RENEWAL_GRACE_MS
// later, so that a read that holds one across awaits (a search while the library indexes) finishes on it.
// A native call already under way keeps its own reference, so the grace only covers the JavaScript side.
export const RENEWAL_GRACE_MS = 10_000;

/** Anything with a close(): a table, a connection, a repository over one. */
export interface Closable {
  close(): void;
}

/**
 * Moves a writer to a fresh connection to the same database: `reopen` opens what the writer needs on
 * it; the old connection and the `retired` handles are closed RENEWAL_GRACE_MS later. Returns null, and
 * the writer keeps its handles, when the database is held in memory or reopening fails: an optimisation
 * never fails the write that triggered it.
 */
export async function renewConnection<T>(db: lancedb.Connection, retired: readonly Closable[], reopen: (fresh: lancedb.Connection) => Promise<T>): Promise<{ db: lancedb.Connection; opened: T } | null> {
  const dir = databaseDirs.get(db);
  if (dir === undefined) return null;
  let fresh: lancedb.Connection | undefined;
  try {
    fresh = await lancedb.connect(dir, {}, cacheSession());
    databaseDirs.set(fresh, dir);
    const opened = await reopen(fresh);
    closeLater([...retired, db]);
    return { db: fresh, opened };
  } catch {
    fresh?.close();
    return null;
  }
}

/** Closes replaced handles once reads begun on them have had RENEWAL_GRACE_MS to finish. */
function closeLater(handles: readonly Closable[]): void {
  const timer = setTimeout(() => {
    for (const handle of handles) {
      try {
        handle.close();
      } catch {
        // already closed (the repository was closed meanwhile)
      }
    }
  }, RENEWAL_GRACE_MS);
  timer.unref();
}

/** `('a', 'b')`: a SQL list of string values. */
export function sqlList(values: readonly string[]): string {
  return `(${values.map(sqlString).join(', ')})`;
}

/** Splits values into `IN (...)`-sized chunks. */
export function* inChunks<T>(values: readonly T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

/** Deletes the rows whose `column` is one of `values` (in chunks, one commit each). */
export async function deleteWhereIn(table: lancedb.Table, column: string, values: readonly string[]): Promise<void> {
  for (const chunk of inChunks(values)) await table.delete(`${column} IN ${sqlList(chunk)}`);
}
