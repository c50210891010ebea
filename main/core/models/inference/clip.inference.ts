// Search embeddings (L2-normalised images and texts in one space) from a CLIP or SigLIP model folder, via transformers.js.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  SiglipTextModel,
  SiglipVisionModel,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { checkModelFolder, lazily, pretrainedOptions, toRawImage, type ModelLoadOptions, type RawImageLike } from './model-folder.ts';
import { normalizeInPlace } from '../../shared/vector-math.ts';

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

interface SearchConfigJson {
  model_type?: string;
  projection_dim?: number;
  text_config?: { projection_dim?: number; hidden_size?: number; projection_size?: number; max_position_embeddings?: number };
}

interface ModelClass {
  from_pretrained(folder: string, options: ReturnType<typeof pretrainedOptions>): Promise<PreTrainedModel>;
}

// [Note: CLIP and SigLIP search models]
// Both families embed images and texts into one space and ship `onnx/text_model.onnx` +
// `onnx/vision_model.onnx`; they differ in what the product must do around the sessions, so the loader
// branches on config.json's `model_type` (the family), never on which model it is:
// - CLIP: CLIPTextModelWithProjection / CLIPVisionModelWithProjection, outputs `text_embeds` /
//   `image_embeds`; texts padded to the batch's longest (pooling reads the EOS position, so padding is inert).
// - SigLIP: SiglipTextModel / SiglipVisionModel, output `pooler_output`. Its text encoder has no attention
//   mask and pools the LAST position, so texts must be padded to the length it was trained at (64;
//   `padding: 'max_length'`), and SigLIP 2 was trained on lower-cased text, so queries are lower-cased.
interface SearchFamily {
  dimension: number;
  textModel: ModelClass;
  visionModel: ModelClass;
  textOutput: 'text_embeds' | 'pooler_output';
  imageOutput: 'image_embeds' | 'pooler_output';
  tokenize(tokenizer: PreTrainedTokenizer, texts: string[]): Record<string, Tensor>;
}

/** SiglipTextConfig's defaults, which a config.json written with only its differences leaves out. */
const SIGLIP_DEFAULT_HIDDEN = 768;
const SIGLIP_DEFAULT_LENGTH = 64;

function searchFamily(folder: string, config: SearchConfigJson): SearchFamily {
  const where = `${folder}/config.json`;
  switch (config.model_type) {
    case 'clip': {
      const dimension = config.projection_dim ?? config.text_config?.projection_dim;
      if (dimension === undefined) throw new Error(`${where} has no projection_dim: not a CLIP model`);
      return {
        dimension,
        textModel: CLIPTextModelWithProjection,
        visionModel: CLIPVisionModelWithProjection,
        textOutput: 'text_embeds',
        imageOutput: 'image_embeds',
        tokenize: (tokenizer, texts) => tokenizer(texts, { padding: true, truncation: true }) as Record<string, Tensor>,
      };
    }
    case 'siglip': {
      const text = config.text_config ?? {};
      const positions = text.max_position_embeddings ?? SIGLIP_DEFAULT_LENGTH;
      return {
        dimension: text.projection_size ?? text.hidden_size ?? SIGLIP_DEFAULT_HIDDEN,
        textModel: SiglipTextModel,
        visionModel: SiglipVisionModel,
        textOutput: 'pooler_output',
        imageOutput: 'pooler_output',
        tokenize: (tokenizer, texts) => {
          // tokenizer_config's model_max_length, unless it is missing or a "no limit" placeholder (Gemma's is 1e30)
          const configured = tokenizer.model_max_length as unknown;
          const maxLength = typeof configured === 'number' && configured <= positions ? configured : positions;
          return tokenizer(
            texts.map((t) => t.toLowerCase()),
            { padding: 'max_length', truncation: true, max_length: maxLength },
          ) as Record<string, Tensor>;
        },
      };
    }
    default:
      throw new Error(
        `${where} says model_type ${JSON.stringify(config.model_type ?? null)}; a search model must be a CLIP ("clip") or SigLIP ("siglip") model.`,
      );
  }
}

/**
 * Checks the folder and reads the family and embedding size now; the ONNX sessions, tokenizer and processor
 * are created on first use and shared by later calls. See [Note: CLIP and SigLIP search models].
 */
export async function createClipModel(options: ModelLoadOptions): Promise<ClipModel> {
  const folder = await checkModelFolder(
    options,
    ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'],
    ['text_model', 'vision_model'],
  );
  const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as SearchConfigJson;
  const family = searchFamily(folder, config);
  const load = pretrainedOptions(options);

  const analysisSide = lazily(() => loading(folder, 'text', async () => {
    const [tokenizer, model] = await Promise.all([
      AutoTokenizer.from_pretrained(folder, load),
      family.textModel.from_pretrained(folder, load),
    ]);
    return { tokenizer, model };
  }));
  const imageSide = lazily(() => loading(folder, 'image', async () => {
    const [processor, model] = await Promise.all([
      AutoProcessor.from_pretrained(folder, load),
      family.visionModel.from_pretrained(folder, load),
    ]);
    return { processor, model };
  }));

  return {
    dimension: family.dimension,
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      const { tokenizer, model } = await analysisSide();
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += TEXT_BATCH) {
        const inputs = family.tokenize(tokenizer, texts.slice(start, start + TEXT_BATCH));
        const outputs = (await model(inputs)) as Record<string, Tensor>;
        out.push(...unitRows(outputs[family.textOutput], family.textOutput));
      }
      return out;
    },
    async embedImages(images) {
      if (images.length === 0) return [];
      const { processor, model } = await imageSide();
      const out: Float32Array[] = [];
      for (let start = 0; start < images.length; start += IMAGE_BATCH) {
        const inputs = (await processor(images.slice(start, start + IMAGE_BATCH).map(toRawImage))) as Record<string, Tensor>;
        const outputs = (await model(inputs)) as Record<string, Tensor>;
        out.push(...unitRows(outputs[family.imageOutput], family.imageOutput));
      }
      return out;
    },
  };
}

/** An encoder loaded on first use: a failure names the model folder and the encoder, then the reason. */
async function loading<T>(folder: string, encoder: 'text' | 'image', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const reason = ((error as Error).message.split('\n')[0] ?? String(error)).replace(/\.$/, '');
    throw new Error(`The search model in ${folder} could not load its ${encoder} encoder: ${reason}. Install it again ('photobind models pull' or 'photobind models import').`, { cause: error });
  }
}

/** Rows of a [n, d] tensor, each scaled to unit length (copies: the tensor's buffer is not kept). */
function unitRows(tensor: Tensor | undefined, name: string): Float32Array[] {
  if (!tensor) throw new Error(`The search model gave no "${name}" output.`);
  const [rows, dim] = tensor.dims as [number, number];
  const data = tensor.to('float32').data as Float32Array; // fp16 models return fp16
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    out.push(normalizeInPlace(data.slice(r * dim, (r + 1) * dim)));
  }
  return out;
}
