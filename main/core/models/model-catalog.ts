// The catalog of model sets: which model serves each task (search, caption, ask), where it comes from.
// The toy set is just another entry whose source is a folder shipped with Photobind; product code
// never treats it differently. See models/README.md for how the toy models are made.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ModelTask = 'clip' | 'caption' | 'ask';
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';


export type ModelSource =
  | { kind: 'bundled'; folder: string }
  | { kind: 'hub'; repo: string; revision: string };

export interface ModelEntry {
  id: string;
  task: ModelTask;
  /** transformers.js model family (config.json model_type). */
  family: 'clip' | 'vision-encoder-decoder' | 'llava';
  source: ModelSource;
  /** Files besides the ONNX weights. */
  files: string[];
  /** ONNX file stems under onnx/; the dtype suffix is added on load/download. */
  onnx: string[];
  dtypes: ModelDtype[];
  defaultDtype: ModelDtype;
  licence: string;
  languages: string[];
  embeddingDim?: number;
  /** Approximate download size in MB for the default dtype (informational). */
  sizeMb: number;
}

/** Repository root, found from this file's location (main/core/models/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TOY_MODELS_DIR = path.join(REPO_ROOT, 'models', 'toy');

const CLIP_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'];

export const MODELS: Record<string, ModelEntry> = {
  'photobind/toy-clip': {
    id: 'photobind/toy-clip', task: 'clip', family: 'clip',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-clip') },
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], sizeMb: 3,
  },
  'photobind/toy-captioner': {
    id: 'photobind/toy-captioner', task: 'caption', family: 'vision-encoder-decoder',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-captioner') },
    files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'],
    onnx: ['encoder_model', 'decoder_model_merged'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], sizeMb: 4,
  },
  'photobind/toy-vqa': {
    id: 'photobind/toy-vqa', task: 'ask', family: 'llava',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-vqa') },
    files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'processor_config.json'],
    onnx: ['embed_tokens', 'vision_encoder', 'decoder_model_merged'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], sizeMb: 5,
  },
  'Xenova/clip-vit-base-patch32': {
    id: 'Xenova/clip-vit-base-patch32', task: 'clip', family: 'clip',
    source: { kind: 'hub', repo: 'Xenova/clip-vit-base-patch32', revision: 'main' },
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32', 'fp16', 'q8'], defaultDtype: 'q8',
    licence: 'MIT', languages: ['en'], embeddingDim: 512, sizeMb: 152,
  },
  'Xenova/vit-gpt2-image-captioning': {
    id: 'Xenova/vit-gpt2-image-captioning', task: 'caption', family: 'vision-encoder-decoder',
    source: { kind: 'hub', repo: 'Xenova/vit-gpt2-image-captioning', revision: 'main' },
    files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'],
    onnx: ['encoder_model', 'decoder_model_merged'], dtypes: ['fp32', 'q8'], defaultDtype: 'q8',
    licence: 'Apache-2.0', languages: ['en'], sizeMb: 246,
  },
  'onnx-community/nanoLLaVA-1.5': {
    id: 'onnx-community/nanoLLaVA-1.5', task: 'ask', family: 'llava',
    source: { kind: 'hub', repo: 'onnx-community/nanoLLaVA-1.5', revision: 'main' },
    files: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'],
    onnx: ['embed_tokens', 'vision_encoder', 'decoder_model_merged'], dtypes: ['fp32', 'fp16', 'q8', 'q4'], defaultDtype: 'q4',
    licence: 'Apache-2.0', languages: ['en'], sizeMb: 1100,
  },
};

export interface ModelSet {
  name: string;
  description: string;
  clip: string;
  caption: string;
  ask: string;
}

export const MODEL_SETS: Record<string, ModelSet> = {
  default: {
    name: 'default',
    description: 'Real models, downloaded once from the Hugging Face Hub (or imported from a folder).',
    clip: 'Xenova/clip-vit-base-patch32',
    caption: 'Xenova/vit-gpt2-image-captioning',
    ask: 'onnx-community/nanoLLaVA-1.5',
  },
  toy: {
    name: 'toy',
    description: 'Tiny demo models trained on Photobind\'s toy world; they only understand toy scenes.',
    clip: 'photobind/toy-clip',
    caption: 'photobind/toy-captioner',
    ask: 'photobind/toy-vqa',
  },
};

export function getModelSet(name: string): ModelSet {
  const set = MODEL_SETS[name];
  if (!set) throw new Error(`Unknown model set "${name}"; choose one of: ${Object.keys(MODEL_SETS).join(', ')}.`);
  return set;
}

export function getModelEntry(id: string): ModelEntry {
  const entry = MODELS[id];
  if (!entry) throw new Error(`Unknown model "${id}"; run \`photobind models list\` to see the catalog.`);
  return entry;
}

/** transformers.js file suffix per dtype (see ../shared notes: fp32 none, fp16 _fp16, q8 _quantized, q4 _q4). */
export function onnxFileName(stem: string, dtype: ModelDtype): string {
  const suffix = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' }[dtype];
  return `onnx/${stem}${suffix}.onnx`;
}

export function modelFiles(entry: ModelEntry, dtype: ModelDtype = entry.defaultDtype): string[] {
  return [...entry.files, ...entry.onnx.map((stem) => onnxFileName(stem, dtype))];
}
