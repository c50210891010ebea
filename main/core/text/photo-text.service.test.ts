// Tests the photo-text service over a real LanceDB text table: one photo's reading, and forgiving search.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextLinesRepository } from '../storage/text-lines.repository.ts';
import { PhotoTextService } from './photo-text.service.ts';

let dir: string;
let repository: TextLinesRepository;
let service: PhotoTextService;
const line = (text: string, y: number) => ({ text, confidence: 0.96, box: { x: 0.1, y, width: 0.4, height: 0.06 } });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-photo-text-'));
  repository = await TextLinesRepository.open(dir);
  service = new PhotoTextService(() => Promise.resolve(repository));
  await repository.upsert([
    { contentHash: 'cake', lines: [line('HAPPYBIRTHDAYANNA', 0.4)], modelId: 'paddleocr/pp-ocrv4-ch' },
    { contentHash: 'car', lines: [line('RE16 TGK', 0.7)], modelId: 'paddleocr/pp-ocrv4-ch' },
    { contentHash: 'bakery', lines: [line('BAKERY', 0.1), line('Fresh bread daily', 0.2)], modelId: 'paddleocr/pp-ocrv4-ch' },
    { contentHash: 'forest', lines: [], modelId: 'paddleocr/pp-ocrv4-ch' },
  ]);
});
afterAll(async () => {
  repository.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('PhotoTextService', () => {
  it('gives a photo its text and lines, and says when it has not been read', async () => {
    expect(await service.textOf('bakery')).toEqual({ text: 'BAKERY\nFresh bread daily', textLines: [line('BAKERY', 0.1), line('Fresh bread daily', 0.2)], read: true });
    expect(await service.textOf('forest')).toEqual({ text: '', textLines: [], read: true });
    expect(await service.textOf('unknown')).toEqual({ text: '', textLines: [], read: false });
  });

  it('finds photos by a word, a substring, words without spaces, and quoted literal text', async () => {
    expect(await service.matching('happy birthday')).toEqual([{ contentHash: 'cake', score: 1 }]);
    expect((await service.matching('RE16')).map((m) => m.contentHash)).toEqual(['car']);
    expect((await service.matching('freshbread')).map((m) => m.contentHash)).toEqual(['bakery']);
    expect((await service.matching('"bread daily"')).map((m) => m.contentHash)).toEqual(['bakery']);
    expect(await service.matching('"breaddaily"')).toEqual([]);
    expect(await service.matching('pharmacy')).toEqual([]);
  });
});
