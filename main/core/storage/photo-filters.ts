// Typed photo queries (folders, dates, camera, area, model, hashes, paths) and their one translation into
// LanceDB's SQL filter: search, listing and counting all go through it, so they always agree.
import path from 'node:path';
import type { SearchFilters } from '../../../common/photo.types.ts';

/** What to select photos by; every field narrows the selection (AND). */
export interface PhotoQuery extends SearchFilters {
  /** Only photos embedded by this search model (vector search compares within one model's space). */
  modelId?: string;
  paths?: string[];
  contentHashes?: string[];
  /** true: only photos with a caption; false: only those without. */
  captioned?: boolean;
}

/** Quotes a string for a LanceDB (DataFusion SQL) filter. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Builds the SQL filter of a query; the folder filter matches the folder and its sub-folders. */
export function photoQueryToSql(query: PhotoQuery = {}, folderSeparator = path.sep): string | undefined {
  const filters = query;
  const clauses: string[] = [];
  if (filters.modelId) clauses.push(`modelId = ${sqlString(filters.modelId)}`);
  if (filters.folder) {
    const folder = filters.folder.replace(/[\\/]+$/, '');
    // Sub-folders as a range (every string starting with "folder/" sorts between "folder/" and "folder0"),
    // which the folder btree serves; starts_with() would scan the column.
    const afterSeparator = String.fromCharCode(folderSeparator.charCodeAt(0) + 1);
    clauses.push(`(folder = ${sqlString(folder)} OR (folder >= ${sqlString(folder + folderSeparator)} AND folder < ${sqlString(folder + afterSeparator)}))`);
  }
  if (filters.since) clauses.push(`takenAt >= ${sqlString(filters.since)}`);
  // An --until date includes that whole day.
  if (filters.until) clauses.push(`takenAt <= ${sqlString(/^\d{4}-\d{2}-\d{2}$/.test(filters.until) ? `${filters.until}T23:59:59.999` : filters.until)}`);
  if (filters.camera) clauses.push(`cameraSearch LIKE ${sqlString(`%${filters.camera.toLowerCase().replaceAll('%', '')}%`)}`);
  if (query.captioned !== undefined) clauses.push(query.captioned ? 'caption IS NOT NULL' : 'caption IS NULL');
  if (query.paths) clauses.push(query.paths.length ? `path IN (${query.paths.map(sqlString).join(', ')})` : 'false');
  if (query.contentHashes) clauses.push(query.contentHashes.length ? `contentHash IN (${query.contentHashes.map(sqlString).join(', ')})` : 'false');
  if (filters.area) {
    const { minLat, maxLat, minLon, maxLon } = filters.area;
    const n = (v: number) => (Number.isFinite(v) ? String(v) : '0');
    clauses.push(`lat >= ${n(minLat)} AND lat <= ${n(maxLat)} AND lon >= ${n(minLon)} AND lon <= ${n(maxLon)}`);
  }
  return clauses.length ? clauses.join(' AND ') : undefined;
}
