// Training-data helper: turns an album's JPEGs into the exact model-input pixels transformers.js produces.
// Usage: node bin/run-ts.js models/training/prepare-pixels.ts ALBUM_DIR PROCESSOR_DIR OUT_FILE
// Writes OUT_FILE: uint8 [N, H, W, 3] (manifest order) of the processor's resized + centre-cropped image,
// before rescale/normalise (training applies those itself). See [Note: toy image preprocessing] in
// export_onnx.py: the models then train on the pixels the product's CLIPImageProcessor will give them.
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AutoImageProcessor, type Tensor } from '@huggingface/transformers';
import { toRawImage } from '../../main/core/models/inference/model-folder.ts';

const [albumDir, processorDir, outFile] = process.argv.slice(2);
if (!albumDir || !processorDir || !outFile) {
  console.error('usage: prepare-pixels.ts ALBUM_DIR PROCESSOR_DIR OUT_FILE');
  process.exit(2);
}

const files = (await readFile(path.join(albumDir, 'manifest.jsonl'), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { file: string }).file);
const processor = await AutoImageProcessor.from_pretrained(path.resolve(processorDir));

async function pixelsOf(file: string): Promise<Uint8Array> {
  // Decoded as the app decodes (sharp, RGB), then the library's own resize + crop.
  const { data, info } = await sharp(path.join(albumDir as string, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = toRawImage({ data, width: info.width, height: info.height, channels: 3 });
  const { pixel_values } = (await processor.preprocess(image, { do_normalize: false })) as { pixel_values: Tensor };
  const [channels, height, width] = pixel_values.dims as [number, number, number];
  const chw = pixel_values.data as Float32Array; // rescaled to [0, 1]
  const hwc = new Uint8Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < height * width; i++) hwc[i * channels + c] = Math.round((chw[c * height * width + i] ?? 0) * 255);
  }
  return hwc;
}

const first = await pixelsOf(files[0] as string);
const out = await open(outFile, 'w');
const inFlight = 4;
let next = 0;
const worker = async (): Promise<void> => {
  while (next < files.length) {
    const index = next++;
    const bytes = index === 0 ? first : await pixelsOf(files[index] as string);
    await out.write(bytes, 0, bytes.length, index * first.length); // positional: completion order does not matter
    if ((index + 1) % 2000 === 0) process.stderr.write(`prepare-pixels: ${index + 1}/${files.length}\n`);
  }
};
await Promise.all(Array.from({ length: inFlight }, worker));
await out.close();
process.stderr.write(`prepare-pixels: wrote ${files.length} x ${first.length} bytes to ${outFile}\n`);
