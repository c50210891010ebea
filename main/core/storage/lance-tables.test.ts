// [Note: a table whose creation was cut short] on a real LanceDB folder: a table folder without a committed
// version (what a kill between mkdir and the first commit leaves) reads as missing instead of failing every open.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoStoreRepository, type StoredPhoto } from './photo-store.repository.ts';
import { TextLinesRepository } from './text-lines.repository.ts';

let dir: string;
beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-lance-tables-'))));
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

/** What a kill during table creation leaves: the folder, a data folder, no version. */
async function cutShort(table: string): Promise<void> {
  await fs.mkdir(path.join(dir, `${table}.lance`, 'data'), { recursive: true });
}

const line = { text: 'BAKERY', confidence: 0.9, box: { x: 0.1, y: 0.1, width: 0.5, height: 0.05 } };

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
    const photo: StoredPhoto = {
      path: '/photos/a.jpg', root: '/photos', folder: '/photos', fileName: 'a.jpg', contentHash: 'h', size: 10, mtimeMs: 1, format: 'jpeg', width: 4, height: 3,
      takenAt: null, gps: null, cameraMake: null, cameraModel: null, description: null, keywords: [], caption: null, captionModel: null, captionAt: null,
      captionEdited: false, modelId: 'm', indexedAt: 'now', vector: Float32Array.from([1, 0, 0]),
    };
    await store.upsertPhotos([photo]);
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
