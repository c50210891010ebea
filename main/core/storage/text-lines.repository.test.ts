// Tests the text-lines table in a real LanceDB folder: upsert by content hash, reads, skips, deletes.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TextLinesRepository } from './text-lines.repository.ts';

let dir: string;
let repo: TextLinesRepository;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-text-lines-'));
  repo = await TextLinesRepository.open(dir);
});
afterEach(async () => {
  repo.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const line = (text: string, y: number) => ({ text, confidence: 0.95, box: { x: 0.1, y, width: 0.5, height: 0.05 } });

describe('TextLinesRepository', () => {
  it('stores lines by content hash, replaces a re-reading, and survives reopening', async () => {
    await repo.upsert([
      { contentHash: 'a', lines: [line('BAKERY', 0.1), line('Fresh bread daily', 0.2)], modelId: 'paddleocr/pp-ocrv4-ch' },
      { contentHash: 'b', lines: [], modelId: 'paddleocr/pp-ocrv4-ch' },
    ]);
    await repo.upsert([{ contentHash: 'a', lines: [line('BAKERY', 0.1), line('Fresh bread daily', 0.2), line('7am', 0.3)], modelId: 'paddleocr/pp-ocrv4-ch' }]);
    repo.close();
    repo = await TextLinesRepository.open(dir);
    const a = await repo.get('a');
    expect(a).toMatchObject({ contentHash: 'a', text: 'BAKERY\nFresh bread daily\n7am', modelId: 'paddleocr/pp-ocrv4-ch' });
    expect(a!.lines[1]).toEqual(line('Fresh bread daily', 0.2));
    expect(await repo.get('b')).toMatchObject({ text: '', lines: [] });
    expect(await repo.get('nope')).toBeNull();
    expect(await repo.hashesReadBy('paddleocr/pp-ocrv4-ch')).toEqual(new Set(['a', 'b']));
    expect(await repo.hashesReadBy('other')).toEqual(new Set());
    expect(await repo.texts()).toEqual([{ contentHash: 'a', text: 'BAKERY\nFresh bread daily\n7am' }]);
  });

  it('deletes by content hash, and quotes hashes safely', async () => {
    await repo.upsert([{ contentHash: "it's", lines: [line('x', 0)], modelId: 'm' }, { contentHash: 'c', lines: [line('y', 0)], modelId: 'm' }]);
    await repo.delete(["it's"]);
    expect((await repo.texts()).map((t) => t.contentHash)).toEqual(['c']);
  });
});
