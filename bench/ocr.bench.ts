// Benchmark of reading text in 12 MP photos: decode + downscale to the reader's size, then detection + recognition (wall and CPU time).
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodePhoto } from '../main/core/media/photo-decoder.ts';
import { randomTextSpec, renderTextImage } from '../main/core/text/rendered-text.test-support.ts';
import { createTextReader, MAX_TEXT_IMAGE_SIDE } from '../main/core/text/text-reader.inference.ts';

export interface OcrBenchRow {
  photo: string;
  megapixels: number;
  lines: number;
  /** Decode with the text pixels (what indexing does), ms wall. */
  decodeMs: number;
  /** The same decode without text pixels: the part of decodeMs that indexing pays anyway. */
  decodeWithoutTextMs: number;
  readMs: number;
  totalMs: number;
  /** CPU time of this process (all threads) for decode + read. */
  cpuMs: number;
}

const REAL_TEXT_PHOTO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/testdata/real-photos/immich-test-assets/albums/text/book-beside-flowers.jpg');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** 12 MP JPEGs: a rendered sign photo, the same size without text, and the real 12 MP book page when the shared test set is present. */
async function photos(dir: string): Promise<Array<{ name: string; file: string }>> {
  const sign = await renderTextImage(randomTextSpec(77, { fontSize: 120, maxRotation: 10, photographed: true, width: 4000, height: 3000 }));
  const signFile = path.join(dir, 'sign-12mp.jpg');
  await fs.writeFile(signFile, sign.jpeg);
  const blank = await renderTextImage({ width: 4000, height: 3000, lines: [], background: { from: '#6a8caf', to: '#d9c9a3' }, photographed: true, seed: 78 });
  const blankFile = path.join(dir, 'no-text-12mp.jpg');
  await fs.writeFile(blankFile, blank.jpeg);
  const list = [{ name: 'rendered sign, 4000×3000', file: signFile }, { name: 'no text, 4000×3000', file: blankFile }];
  if (existsSync(REAL_TEXT_PHOTO)) list.push({ name: 'real book page, 3024×4032 (book-beside-flowers.jpg)', file: REAL_TEXT_PHOTO });
  else console.log(`(No ${REAL_TEXT_PHOTO}: the real 12 MP text photo is skipped.)`);
  return list;
}

export async function benchTextReading(dir: string, threads: number, runs = 3): Promise<OcrBenchRow[]> {
  const reader = await createTextReader({ threads });
  const rows: OcrBenchRow[] = [];
  for (const photo of await photos(dir)) {
    const meta = await sharp(photo.file).metadata();
    const samples: Array<Omit<OcrBenchRow, 'photo' | 'megapixels'>> = [];
    for (let run = 0; run <= runs; run++) {
      let start = performance.now();
      await decodePhoto(photo.file);
      const decodeWithoutTextMs = performance.now() - start;
      const cpu = process.cpuUsage();
      start = performance.now();
      const decoded = await decodePhoto(photo.file, { analysisSide: MAX_TEXT_IMAGE_SIDE });
      const decodeMs = performance.now() - start;
      if (decoded.status !== 'decoded' || !decoded.analysisPixels) throw new Error(`${photo.file} did not decode`);
      start = performance.now();
      const lines = await reader.read(decoded.analysisPixels);
      const readMs = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (run > 0) samples.push({ lines: lines.length, decodeMs, decodeWithoutTextMs, readMs, totalMs: decodeMs + readMs, cpuMs: (used.user + used.system) / 1000 }); // run 0 warms up
    }
    rows.push({
      photo: photo.name,
      megapixels: ((meta.width ?? 0) * (meta.height ?? 0)) / 1e6,
      lines: samples[0]!.lines,
      decodeMs: median(samples.map((s) => s.decodeMs)),
      decodeWithoutTextMs: median(samples.map((s) => s.decodeWithoutTextMs)),
      readMs: median(samples.map((s) => s.readMs)),
      totalMs: median(samples.map((s) => s.totalMs)),
      cpuMs: median(samples.map((s) => s.cpuMs)),
    });
  }
  return rows;
}
