// Reads text in a photo (model process side): PaddleOCR PP-OCRv4 detection + recognition on onnxruntime-node.
//
// [Note: reading text in photos]
// The pipeline follows PaddleOCR's predict_system with its default settings:
// 1. Detection on the whole (upright) picture, resized so both sides are multiples of 32. The caller
//    passes at most MAX_TEXT_IMAGE_SIDE px on the longest side (the model has no size cap of its own:
//    2560 px took 11 s and 1.5 GB); a bigger image is shrunk here first. Channels go in BGR order,
//    normalised with ImageNet mean/std, as PaddleOCR feeds OpenCV images.
// 2. Boxes from the probability map ([Note: DB post-processing]). None: return at once (the fast path
//    for photos without text; detection is most of the cost, recognition is skipped).
// 3. Each box is straightened into a 48 px high line ([Note: straightening a text box]), so text
//    rotated by ±15° (or more) reads like level text. Boxes at least 1.5 times taller than wide are
//    read both as they are and turned a quarter turn (vertical CJK text), keeping the likelier reading.
// 4. Lines are recognised in batches of similar width (padded to the widest), CTC-decoded
//    ([Note: spaces between widely spaced words]); lines under 0.5 mean probability are dropped
//    (PaddleOCR's drop_score).
// Boxes are reported as fractions of the picture given, in reading order (rows top to bottom, left
// to right within a row).
import { NO_SPINNING } from '../models/inference/onnx-session-options.ts';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { boxesFromProbabilityMap, quadOf, type Quad } from './text-detection.ts';
import type { TextLine } from './text-line.ts';
import { bundledTextModelDir, findTextModelFiles, parseDictionary, TextModelFolderError, type TextModelFiles } from './text-model-folder.ts';
import { decodeCtc, LINE_HEIGHT, quadSize, rotateCounterClockwise, spaceWideGaps, warpQuad, type RgbImage } from './text-recognition.ts';

/** Longest side of the picture text is read from; see [Note: reading text in photos]. */
export const MAX_TEXT_IMAGE_SIDE = 1280;

const DETECTION_MEAN = [0.485, 0.456, 0.406];
const DETECTION_STD = [0.229, 0.224, 0.225];
/** Lines below this mean character probability are dropped (PaddleOCR's drop_score). */
const MIN_LINE_CONFIDENCE = 0.5;
/** Lines recognised per model run. */
const RECOGNITION_BATCH = 8;
/** PaddleOCR's narrowest batch width, as a width/height ratio (320 / 48). */
const MIN_BATCH_RATIO = 320 / 48;
/** A box this much taller than wide may be vertical text. */
const VERTICAL_RATIO = 1.5;

export interface TextReaderOptions {
  /** A PaddleOCR-format model folder ([Note: text model folders]); the bundled PP-OCRv4 when omitted. */
  modelDir?: string;
  /** onnxruntime intra-op threads per session. */
  threads: number;
}

export interface TextReader {
  readonly files: TextModelFiles;
  /** Text lines in an upright RGB picture (interleaved, `width * height * 3` bytes). */
  read(image: { data: Buffer | Uint8Array; width: number; height: number }): Promise<TextLine[]>;
}

export async function createTextReader(options: TextReaderOptions): Promise<TextReader> {
  const files = findTextModelFiles(options.modelDir ?? bundledTextModelDir());
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: Math.max(1, options.threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: NO_SPINNING, // it shares the cores with the decode threads while indexing
  };
  const open = async (file: string, role: string) => {
    try {
      return await ort.InferenceSession.create(file, sessionOptions);
    } catch (error) {
      throw new TextModelFolderError(files.folder, `the ${role} model ${file} could not be loaded (${(error as Error).message.split('\n')[0]}).`);
    }
  };
  const [detector, recogniser, dictionaryText] = await Promise.all([open(files.detection, 'detection'), open(files.recognition, 'recognition'), readFile(files.dictionary, 'utf8')]);
  const characters = recognitionCharacters(files, parseDictionary(dictionaryText), recogniser);
  const reader = new PaddleTextReader(detector, recogniser, characters);
  return { files, read: (image) => reader.read(image) };
}

/** The class → character table: the dictionary, plus a space class when the model has one more output. */
function recognitionCharacters(files: TextModelFiles, dictionary: string[], recogniser: ort.InferenceSession): string[] {
  const output = recogniser.outputMetadata[0];
  const shape = output && 'shape' in output ? output.shape : [];
  const classes = shape[shape.length - 1];
  if (typeof classes !== 'number') return [...dictionary, ' '];
  if (classes === dictionary.length + 2) return [...dictionary, ' '];
  if (classes === dictionary.length + 1) return dictionary;
  throw new TextModelFolderError(files.folder, `the dictionary ${files.dictionary} has ${dictionary.length} characters but the recognition model outputs ${classes} classes; they do not belong together.`);
}

interface LineCrop {
  quad: Quad;
  image: RgbImage;
  /** The same line turned a quarter turn, for boxes that may hold vertical text. */
  turned?: RgbImage;
}

class PaddleTextReader {
  constructor(
    private readonly detector: ort.InferenceSession,
    private readonly recogniser: ort.InferenceSession,
    private readonly characters: string[],
  ) {}

  async read(input: { data: Buffer | Uint8Array; width: number; height: number }): Promise<TextLine[]> {
    const image = await uprightWithinLimit(input);
    const quads = await this.detect(image);
    if (!quads.length) return [];
    const crops = quads.map((quad) => lineCrop(image, quad));
    const images = crops.flatMap((crop) => (crop.turned ? [crop.image, crop.turned] : [crop.image]));
    const readings = await this.recognise(images);
    const lines: TextLine[] = [];
    let next = 0;
    for (const crop of crops) {
      let reading = readings[next++]!;
      if (crop.turned) {
        const turned = readings[next++]!;
        if (turned.confidence > reading.confidence) reading = turned;
      }
      if (!reading.text || reading.confidence < MIN_LINE_CONFIDENCE) continue;
      lines.push({ text: reading.text, confidence: reading.confidence, box: fractionBox(crop.quad, image.width, image.height) });
    }
    return readingOrder(lines);
  }

  private async detect(image: RgbImage): Promise<Quad[]> {
    const width = Math.max(32, Math.round(image.width / 32) * 32);
    const height = Math.max(32, Math.round(image.height / 32) * 32);
    const resized = width === image.width && height === image.height ? image : await resizeRgb(image, width, height);
    const plane = width * height;
    const input = new Float32Array(3 * plane);
    const { data } = resized;
    for (let i = 0; i < plane; i++) {
      // BGR order, each channel normalised with the mean/std at its position (PaddleOCR's NormalizeImage on a cv2 image).
      input[i] = (data[i * 3 + 2]! / 255 - DETECTION_MEAN[0]!) / DETECTION_STD[0]!;
      input[plane + i] = (data[i * 3 + 1]! / 255 - DETECTION_MEAN[1]!) / DETECTION_STD[1]!;
      input[2 * plane + i] = (data[i * 3]! / 255 - DETECTION_MEAN[2]!) / DETECTION_STD[2]!;
    }
    const outputs = await this.detector.run({ [this.detector.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, height, width]) });
    const map = outputs[this.detector.outputNames[0]!]!;
    const [mapHeight, mapWidth] = map.dims.slice(-2) as [number, number];
    const boxes = boxesFromProbabilityMap(map.data as Float32Array, mapWidth, mapHeight);
    const sx = image.width / mapWidth;
    const sy = image.height / mapHeight;
    // Map pixel indices are pixel centres: shift by half a pixel into continuous coordinates.
    return boxes.map((box) => quadOf({ ...box.rect, cx: box.rect.cx + 0.5, cy: box.rect.cy + 0.5 }, sx, sy, image.width, image.height));
  }

  private async recognise(images: RgbImage[]): Promise<Array<{ text: string; confidence: number }>> {
    const order = images.map((_, i) => i).sort((a, b) => images[a]!.width - images[b]!.width);
    const results = new Array<{ text: string; confidence: number }>(images.length);
    for (let start = 0; start < order.length; start += RECOGNITION_BATCH) {
      const batch = order.slice(start, start + RECOGNITION_BATCH);
      const widest = Math.max(Math.ceil(LINE_HEIGHT * MIN_BATCH_RATIO), ...batch.map((i) => images[i]!.width));
      const plane = LINE_HEIGHT * widest;
      const input = new Float32Array(batch.length * 3 * plane); // zero = mid-grey after normalisation: the padding
      batch.forEach((imageIndex, b) => {
        const { data, width } = images[imageIndex]!;
        const base = b * 3 * plane;
        for (let y = 0; y < LINE_HEIGHT; y++) {
          for (let x = 0; x < width; x++) {
            const s = (y * width + x) * 3;
            const o = base + y * widest + x;
            input[o] = data[s + 2]! / 127.5 - 1;
            input[plane + o] = data[s + 1]! / 127.5 - 1;
            input[2 * plane + o] = data[s]! / 127.5 - 1;
          }
        }
      });
      const outputs = await this.recogniser.run({ [this.recogniser.inputNames[0]!]: new ort.Tensor('float32', input, [batch.length, 3, LINE_HEIGHT, widest]) });
      const probs = outputs[this.recogniser.outputNames[0]!]!;
      const [, frames, classes] = probs.dims as [number, number, number];
      const all = probs.data as Float32Array;
      batch.forEach((imageIndex, b) => {
        // Frames past the line's own width only saw padding.
        const ownFrames = Math.min(frames, Math.ceil((images[imageIndex]!.width / widest) * frames) + 1);
        const decoded = decodeCtc(all.subarray(b * frames * classes, (b * frames + ownFrames) * classes), ownFrames, classes, this.characters);
        results[imageIndex] = { text: spaceWideGaps(decoded, images[imageIndex]!, widest / frames), confidence: decoded.confidence };
      });
    }
    return results;
  }
}

/** The picture as RGB, shrunk to MAX_TEXT_IMAGE_SIDE when larger; throws a clear error on a wrong buffer. */
async function uprightWithinLimit(input: { data: Buffer | Uint8Array; width: number; height: number }): Promise<RgbImage> {
  const { width, height } = input;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`Text reader: the picture must have a positive integer size, got ${width}×${height}.`);
  if (input.data.length !== width * height * 3) throw new RangeError(`Text reader: a ${width}×${height} RGB picture has ${width * height * 3} bytes, got ${input.data.length}.`);
  const image: RgbImage = { data: input.data, width, height };
  const longest = Math.max(width, height);
  if (longest <= MAX_TEXT_IMAGE_SIDE) return image;
  const scale = MAX_TEXT_IMAGE_SIDE / longest;
  return resizeRgb(image, Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
}

async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function lineCrop(image: RgbImage, quad: Quad): LineCrop {
  const size = quadSize(quad);
  const width = Math.max(1, Math.round((LINE_HEIGHT * size.width) / Math.max(1, size.height)));
  const crop: LineCrop = { quad, image: warpQuad(image, quad, width, LINE_HEIGHT) };
  if (size.height >= VERTICAL_RATIO * size.width) {
    // Vertical text, top to bottom: straighten at the box's own proportions, then turn so the top is on the left.
    crop.turned = rotateCounterClockwise(warpQuad(image, quad, LINE_HEIGHT, Math.max(1, Math.round((LINE_HEIGHT * size.height) / Math.max(1, size.width)))));
  }
  return crop;
}

function fractionBox(quad: Quad, width: number, height: number): TextLine['box'] {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.min(...xs));
  const y0 = Math.max(0, Math.min(...ys));
  const x1 = Math.min(width, Math.max(...xs));
  const y1 = Math.min(height, Math.max(...ys));
  return { x: x0 / width, y: y0 / height, width: (x1 - x0) / width, height: (y1 - y0) / height };
}

/** Rows top to bottom (a line joins a row when their vertical spans overlap by half), left to right within a row. */
export function readingOrder(lines: TextLine[]): TextLine[] {
  const rows: Array<{ top: number; bottom: number; lines: TextLine[] }> = [];
  for (const line of [...lines].sort((a, b) => a.box.y + a.box.height / 2 - (b.box.y + b.box.height / 2))) {
    const top = line.box.y;
    const bottom = line.box.y + line.box.height;
    const row = rows.find((r) => Math.min(r.bottom, bottom) - Math.max(r.top, top) > 0.5 * Math.min(r.bottom - r.top, bottom - top));
    if (row) {
      row.lines.push(line);
      row.top = Math.min(row.top, top);
      row.bottom = Math.max(row.bottom, bottom);
    } else rows.push({ top, bottom, lines: [line] });
  }
  return rows.flatMap((row) => row.lines.sort((a, b) => a.box.x - b.box.x));
}
