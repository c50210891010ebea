// Recogniser plumbing: straightens a text box into a 48 px line image, and decodes the recogniser's CTC output.
//
// [Note: straightening a text box]
// PaddleOCR cuts each detected quadrilateral out with a perspective warp (cv2.warpPerspective, border
// replicated) so that rotated text reaches the recogniser horizontal. We map every pixel of the output
// line image to the quad by bilinear interpolation of its corners (exact for the rotated rectangles
// and parallelograms the detector gives) and sample the photo bilinearly, averaging n×n samples per
// output pixel when the line is shrunk (n = the shrink factor, up to 4) so small strokes do not alias.
// Warp and resize to the recogniser's 48 px height are one step.
import type { Point, Quad } from './text-detection.ts';

/** Upright interleaved 8-bit RGB. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The recogniser's input height (PP-OCRv3/v4 rec_image_shape 3×48×W). */
export const LINE_HEIGHT = 48;

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

/** The quad's size as PaddleOCR measures it (longest opposite edges). */
export function quadSize(quad: Quad): { width: number; height: number } {
  const [tl, tr, br, bl] = quad;
  return { width: Math.max(distance(tl, tr), distance(bl, br)), height: Math.max(distance(tl, bl), distance(tr, br)) };
}

/**
 * The quad cut out of `image` as an `outWidth`×`outHeight` RGB image, top edge tl→tr along the
 * output's top. See [Note: straightening a text box].
 */
export function warpQuad(image: RgbImage, quad: Quad, outWidth: number, outHeight: number): RgbImage {
  const [tl, tr, br, bl] = quad;
  const { width: quadWidth, height: quadHeight } = quadSize(quad);
  const shrink = Math.max(quadWidth / outWidth, quadHeight / outHeight);
  const n = Math.max(1, Math.min(4, Math.round(shrink)));
  const out = new Uint8Array(outWidth * outHeight * 3);
  const { data, width, height } = image;
  const sum = new Float64Array(3);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      sum.fill(0);
      for (let sy = 0; sy < n; sy++) {
        const v = (oy + (sy + 0.5) / n) / outHeight;
        for (let sx = 0; sx < n; sx++) {
          const u = (ox + (sx + 0.5) / n) / outWidth;
          // Bilinear interpolation of the corners gives the source point (continuous coordinates).
          const x = (1 - v) * ((1 - u) * tl.x + u * tr.x) + v * ((1 - u) * bl.x + u * br.x) - 0.5;
          const y = (1 - v) * ((1 - u) * tl.y + u * tr.y) + v * ((1 - u) * bl.y + u * br.y) - 0.5;
          sampleBilinear(data, width, height, x, y, sum);
        }
      }
      const o = (oy * outWidth + ox) * 3;
      const samples = n * n;
      out[o] = Math.round(sum[0]! / samples);
      out[o + 1] = Math.round(sum[1]! / samples);
      out[o + 2] = Math.round(sum[2]! / samples);
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}

/** Adds the bilinear sample at (x, y), edges replicated, to `sum`. */
function sampleBilinear(data: Uint8Array, width: number, height: number, x: number, y: number, sum: Float64Array): void {
  const cx = Math.min(width - 1, Math.max(0, x));
  const cy = Math.min(height - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const i00 = (y0 * width + x0) * 3;
  const i10 = (y0 * width + x1) * 3;
  const i01 = (y1 * width + x0) * 3;
  const i11 = (y1 * width + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = data[i00 + c]! * (1 - fx) + data[i10 + c]! * fx;
    const bottom = data[i01 + c]! * (1 - fx) + data[i11 + c]! * fx;
    sum[c]! += top * (1 - fy) + bottom * fy;
  }
}

/** The same picture turned a quarter turn counter-clockwise (for vertical text read top to bottom). */
export function rotateCounterClockwise(image: RgbImage): RgbImage {
  const { data, width, height } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // (x, y) → (y, width - 1 - x) in the rotated image, whose width is `height`.
      const o = ((width - 1 - x) * height + y) * 3;
      const i = (y * width + x) * 3;
      out[o] = data[i]!;
      out[o + 1] = data[i + 1]!;
      out[o + 2] = data[i + 2]!;
    }
  }
  return { data: out, width: height, height: width };
}

export interface DecodedText {
  text: string;
  /** Mean probability of the characters kept (0 when none). */
  confidence: number;
  /** Each character with the frame where it fired (frames are evenly spread over the line's width). */
  characters: Array<{ text: string; frame: number }>;
}

/**
 * Greedy CTC decoding of one line: per frame the most likely class; repeats collapsed, blanks (class 0)
 * dropped; class i is `characters[i - 1]`. `probs` holds `frames` rows of `classes` probabilities.
 */
export function decodeCtc(probs: Float32Array, frames: number, classes: number, characters: readonly string[]): DecodedText {
  const kept: Array<{ text: string; frame: number }> = [];
  let probSum = 0;
  let previous = -1;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    let bestProb = -Infinity;
    const offset = t * classes;
    for (let c = 0; c < classes; c++) {
      const p = probs[offset + c]!;
      if (p > bestProb) {
        bestProb = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      kept.push({ text: characters[best - 1] ?? '', frame: t });
      probSum += bestProb;
    }
    previous = best;
  }
  if (!kept.length) return { text: '', confidence: 0, characters: [] };
  return { text: kept.map((c) => c.text).join(''), confidence: probSum / kept.length, characters: kept };
}

/**
 * Inserts the spaces the recogniser left out between widely spaced words.
 *
 * [Note: spaces between widely spaced words]
 * The recogniser was trained mostly on Chinese, which has no spaces, and drops the space between
 * English words set in widely spaced capitals ("HAPPYBIRTHDAYANNA") or small print. The line image
 * shows the gaps: we find the runs of columns without ink (Otsu threshold; ink is the minority side)
 * inside the line. Most runs are the gaps between letters; a run clearly wider than their median
 * (over `factor` times it, and over a fifth of the line height) is a word gap. It becomes a space
 * between the two characters whose positions (the frames where CTC fired) bracket the gap's centre,
 * unless the model already put one there. Only Latin letters and digits are split; scripts without
 * spaces are left alone.
 */
export function spaceWideGaps(decoded: DecodedText, line: RgbImage, pixelsPerFrame: number, factor = 2.2): string {
  const chars = decoded.characters;
  if (chars.length < 2) return decoded.text.trim();
  const runs = emptyRuns(emptyColumns(line));
  if (!runs.length) return decoded.text.trim();
  const minimum = Math.max(factor * median(runs.map((run) => run.length)), line.height / 5);
  const centres = chars.map((c) => (c.frame + 0.5) * pixelsPerFrame);
  const spaceAfter = new Set<number>();
  for (const run of runs) {
    if (run.length <= minimum) continue;
    const middle = run.start + run.length / 2;
    const i = centres.findIndex((centre, k) => k + 1 < centres.length && centre <= middle && middle < centres[k + 1]!);
    if (i < 0) continue;
    const a = chars[i]!.text;
    const b = chars[i + 1]!.text;
    if (a !== ' ' && b !== ' ' && isWordCharacter(a) && isWordCharacter(b)) spaceAfter.add(i);
  }
  const text = chars.map((c, i) => (spaceAfter.has(i) ? `${c.text} ` : c.text)).join('');
  return text.replace(/\s+/g, ' ').trim();
}

/** Runs of empty columns between the first and the last column with ink. */
function emptyRuns(empty: boolean[]): Array<{ start: number; length: number }> {
  const first = empty.indexOf(false);
  const last = empty.lastIndexOf(false);
  const runs: Array<{ start: number; length: number }> = [];
  if (first < 0) return runs;
  let start = -1;
  for (let x = first; x <= last; x++) {
    if (empty[x] && start < 0) start = x;
    if (!empty[x] && start >= 0) {
      runs.push({ start, length: x - start });
      start = -1;
    }
  }
  return runs;
}

/** Per column: true when it holds no ink (Otsu threshold on luminance; ink is the less common side). */
function emptyColumns(line: RgbImage): boolean[] {
  const { data, width, height } = line;
  const luma = new Uint8Array(width * height);
  const histogram = new Array<number>(256).fill(0);
  for (let i = 0; i < luma.length; i++) {
    const value = Math.round(0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!);
    luma[i] = value;
    histogram[value]!++;
  }
  const threshold = otsu(histogram, luma.length);
  let dark = 0;
  for (let i = 0; i < luma.length; i++) if (luma[i]! <= threshold) dark++;
  const inkIsDark = dark <= luma.length / 2;
  const top = Math.floor(height * 0.15);
  const bottom = Math.ceil(height * 0.85);
  const empty: boolean[] = [];
  for (let x = 0; x < width; x++) {
    let ink = 0;
    for (let y = top; y < bottom; y++) if ((luma[y * width + x]! <= threshold) === inkIsDark) ink++;
    empty.push(ink < 2);
  }
  return empty;
}

function otsu(histogram: number[], total: number): number {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i]!;
  let sumBelow = 0, weightBelow = 0, best = 0, threshold = 127;
  for (let t = 0; t < 256; t++) {
    weightBelow += histogram[t]!;
    if (!weightBelow) continue;
    const weightAbove = total - weightBelow;
    if (!weightAbove) break;
    sumBelow += t * histogram[t]!;
    const between = weightBelow * weightAbove * (sumBelow / weightBelow - (sum - sumBelow) / weightAbove) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Latin letters and digits: the scripts that separate words with spaces. */
function isWordCharacter(text: string): boolean {
  return /^[\p{Script=Latin}0-9]$/u.test(text);
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
