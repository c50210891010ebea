// Contract check of the trained toy SigLIP (run by train_siglip.py): through transformers.js and the product's
// search loader, the folder's tokenizer gives the Python encoder's ids on training texts (English and Thai),
// and text and image vectors equal PyTorch's (photos decoded with sharp, as the app decodes them).
// Usage: node bin/run-ts.js models/training/check-siglip.ts CHECK_JSON
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { AutoTokenizer, type Tensor } from '@huggingface/transformers';
import { createClipModel } from '../../main/core/models/inference/clip.inference.ts';

interface Expected {
  folder: string;
  texts: string[];
  ids: number[][];
  text_vectors: number[][];
  images: string[];
  image_vectors: number[][];
}

const checkFile = process.argv[2];
if (!checkFile) {
  console.error('usage: check-siglip.ts CHECK_JSON');
  process.exit(2);
}
const expected = JSON.parse(readFileSync(checkFile, 'utf8')) as Expected;
let failures = 0;

function check(name: string, ok: boolean, detail: string): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  if (!ok) failures++;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}

const tokenizer = await AutoTokenizer.from_pretrained(expected.folder, { local_files_only: true });
const thai = /[\u0E00-\u0E7F]/;
let mismatches = 0;
let thaiTexts = 0;
let firstMismatch = '';
for (const [i, text] of expected.texts.entries()) {
  const ids = (tokenizer(text, { return_tensor: false }) as unknown as { input_ids: number[] }).input_ids;
  if (thai.test(text)) thaiTexts++;
  if (JSON.stringify(ids) !== JSON.stringify(expected.ids[i])) {
    mismatches++;
    firstMismatch ||= `${JSON.stringify(text)}: ${ids.join(',')} vs ${expected.ids[i]?.join(',')}`;
  }
}
check('tokenizer.json ids == Python encoder ids', mismatches === 0,
  `${expected.texts.length - mismatches}/${expected.texts.length} texts (${thaiTexts} Thai)${firstMismatch ? `; first mismatch ${firstMismatch}` : ''}`);

const padded = tokenizer([expected.texts[0] ?? ''], { padding: 'max_length', truncation: true, max_length: 64 }) as { input_ids: Tensor };
check('texts pad to 64 with <pad>', padded.input_ids.dims[1] === 64, `dims ${JSON.stringify(padded.input_ids.dims)}`);

const model = await createClipModel({ folder: expected.folder, threads: 2 });
check('dimension', model.dimension === expected.text_vectors[0]?.length, `${model.dimension}`);
const textVectors = await model.embedTexts(expected.texts.slice(0, expected.text_vectors.length));
const dText = Math.max(...textVectors.map((v, i) => maxDiff(v, expected.text_vectors[i] ?? [])));
check('text vectors (product loader) == PyTorch', dText < 1e-4, `max |diff| ${dText.toExponential(2)} over ${textVectors.length} texts`);

const images = await Promise.all(expected.images.map(async (file) => {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}));
const imageVectors = await model.embedImages(images);
const dImage = Math.max(...imageVectors.map((v, i) => maxDiff(v, expected.image_vectors[i] ?? [])));
check('image vectors (product loader, JPEG decoded by sharp) == PyTorch', dImage < 1e-4,
  `max |diff| ${dImage.toExponential(2)} over ${imageVectors.length} photos`);

console.log(failures === 0 ? 'all toy-siglip checks passed' : `${failures} toy-siglip check(s) FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
