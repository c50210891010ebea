// [Note: a table whose creation was cut short] on a real LanceDB folder: a table folder without a committed
// version (what a kill between mkdir and the first commit leaves) reads as missing instead of failing every open.
// Also compaction and connection renewal during long passes, on real tables.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PhotoStoreRepository, type StoredPhoto } from './photo-store.repository.ts';
import { TextLinesRepository } from './text-lines.repository.ts';
import { StageLedgerRepository } from './stage-ledger.repository.ts';
import { COMPACT_EVERY, connectDatabase, openOrCreateTable, RENEWAL_GRACE_MS, renewConnection } from './lance-tables.ts';
import { Field, Schema, Utf8 } from './arrow-runtime.ts';

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-lance-tables-'))));
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

/** What a kill during table creation leaves: the folder, a data folder, no version. */
async function cutShort(table: string): Promise<void> {
  await fs.mkdir(path.join(dir, `${table}.lance`, 'data'), { recursive: true });
}

const line = { text: 'BAKERY', confidence: 0.9, box: { x: 0.1, y: 0.1, width: 0.5, height: 0.05 } };

function photo(name: string): StoredPhoto {
  return {
    path: `/photos/${name}.jpg`, root: '/photos', folder: '/photos', fileName: `${name}.jpg`, contentHash: `h-${name}`, size: 10, mtimeMs: 1, format: 'jpeg', width: 4, height: 3,
    takenAt: null, gps: null, cameraMake: null, cameraModel: null, description: null, keywords: [], caption: null, captionModel: null, captionAt: null,
    captionEdited: false, modelId: 'm', indexedAt: 'now', vector: Float32Array.from([1, 0, 0]),
  };
}

describe('a table whose creation was cut short', () => {
  it('a writer creates it again and keeps what it writes next; a reader reads it as empty', async () => {
    await cutShort('text_lines');
    const reader = await TextLinesRepository.open(dir, { readOnly: true });
    expect(await reader.get('a')).toBeNull();
    reader.close();

    const writer = await TextLinesRepository.open(dir);
    await writer.upsert([{ contentHash: 'a', lines: [line], modelId: 'paddleocr/pp-ocrv4-ch' }]);
    writer.close();
    const again = await TextLinesRepository.open(dir);
    expect((await again.get('a'))?.lines.map((l) => l.text)).toEqual(['BAKERY']);
    again.close();
  });

  it('the photo store opens over a photos table cut short, and indexes into it', async () => {
    await cutShort('photos');
    const store = await PhotoStoreRepository.open(dir);
    expect(await store.countPhotos()).toBe(0);
    await store.upsertPhotos([photo('a')]);
    store.close();
    const reopened = await PhotoStoreRepository.open(dir);
    expect(await reopened.countPhotos()).toBe(1);
    reopened.close();
  });
});

describe('compaction during long passes', () => {
  it('a table written once per flush is compacted every 64 commits, so its fragments stay few', async () => {
    const repo = await TextLinesRepository.open(dir);
    for (let i = 0; i < 70; i++) await repo.upsert([{ contentHash: `h${i}`, lines: [line], modelId: 'paddleocr/pp-ocrv4-ch' }]);
    repo.close();
    const db = await lancedb.connect(dir);
    const table = await db.openTable('text_lines');
    // 70 commits of one row each: 64 merged into one fragment, 6 since.
    expect((await table.stats()).fragmentStats.numFragments).toBeLessThanOrEqual(8);
    expect(await table.countRows()).toBe(70);
    table.close();
  }, 60_000);
});

describe('renewing connections during long passes', () => {
  afterEach(() => vi.useRealTimers());

  it('a renewed connection reads the same rows; the old handles keep working for the grace period, then close', async () => {
    const db = await connectDatabase(dir);
    const table = await openOrCreateTable(db, 'notes', new Schema([new Field('id', new Utf8())]));
    await table.add([{ id: 'a' }, { id: 'b' }]);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const renewed = await renewConnection(db, [table], (fresh) => fresh.openTable('notes'));
    expect(renewed).not.toBeNull();
    expect(renewed!.db).not.toBe(db);
    await renewed!.opened.add([{ id: 'c' }]);
    expect(await renewed!.opened.countRows()).toBe(3);
    // A read that still holds the old handle finishes on it (at the version it last saw).
    expect(await table.countRows()).toBe(2);
    vi.advanceTimersByTime(RENEWAL_GRACE_MS);
    expect(table.isOpen()).toBe(false);
    expect(db.isOpen()).toBe(false);
    expect(renewed!.opened.isOpen()).toBe(true);
    renewed!.opened.close();
    renewed!.db.close();
  });

  it('a failed reopen keeps the writer on its connection and closes nothing', async () => {
    const db = await connectDatabase(dir);
    const table = await openOrCreateTable(db, 'notes', new Schema([new Field('id', new Utf8())]));
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    expect(await renewConnection(db, [table], (fresh) => fresh.openTable('no_such_table'))).toBeNull();
    vi.advanceTimersByTime(RENEWAL_GRACE_MS);
    expect(table.isOpen()).toBe(true);
    expect(db.isOpen()).toBe(true);
    table.close();
    db.close();
  });

  it('the writers keep every row, problem, sidecar and ledger entry across renewals', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const store = await PhotoStoreRepository.open(dir);
    const ledger = await StageLedgerRepository.open(dir);
    const commits = COMPACT_EVERY + 6;
    for (let i = 0; i < commits; i++) {
      await store.upsertPhotos([photo(`p${i}`)]);
      await ledger.record([{ stage: 'text', contentHash: `h-p${i}`, state: i % 2 ? 'done' : 'failed', modelKey: 'ocr@1', reason: '', permanent: false }]);
      // Past the renewal, the old handles close while the writers go on.
      if (i === COMPACT_EVERY) vi.advanceTimersByTime(RENEWAL_GRACE_MS);
    }
    await store.recordProblems([{ path: '/photos/bad.jpg', size: 1, mtimeMs: 1, kind: 'corrupt', reason: 'truncated', permanent: true }]);
    await store.recordSidecars([{ path: '/photos/p1.jpg', sidecar: { path: '/photos/p1.xmp', size: 5, mtimeMs: 2 } }]);
    await ledger.record([{ stage: 'text', contentHash: 'h-p0', state: 'failed', modelKey: 'ocr@1', reason: 'again', permanent: false }]);
    expect(await store.countPhotos()).toBe(commits);
    expect([...(await store.problemMap()).keys()]).toEqual(['/photos/bad.jpg']);
    expect((await store.sidecarStamps()).get('/photos/p1.jpg')?.path).toBe('/photos/p1.xmp');
    const entries = await ledger.entries('text');
    expect(entries.size).toBe(commits);
    expect(entries.get('h-p0')?.attempts).toBe(2); // counted across the renewal
    store.close();
    ledger.close();
    const reopened = await PhotoStoreRepository.open(dir);
    expect(await reopened.countPhotos()).toBe(commits);
    reopened.close();
  }, 120_000);
});
