// Tests the text reader with the real PP-OCRv4 models on rendered text and on the shared real photos.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../media/photo-decoder.ts';
import { getModelEntry, MODEL_SETS, setsUsing } from '../models/model-catalog.ts';
import { makeTempDir, REAL_PHOTOS, REAL_PHOTOS_SKIP_NOTE } from '../media/media-test-files.test-support.ts';
import { randomTextSpec, renderTextImage, type RenderedLine, type RenderedTextImage } from './rendered-text.test-support.ts';
import { compactText } from './text-match.ts';
import { characterErrorRate, wordsOf } from './text-metrics.ts';
import type { TextLine } from './text-line.ts';
import { bundledTextModelDir, findTextModelFiles, TextModelFolderError } from './text-model-folder.ts';
import { createTextReader, MAX_TEXT_IMAGE_SIDE, type TextReader } from './text-reader.inference.ts';

let reader: TextReader;
let temp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  reader = await createTextReader({ threads: 2 });
  temp = await makeTempDir();
});
afterAll(async () => temp?.cleanup());

// Capital I and small l are the same glyph in DejaVu Sans (the sans-serif font here): either reading is right.
const words = (text: string) => wordsOf(text.replace(/[Il]/g, 'i'));

/** The recognised lines whose box centre lies inside the drawn line's box, in reading order, joined. */
function readingOf(image: RenderedTextImage, drawn: RenderedLine, lines: TextLine[]): string {
  const inside = lines.filter((line) => {
    const cx = (line.box.x + line.box.width / 2) * image.width;
    const cy = (line.box.y + line.box.height / 2) * image.height;
    return cx >= drawn.box.x && cx <= drawn.box.x + drawn.box.width && cy >= drawn.box.y && cy <= drawn.box.y + drawn.box.height;
  });
  return inside.map((line) => line.text).join(' ');
}

function iou(a: { x: number; y: number; width: number; height: number }, b: typeof a): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

describe('createTextReader on rendered text', () => {
  it('reads every word of photographed signs in several fonts, colours and rotations up to ±15°', async () => {
    for (const seed of [11, 12]) {
      const image = await renderTextImage(randomTextSpec(seed, { fontSize: 32, maxRotation: 15, photographed: true }));
      const lines = await reader.read(image);
      expect(image.lines.length).toBeGreaterThanOrEqual(3);
      for (const drawn of image.lines) {
        const read = words(readingOf(image, drawn, lines));
        expect(read, `${drawn.text} (${drawn.fontFamily}, ${drawn.rotation}°)`).toEqual(expect.arrayContaining(words(drawn.text)));
      }
    }
  });

  it('straightens text rotated by 15° either way before reading it', async () => {
    const image = await renderTextImage({
      width: 960,
      height: 720,
      lines: [
        { text: 'Museum of Modern Art', fontSize: 40, rotation: -15 },
        { text: 'Fresh bread daily', fontSize: 40, rotation: 15, fontFamily: 'DejaVu Serif' },
      ],
      background: '#fafafa',
      seed: 3,
    });
    const lines = await reader.read(image);
    expect(lines.map((line) => line.text)).toEqual(['Museum of Modern Art', 'Fresh bread daily']);
  });

  it('gives boxes as fractions of the picture, on the text, in reading order', async () => {
    const image = await renderTextImage({ width: 1000, height: 600, lines: [{ text: 'PHARMACY', fontSize: 64 }, { text: 'Open 24 hours', fontSize: 40 }], background: '#ffffff', seed: 5 });
    const lines = await reader.read(image);
    expect(lines.map((line) => line.text)).toEqual(['PHARMACY', 'Open 24 hours']);
    lines.forEach((line, i) => {
      const drawn = image.lines[i]!.box;
      const expected = { x: drawn.x / image.width, y: drawn.y / image.height, width: drawn.width / image.width, height: drawn.height / image.height };
      expect(iou(line.box, expected)).toBeGreaterThan(0.5);
      expect(line.confidence).toBeGreaterThan(0.9);
      expect(line.confidence).toBeLessThanOrEqual(1);
    });
  });

  it('keeps widely spaced capital words apart ("HAPPY BIRTHDAY ANNA", not "HAPPYBIRTHDAYANNA")', async () => {
    const image = await renderTextImage({
      width: 1280,
      height: 400,
      lines: [{ text: 'HAPPY BIRTHDAY ANNA', fontSize: 44, letterSpacing: 16 }, { text: 'RE16 TGK', fontSize: 44, letterSpacing: 10, fontFamily: 'DejaVu Sans Mono' }],
      background: '#fff3e0',
      seed: 8,
    });
    const read = (await reader.read(image)).map((line) => line.text).join(' ');
    expect(words(read)).toEqual(['happy', 'birthday', 'anna', 're16', 'tgk']);
  });

  it('finds no text in a picture without any, and stops after detection', async () => {
    const blank = await renderTextImage({ width: 800, height: 600, lines: [], background: { from: '#87ceeb', to: '#f0e68c' }, photographed: true, seed: 4 });
    expect(await reader.read(blank)).toEqual([]);
    // Degenerate sizes (a pixel, a 5000×3 strip) are read too, without error.
    expect(await reader.read({ data: Buffer.alloc(3).fill(200), width: 1, height: 1 })).toEqual([]);
    expect(await reader.read({ data: Buffer.alloc(5000 * 3 * 3).fill(90), width: 5000, height: 3 })).toEqual([]);
  });

  it('shrinks a picture larger than MAX_TEXT_IMAGE_SIDE itself, and reads the same text', async () => {
    const image = await renderTextImage({ width: 2400, height: 1200, lines: [{ text: 'Welcome to Berlin', fontSize: 120 }], background: '#ffffff', seed: 6 });
    expect(Math.max(image.width, image.height)).toBeGreaterThan(MAX_TEXT_IMAGE_SIDE);
    const lines = await reader.read(image);
    expect(lines.map((line) => line.text)).toEqual(['Welcome to Berlin']);
    expect(lines[0]!.box.x).toBeCloseTo(image.lines[0]!.box.x / image.width, 1);
  });

  it('refuses pixels that do not match the given size with a clear sentence', async () => {
    await expect(reader.read({ data: Buffer.alloc(10), width: 4, height: 4 })).rejects.toThrow(/4×4 RGB picture has 48 bytes, got 10/);
    await expect(reader.read({ data: Buffer.alloc(0), width: 0, height: 4 })).rejects.toThrow(/positive integer size/);
  });
});

/** Writes `pixels` as an upright JPEG and as a JPEG stored turned a quarter left with EXIF orientation 6. */
async function uprightAndOrientation6(name: string, pixels: { data: Buffer; width: number; height: number }): Promise<{ upright: string; rotated: string }> {
  const raw = { raw: { width: pixels.width, height: pixels.height, channels: 3 as const } };
  const upright = path.join(temp.dir, `${name}-upright.jpg`);
  const rotated = path.join(temp.dir, `${name}-orientation-6.jpg`);
  await sharp(pixels.data, raw).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(upright);
  // Stored pixels turned 90° counter-clockwise; orientation 6 tells viewers to turn them 90° clockwise.
  const stored = await sharp(pixels.data, raw).rotate(-90).raw().toBuffer({ resolveWithObject: true });
  await sharp(stored.data, { raw: { width: stored.info.width, height: stored.info.height, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation: 6 }).toFile(rotated);
  return { upright, rotated };
}

async function readFile(file: string): Promise<TextLine[]> {
  const decoded = await decodePhoto(file, { analysisSide: MAX_TEXT_IMAGE_SIDE });
  if (decoded.status !== 'decoded' || !decoded.analysisPixels) throw new Error(`${file} did not decode`);
  expect(Math.max(decoded.analysisPixels.width, decoded.analysisPixels.height)).toBeLessThanOrEqual(MAX_TEXT_IMAGE_SIDE);
  return reader.read(decoded.analysisPixels);
}

describe('EXIF orientation', () => {
  it('reads a rendered sign stored with orientation 6 the same as the upright one', async () => {
    const image = await renderTextImage({ width: 1200, height: 800, lines: [{ text: 'Station Road', fontSize: 56 }, { text: 'Bus stop 42', fontSize: 40, fontFamily: 'DejaVu Serif' }], background: '#e3f2fd', seed: 9 });
    const files = await uprightAndOrientation6('sign', image);
    const upright = await readFile(files.upright);
    const rotated = await readFile(files.rotated);
    expect(upright.map((line) => line.text)).toEqual(['Station Road', 'Bus stop 42']);
    expect(rotated.map((line) => line.text)).toEqual(upright.map((line) => line.text));
    rotated.forEach((line, i) => expect(iou(line.box, upright[i]!.box)).toBeGreaterThan(0.8));
  });

  const craftBeer = REAL_PHOTOS && path.join(REAL_PHOTOS, 'immich-test-assets/albums/text/craft-beer.jpg');
  it.skipIf(!craftBeer || !existsSync(craftBeer))(`reads a real photo (craft-beer.jpg) stored with orientation 6 the same as upright${REAL_PHOTOS ? '' : ` (${REAL_PHOTOS_SKIP_NOTE})`}`, async () => {
    const { data, info } = await sharp(craftBeer).rotate().resize(MAX_TEXT_IMAGE_SIDE, MAX_TEXT_IMAGE_SIDE, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const files = await uprightAndOrientation6('craft-beer', { data, width: info.width, height: info.height });
    const upright = await readFile(files.upright);
    const rotated = await readFile(files.rotated);
    expect(upright.length).toBeGreaterThan(10);
    const uprightText = upright.map((line) => line.text).join(' ');
    for (const word of ['seasonal', 'barrelaged', 'hopadillo', 'session', 'ipa']) expect(compactText(uprightText)).toContain(word);
    // Two separately compressed JPEGs, resized before or after turning: the same reading but for a
    // character here and there on a few faint lines.
    const cer = characterErrorRate(uprightText, rotated.map((line) => line.text).join(' '));
    console.log(`craft-beer.jpg upright vs orientation 6: character error rate ${cer.toFixed(3)}`);
    expect(cer).toBeLessThan(0.05);
  });
});

const REAL_ALBUMS = REAL_PHOTOS && path.join(REAL_PHOTOS, 'immich-test-assets/albums');
describe.skipIf(!REAL_ALBUMS || !existsSync(REAL_ALBUMS))(`real photos${REAL_PHOTOS ? '' : ` (${REAL_PHOTOS_SKIP_NOTE})`}`, () => {
  it('reads the printed words on the text photos', async () => {
    const handwrittenNotes = compactText((await readFile(path.join(REAL_ALBUMS!, 'text/handwritten-notes.jpg'))).map((line) => line.text).join(' '));
    for (const word of ['todo', 'important', 'inprogress', 'userstory']) expect(handwrittenNotes).toContain(word);
    const shop = (await readFile(path.join(REAL_ALBUMS!, 'text/japanese-shop.jpg'))).map((line) => line.text).join(' ');
    expect(shop).toContain('KIRIN');
  });

  it('finds no text in the text-free nature photos', async () => {
    const folder = path.join(REAL_ALBUMS!, 'nature');
    for (const name of (await fs.readdir(folder)).filter((file) => file.endsWith('.jpg'))) {
      expect(await readFile(path.join(folder, name)), name).toEqual([]);
    }
  });
});

describe('text model folders', () => {
  it('finds the bundled model files by role', () => {
    const files = findTextModelFiles(bundledTextModelDir());
    expect(path.basename(files.detection)).toBe('ch_PP-OCRv4_det_infer.onnx');
    expect(path.basename(files.recognition)).toBe('ch_PP-OCRv4_rec_infer.onnx');
    expect(path.basename(files.dictionary)).toBe('ppocr_keys_v1.txt');
  });

  it('is the catalog entry paddleocr/pp-ocrv4-ch, bundled, used by every model set', () => {
    const entry = getModelEntry('paddleocr/pp-ocrv4-ch');
    expect(entry).toMatchObject({ task: 'text', family: 'paddleocr', licence: 'Apache-2.0', languages: ['zh', 'en'], source: { kind: 'bundled', folder: bundledTextModelDir() } });
    const files = findTextModelFiles(bundledTextModelDir());
    expect(entry.files.map((file) => path.join(bundledTextModelDir(), file)).sort()).toEqual([files.detection, files.recognition, files.dictionary].sort());
    expect(setsUsing(entry.id)).toEqual(Object.keys(MODEL_SETS));
  });

  it('loads an imported PaddleOCR-format folder with its own layout and names', async () => {
    const bundled = findTextModelFiles(bundledTextModelDir());
    const folder = path.join(temp.dir, 'imported-model');
    await fs.mkdir(path.join(folder, 'det'), { recursive: true });
    await fs.mkdir(path.join(folder, 'rec'), { recursive: true });
    await fs.symlink(bundled.detection, path.join(folder, 'det', 'inference.onnx'));
    await fs.symlink(bundled.recognition, path.join(folder, 'rec', 'inference.onnx'));
    await fs.copyFile(bundled.dictionary, path.join(folder, 'rec', 'latin_dict.txt'));
    await fs.writeFile(path.join(folder, 'LICENSE.txt'), 'Apache-2.0');
    const imported = await createTextReader({ modelDir: folder, threads: 1 });
    expect(imported.files.recognition).toBe(path.join(folder, 'rec', 'inference.onnx'));
    const image = await renderTextImage({ width: 640, height: 240, lines: [{ text: 'Ferry terminal', fontSize: 48 }], seed: 2 });
    expect((await imported.read(image)).map((line) => line.text)).toEqual(['Ferry terminal']);
  });

  it('says which file is missing or does not belong', async () => {
    const bundled = findTextModelFiles(bundledTextModelDir());
    const folder = path.join(temp.dir, 'broken-model');
    await fs.mkdir(folder);
    expect(() => findTextModelFiles(path.join(temp.dir, 'nowhere'))).toThrow(/nowhere: the folder does not exist/);
    await fs.symlink(bundled.detection, path.join(folder, 'det.onnx'));
    expect(() => findTextModelFiles(folder)).toThrow(/no recognition model found/);
    await fs.symlink(bundled.recognition, path.join(folder, 'rec.onnx'));
    expect(() => findTextModelFiles(folder)).toThrow(/no character dictionary found/);
    const dictionary = (await fs.readFile(bundled.dictionary, 'utf8')).split('\n').slice(0, 100).join('\n');
    await fs.writeFile(path.join(folder, 'keys.txt'), dictionary);
    const error = await createTextReader({ modelDir: folder, threads: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TextModelFolderError);
    expect((error as Error).message).toMatch(/has 100 characters but the recognition model outputs 6625 classes/);
  });
});
