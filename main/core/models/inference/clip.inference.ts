// CLIP-family image and text embeddings (L2-normalised) from any CLIP model folder, via transformers.js.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  type Tensor,
} from '@huggingface/transformers';
import { checkModelFolder, lazily, pretrainedOptions, toRawImage, type ModelLoadOptions, type RawImageLike } from './model-folder.ts';

export interface ClipModel {
  /** One unit-length vector per image, in order. */
  embedImages(images: readonly RawImageLike[]): Promise<Float32Array[]>;
  /** One unit-length vector per text, in order; texts longer than the model's context are truncated. */
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  /** Length of every embedding (the model's projection size). */
  readonly dimension: number;
}

/** Images and texts per session run: bounds memory on large batches without losing batching's speed. */
const IMAGE_BATCH = 16;
const TEXT_BATCH = 64;

interface ClipConfigJson {
  projection_dim?: number;
  text_config?: { projection_dim?: number };
}

/**
 * Checks the folder and reads the embedding size now; the ONNX sessions, tokenizer and processor are
 * created on first use and shared by later calls.
 */
export async function createClipModel(options: ModelLoadOptions): Promise<ClipModel> {
  const folder = await checkModelFolder(
    options,
    ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'],
    ['text_model', 'vision_model'],
  );
  const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as ClipConfigJson;
  const dimension = config.projection_dim ?? config.text_config?.projection_dim;
  if (dimension === undefined) throw new Error(`${folder}/config.json has no projection_dim: not a CLIP model`);
  const load = pretrainedOptions(options);

  const textSide = lazily(async () => {
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(folder, load),
      CLIPTextModelWithProjection.from_pretrained(folder, load),
    ]);
    return { tokenizer, model };
  });
  const imageSide = lazily(async () => {
    const [processor, model] = await Promise.all([
      AutoProcessor.from_pretrained(folder, load),
      CLIPVisionModelWithProjection.from_pretrained(folder, load),
    ]);
    return { processor, model };
  });

  return {
    dimension,
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      const { tokenizer, model } = await textSide();
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += TEXT_BATCH) {
        const inputs = tokenizer([...texts.slice(start, start + TEXT_BATCH)], { padding: true, truncation: true });
        const { text_embeds } = (await model(inputs)) as { text_embeds: Tensor };
        out.push(...unitRows(text_embeds));
      }
      return out;
    },
    async embedImages(images) {
      if (images.length === 0) return [];
      const { processor, model } = await imageSide();
      const out: Float32Array[] = [];
      for (let start = 0; start < images.length; start += IMAGE_BATCH) {
        const inputs = (await processor(images.slice(start, start + IMAGE_BATCH).map(toRawImage))) as Record<string, Tensor>;
        const { image_embeds } = (await model(inputs)) as { image_embeds: Tensor };
        out.push(...unitRows(image_embeds));
      }
      return out;
    },
  };
}

/** Rows of a [n, d] tensor, each scaled to unit length (copies: the tensor's buffer is not kept). */
function unitRows(tensor: Tensor): Float32Array[] {
  const [rows, dim] = tensor.dims as [number, number];
  const data = tensor.to('float32').data as Float32Array; // fp16 models return fp16
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const row = data.slice(r * dim, (r + 1) * dim);
    let norm = 0;
    for (const v of row) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < dim; i++) row[i] = (row[i] as number) / norm;
    out.push(row);
  }
  return out;
}
