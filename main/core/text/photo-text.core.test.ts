// Text in photos through the core: the text stage reads a rendered sign with the real PP-OCRv4 model while indexing; search finds it, ask quotes it, info shows it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotobindCore } from '../photobind-core.ts';
import { runPhotobind } from '../cli/cli-process.test-support.ts';
import { renderTextImage } from './rendered-text.test-support.ts';

let tmp: string;
let album: string;
let core: PhotobindCore | undefined;
let libraryDir: string;
const sign = () => path.join(album, 'bakery-sign.jpg');
const plain = () => path.join(album, 'plain-wall.jpg');

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'pb-text-core-'));
  album = path.join(tmp, 'album');
  await fs.mkdir(album);
  const signImage = await renderTextImage({
    width: 1200,
    height: 800,
    lines: [{ text: 'HAPPY BIRTHDAY ANNA', fontSize: 60, letterSpacing: 20 }, { text: 'Fresh bread daily', fontSize: 48, fontFamily: 'DejaVu Serif', rotation: -6 }],
    background: { from: '#fff3e0', to: '#e0c9a6' },
    photographed: true,
    seed: 15,
  });
  await fs.writeFile(sign(), signImage.jpeg);
  const wall = await renderTextImage({ width: 1200, height: 800, lines: [], background: { from: '#9fb4c7', to: '#d8d2c4' }, photographed: true, seed: 16 });
  await fs.writeFile(plain(), wall.jpeg);
  libraryDir = path.join(tmp, 'library');
  core = await PhotobindCore.open({ libraryDir, modelSet: 'toy' });
  // The index pass runs the text stage: the model process reads each photo from the same decode as the
  // embedding, and the stage stores the lines by content hash.
  const summary = await core.index.index([album]);
  expect(summary).toMatchObject({ indexed: 2, failed: 0 });
});

afterAll(async () => {
  await core?.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

const open = () => {
  if (!core) throw new Error('the core is closed');
  return core;
};
const found = async (query: string) => (await open().search.search(query)).map((hit) => path.basename(hit.photo.path));

describe('text read in photos, through the core', () => {
  it('runs the text stage on every photo once, with the bundled model', async () => {
    expect((await open().stageStatus.stages()).text).toMatchObject({ done: 2, pending: 0, failed: 0 });
    // Nothing left to read: the next pass does no text work.
    expect(await open().index.index([album])).toMatchObject({ modelWork: 0 });
  });

  it('finds the sign by a word on it, a substring, and the words without their spaces', async () => {
    expect((await found('bread'))[0]).toBe('bakery-sign.jpg');
    expect((await found('birthd'))[0]).toBe('bakery-sign.jpg');
    expect((await found('happybirthday'))[0]).toBe('bakery-sign.jpg');
    expect((await found('freshbread'))[0]).toBe('bakery-sign.jpg');
  });

  it('treats a quoted query as a literal text search: only photos with that text', async () => {
    expect(await found('"bread daily"')).toEqual(['bakery-sign.jpg']);
    expect(await found('"Happy Birthday"')).toEqual(['bakery-sign.jpg']);
    expect(await found('"pharmacy"')).toEqual([]);
  });

  it('answers a question about the writing by quoting the sign, and says when there is none', async () => {
    const tokens: string[] = [];
    const answer = await open().ask.askPhoto(sign(), 'What is written on the sign?', { onToken: (t) => tokens.push(t) });
    expect(answer).toBe('It says:\n"HAPPY BIRTHDAY ANNA"\n"Fresh bread daily"');
    expect(tokens.join('')).toBe(answer);
    expect((await open().ask.conversation(sign())).map((m) => m.content)).toEqual(['What is written on the sign?', answer]);
    expect(await open().ask.askPhoto(plain(), 'what does it say?')).toBe('I found no text in this photo.');
  });

  it('answers a library question from the text written in the photos', async () => {
    const answer = await open().ask.askLibrary('photos of fresh bread');
    expect(answer.photos.map((photo) => path.basename(photo.path))).toEqual(['bakery-sign.jpg']);
    expect(answer.answer).toBe('Here is 1 photo of fresh bread.');
  });

  it('gives a photo its text and lines with boxes as fractions of the displayed photo', async () => {
    const photo = (await open().store.getPhoto(sign()))!;
    const reading = await open().text.textOf(photo.contentHash);
    expect(reading.text).toBe('HAPPY BIRTHDAY ANNA\nFresh bread daily');
    expect(reading.textLines).toHaveLength(2);
    for (const line of reading.textLines) {
      expect(line.confidence).toBeGreaterThan(0.8);
      for (const v of [line.box.x, line.box.y, line.box.width, line.box.height]) expect(v).toBeGreaterThanOrEqual(0);
      expect(line.box.x + line.box.width).toBeLessThanOrEqual(1);
      expect(line.box.y + line.box.height).toBeLessThanOrEqual(1);
    }
    expect(reading.textLines[0]!.box.y).toBeLessThan(reading.textLines[1]!.box.y);
  });

  it('photobind info PHOTO --json has text (lines joined by newlines) and textLines', async () => {
    const reading = await open().text.textOf((await open().store.getPhoto(sign()))!.contentHash);
    await core!.close();
    core = undefined;
    const run = await runPhotobind(['info', sign(), '--json'], { PHOTOBIND_LIBRARY: libraryDir });
    expect(run.code, run.stderr).toBe(0);
    const info = JSON.parse(run.stdout) as { text: string; textLines: unknown[]; state: string };
    expect(info).toMatchObject({ state: 'indexed', text: 'HAPPY BIRTHDAY ANNA\nFresh bread daily', textLines: reading.textLines });
    const wall = JSON.parse((await runPhotobind(['info', plain(), '--json'], { PHOTOBIND_LIBRARY: libraryDir })).stdout) as { text: string; textLines: unknown[] };
    expect(wall).toMatchObject({ text: '', textLines: [] });
  });
});
