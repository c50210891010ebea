// The text-reading part of `npm run models:quality`: word recall and character error rate on rendered and real text, false lines on text-free photos.
//
// Rendered text: seeded 1280×960 pictures of 3–5 lines (phrases of signs, menus, plates, receipts) in
// several fonts, weights, colours and backgrounds, per font size; "rotated + photographed" adds
// rotations up to ±15°, blur, uneven light, noise and JPEG compression. Per drawn line, the reading
// is the recognised lines whose box centre falls inside the drawn line's box: word recall counts the
// line's words found in it; character error rate is edits / characters (case, accents and white space
// normalised). Recognised lines outside every drawn line are false lines.
// Real photos (../shared/testdata/real-photos, skipped when absent): the text album against the
// clearly legible words, transcribed by hand below; the exif-orientation set (each picture has the
// words top/left/right/bottom and its orientation number, which must read upright and in place); and
// the nature album, which has no text at all.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePhoto } from '../../main/core/media/photo-decoder.ts';
import { randomTextSpec, renderTextImage, type RenderedTextImage } from '../../main/core/text/rendered-text.test-support.ts';
import type { TextLine } from '../../main/core/text/text-line.ts';
import { characterErrorRate, wordsFound, wordsOf } from '../../main/core/text/text-metrics.ts';
import { createTextReader, MAX_TEXT_IMAGE_SIDE, type TextReader } from '../../main/core/text/text-reader.inference.ts';

export interface QualityRow {
  metric: string;
  value: number;
  /** Pass when value >= bar. */
  bar?: number;
  /** Pass when value <= maxBar. */
  maxBar?: number;
  /** How to print the value (default: a percentage). */
  format?: 'percent' | 'count';
}

const REAL_PHOTOS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/testdata/real-photos');

/** The clearly legible words of the shared text photos, transcribed by hand from the photos. */
const REAL_TEXT_TRUTH: Record<string, string> = {
  'craft-beer.jpg':
    'MAIN STAY SEASONAL BARREL AGED WEEKEND WARRIOR Pale Ale HOP DELUSION IMPERIAL IPA BIG BRIGHT IPA Mother in Lager HOPADILLO IPA ' +
    'RODEO CLOWN IPA KR&D SERIES English Style Barleywine Session IPA Yule shoot your EYE OUT F.U.N. 015 good golly miss molly FUN 016 Nigel ' +
    'FUN 017 Brandy B.B.H. BBH Espresso Collaboration GOODNIGHT LOVING MAIBOCK Beer is F.U.N. STAY Kolsch Style BLONDE Radler HEAT Mon-Fri 3-6',
  'handwritten-notes.jpg':
    'In progress design a feedback form white code release fix white code discuss CTA to include publish pricing page TO DO IMPORTANT ' +
    'create a platform to store feedback release code REMEMBER THIS user story 1 As a user I am able to search for documents so I can find them more easily complete find existing code',
  'book-beside-flowers.jpg':
    '161 müspet kelimeler arşivi dost 149 Yanında rahatça sesli düşünebildiğin kendinde unuttuğunu hatırlatan bedeni ile değil samimiyetiyle ' +
    've hem kara günde hem iyi günde yanında olan yedek kalplere verilen isim İzlendiğini düşünmek bir delilik belirtisidir de izlenmediğini ' +
    'düşünmek nedir Futbolcular karambolde tekmeliyor trolcüler deniz siyahken avlanıyor çocuklar öğretmen sınıftan çıkar çıkmaz çıldırıyor ' +
    'pazarcılar tezgahın dehlizlerinde gizliyorsa çürük elmayı izlenmediğini düşünmek nedir Belki de belirtisi değil kendisidir deliliğin ' +
    'Sevgili Dost Allah herşeyi bilir A Ali Ural Posta Kutusundaki Mızıka',
  'japanese-shop.jpg': 'KIRIN KIRIN KIRIN CLASSIC 一番搾り 一番搾り 取扱店 営業中 寿海',
};

interface Cell {
  name: string;
  fontSize: number;
  maxRotation: number;
  photographed: boolean;
  letterSpacing?: number;
}

const CELLS: Cell[] = [
  ...[16, 24, 32, 48, 72].map((fontSize) => ({ name: `${fontSize} px, level, clean`, fontSize, maxRotation: 0, photographed: false })),
  ...[16, 24, 32, 48, 72].map((fontSize) => ({ name: `${fontSize} px, rotated ±15°, photographed`, fontSize, maxRotation: 15, photographed: true })),
  { name: '40 px capitals-style letter spacing 0.35 em, photographed', fontSize: 40, maxRotation: 5, photographed: true, letterSpacing: 14 },
];

function readingOf(image: RenderedTextImage, box: RenderedTextImage['lines'][number]['box'], lines: TextLine[]): TextLine[] {
  return lines.filter((line) => {
    const cx = (line.box.x + line.box.width / 2) * image.width;
    const cy = (line.box.y + line.box.height / 2) * image.height;
    return cx >= box.x && cx <= box.x + box.width && cy >= box.y && cy <= box.y + box.height;
  });
}

async function readFile(reader: TextReader, file: string): Promise<{ lines: TextLine[]; width: number; height: number }> {
  const decoded = await decodePhoto(file, { analysisSide: MAX_TEXT_IMAGE_SIDE });
  if (decoded.status !== 'decoded' || !decoded.analysisPixels) throw new Error(`${file}: could not decode`);
  return { lines: await reader.read(decoded.analysisPixels), width: decoded.width, height: decoded.height };
}

export async function measureTextQuality(options: { threads: number; imagesPerCell: number; log: (line: string) => void }): Promise<{ rows: QualityRow[]; timings: string[] }> {
  const rows: QualityRow[] = [];
  const timings: string[] = [];
  let t = performance.now();
  const reader = await createTextReader({ threads: options.threads });
  timings.push(`text reader load: ${(performance.now() - t).toFixed(0)} ms`);

  // --- rendered text ---
  const totals = { large: { found: 0, total: 0 } };
  let readMs = 0;
  let reads = 0;
  for (const [cellIndex, cell] of CELLS.entries()) {
    let found = 0, total = 0, cerSum = 0, lineCount = 0, falseLines = 0;
    for (let i = 0; i < options.imagesPerCell; i++) {
      const seed = 5000 + cellIndex * 100 + i;
      const image = await renderTextImage(randomTextSpec(seed, { fontSize: cell.fontSize, maxRotation: cell.maxRotation, photographed: cell.photographed, ...(cell.letterSpacing ? { letterSpacing: cell.letterSpacing } : {}) }));
      t = performance.now();
      const lines = await reader.read(image);
      readMs += performance.now() - t;
      reads++;
      const used = new Set<TextLine>();
      for (const drawn of image.lines) {
        const inside = readingOf(image, drawn.box, lines);
        inside.forEach((line) => used.add(line));
        const reading = inside.map((line) => line.text).join(' ');
        const words = wordsFound(drawn.text, reading);
        found += words.found;
        total += words.total;
        cerSum += Math.min(1, characterErrorRate(drawn.text, reading));
        lineCount++;
        if (words.found < words.total && cellIndex < 2 * 5) options.log(`  missed [${cell.name}, ${drawn.fontFamily}, ${drawn.rotation}°]: "${drawn.text}" read as "${reading}"`);
      }
      falseLines += lines.filter((line) => !used.has(line)).length;
    }
    if (cell.fontSize >= 24) {
      totals.large.found += found;
      totals.large.total += total;
    }
    rows.push({ metric: `text: rendered ${cell.name}: word recall (${total} words)`, value: found / Math.max(1, total) });
    rows.push({ metric: `text: rendered ${cell.name}: character error rate (${lineCount} lines)`, value: cerSum / Math.max(1, lineCount) });
    rows.push({ metric: `text: rendered ${cell.name}: lines outside the drawn text (${options.imagesPerCell} pictures)`, value: falseLines, format: 'count' });
  }
  rows.push({ metric: `text: rendered 24 px and larger, all conditions: word recall (${totals.large.total} words)`, value: totals.large.found / Math.max(1, totals.large.total), bar: 0.9 });
  timings.push(`text reading, rendered 1280×960 pictures: ${(readMs / reads).toFixed(0)} ms/picture wall (${reads} pictures, ${options.threads} threads)`);

  // --- real photos ---
  if (!existsSync(path.join(REAL_PHOTOS, 'README.md'))) {
    options.log(`  real photos skipped: ${REAL_PHOTOS} is not present`);
    return { rows, timings };
  }
  const textDir = path.join(REAL_PHOTOS, 'immich-test-assets/albums/text');
  for (const [name, truth] of Object.entries(REAL_TEXT_TRUTH)) {
    const file = path.join(textDir, name);
    if (!existsSync(file)) continue;
    t = performance.now();
    const { lines } = await readFile(reader, file);
    const ms = performance.now() - t;
    const reading = lines.map((line) => line.text).join(' ');
    const words = wordsFound(truth, reading);
    rows.push({ metric: `text: real ${name}: word recall of the legible words (${words.total} words, ${lines.length} lines read)`, value: words.found / Math.max(1, words.total) });
    timings.push(`text reading ${name} (decode + read): ${ms.toFixed(0)} ms wall`);
    options.log(`  ${name}: ${lines.map((line) => line.text).join(' | ')}`);
  }

  const orientationDir = path.join(REAL_PHOTOS, 'exif-orientation');
  if (existsSync(orientationDir)) {
    let found = 0, total = 0, placed = 0, falseLines = 0;
    const files = (await readdir(orientationDir)).filter((file) => /^(Landscape|Portrait)_\d\.jpg$/.test(file)).sort();
    for (const name of files) {
      const number = /_(\d)\./.exec(name)![1]!;
      const { lines } = await readFile(reader, path.join(orientationDir, name));
      const words = wordsFound(`top left right bottom ${number}`, lines.map((line) => line.text).join(' '));
      found += words.found;
      total += words.total;
      const top = lines.find((line) => wordsOf(line.text).includes('top'));
      const bottom = lines.find((line) => wordsOf(line.text).includes('bottom'));
      if (top && bottom && top.box.y < 0.5 && bottom.box.y > 0.5) placed++;
      falseLines += lines.filter((line) => !wordsOf(line.text).some((word) => ['top', 'left', 'right', 'bottom', number].includes(word))).length;
    }
    rows.push({ metric: `text: exif-orientation set: words read upright (top/left/right/bottom/N, ${files.length} photos)`, value: found / Math.max(1, total) });
    rows.push({ metric: `text: exif-orientation set: "top" above "bottom" after orientation (${files.length} photos)`, value: placed / Math.max(1, files.length), bar: 1 });
    rows.push({ metric: `text: exif-orientation set: lines that are none of those words`, value: falseLines, format: 'count' });
  }

  const natureDir = path.join(REAL_PHOTOS, 'immich-test-assets/albums/nature');
  if (existsSync(natureDir)) {
    let falseLines = 0;
    const files = (await readdir(natureDir)).filter((file) => /\.jpe?g$/i.test(file));
    for (const name of files) {
      const { lines } = await readFile(reader, path.join(natureDir, name));
      falseLines += lines.length;
      if (lines.length) options.log(`  false text in ${name}: ${lines.map((line) => `"${line.text}" (${line.confidence.toFixed(2)})`).join(', ')}`);
    }
    rows.push({ metric: `text: real text-free photos (albums/nature, ${files.length}): false lines`, value: falseLines, format: 'count', maxBar: 0 });
  }
  return { rows, timings };
}
