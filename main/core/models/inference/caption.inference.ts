// Image captioning with any vision-encoder-decoder model folder (e.g. ViT + GPT-2), via transformers.js.
import { AutoModelForVision2Seq, AutoProcessor, AutoTokenizer, type Tensor } from '@huggingface/transformers';
import { checkModelFolder, lazily, pretrainedOptions, toRawImage, type ModelLoadOptions, type RawImageLike } from './model-folder.ts';

export interface CaptionOptions {
  /** Upper bound on generated tokens (default 40). */
  maxNewTokens?: number;
}

export interface Captioner {
  /** A one-line description of the image (greedy decoding). */
  caption(image: RawImageLike, options?: CaptionOptions): Promise<string>;
}

const DEFAULT_MAX_NEW_TOKENS = 40;

/** Checks the folder now; sessions, tokenizer and processor are created on first use and then shared. */
export async function createCaptioner(options: ModelLoadOptions): Promise<Captioner> {
  const folder = await checkModelFolder(options, ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json']);
  const load = pretrainedOptions(options);
  const parts = lazily(async () => {
    const [processor, tokenizer, model] = await Promise.all([
      AutoProcessor.from_pretrained(folder, load),
      AutoTokenizer.from_pretrained(folder, load),
      AutoModelForVision2Seq.from_pretrained(folder, load),
    ]);
    return { processor, tokenizer, model };
  });

  return {
    async caption(image, captionOptions = {}) {
      const { processor, tokenizer, model } = await parts();
      const inputs = (await processor(toRawImage(image))) as Record<string, Tensor>;
      const output = (await model.generate({
        ...inputs,
        max_new_tokens: captionOptions.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
        do_sample: false,
      })) as Tensor;
      const [text] = tokenizer.batch_decode(output, { skip_special_tokens: true });
      return (text ?? '').trim();
    },
  };
}
