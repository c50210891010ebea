// Duplicate rows (one path twice, as two concurrent writers used to leave them) in a real LanceDB
// table: the repair keeps the newest row of each path and nothing else changes; the next `photobind
// index` repairs a library that has them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderDemoAlbum } from '../toy-world/demo-album.ts';
import { removeDuplicatePaths } from './duplicate-rows.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-dups-'));
});
afterAll(async () => fs.rm(tmp, { recursive: true, force: true }));

describe('removeDuplicatePaths', () => {
  it('keeps one row per path, the newest, across fragments', async () => {
    const db = await lancedb.connect(tmp);
    const rows = (at: string, caption: string) => Array.from({ length: 300 }, (_, i) => ({ path: `/p/${i}.jpg`, indexedAt: at, caption: `${caption} ${i}` }));
    const table = await db.createTable('photos', rows('2025-01-01T00:00:00.000Z', 'old'));
    await table.add(rows('2025-06-01T00:00:00.000Z', 'new').slice(0, 200)); // 200 paths twice
    await table.add([{ path: '/p/0.jpg', indexedAt: '2024-01-01T00:00:00.000Z', caption: 'older still' }]); // a third, older copy
    expect(await table.countRows()).toBe(501);
    expect(await removeDuplicatePaths(table, 'indexedAt')).toBe(201);
    const left = (await table.query().toArray()) as Array<{ path: string; caption: string }>;
    expect(left).toHaveLength(300);
    expect(new Set(left.map((r) => r.path)).size).toBe(300);
    const byPath = new Map(left.map((r) => [r.path, r.caption]));
    expect(byPath.get('/p/0.jpg')).toBe('new 0');
    expect(byPath.get('/p/199.jpg')).toBe('new 199');
    expect(byPath.get('/p/250.jpg')).toBe('old 250');
    expect(await removeDuplicatePaths(table, 'indexedAt')).toBe(0);
    db.close();
  });

  it('the next `photobind index` repairs a library that has duplicate rows', async () => {
    const album = path.join(tmp, 'album');
    const library = path.join(tmp, 'library');
    const { manifestPath } = await renderDemoAlbum({ outDir: album, count: 6, seed: 8 });
    await fs.rm(manifestPath);
    const env = { PHOTOBIND_LIBRARY: library };
    expect((await runPhotobind(['index', album, '--models', 'toy'], env)).code).toBe(0);
    // What two concurrent runs used to leave: every photo's row twice, the copies older.
    const db = await lancedb.connect(path.join(library, 'db'));
    const photos = await db.openTable('photos');
    const copies = (await photos.query().toArray()) as Array<Record<string, unknown>>;
    await photos.add(copies.map((row) => ({ ...row, indexedAt: '2020-01-01T00:00:00.000Z', vector: Array.from(row.vector as Iterable<number>) })));
    expect(await photos.countRows()).toBe(12);
    db.close();
    const rerun = await runPhotobind(['index', album, '--models', 'toy', '--json'], env);
    expect(rerun.code).toBe(0);
    const status = JSON.parse((await runPhotobind(['status', '--models', 'toy', '--json'], env)).stdout) as { photos: number };
    expect(status.photos).toBe(6);
  }, 300_000);
});
