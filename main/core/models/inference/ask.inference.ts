// Visual chat with any LLaVA-family model folder: answers about one image, streaming text as it is generated.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  AutoImageProcessor,
  AutoModelForImageTextToText,
  AutoProcessor,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  StoppingCriteriaList,
  TextStreamer,
  type Message,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type RawImage,
  type Tensor,
} from '@huggingface/transformers';
import { checkModelFolder, lazily, pretrainedOptions, toRawImage, type ModelLoadOptions, type RawImageLike } from './model-folder.ts';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface AskOptions {
  /** Called with each new piece of the answer, in order; the pieces join up to the returned text. */
  onToken?: (text: string) => void;
  /** Aborting stops generation after the current step; `ask` then resolves with the text so far. */
  signal?: AbortSignal;
  /** Upper bound on generated tokens (default 128). */
  maxNewTokens?: number;
}

export interface VisualChat {
  /** The assistant's next reply about `image`, given the conversation so far (which must end with the user). */
  ask(image: RawImageLike, messages: readonly ChatMessage[], options?: AskOptions): Promise<string>;
}

const DEFAULT_MAX_NEW_TOKENS = 128;

type ModelInputs = Record<string, Tensor> & { input_ids: Tensor };

/** The processing side of a chat turn: the chat template and decoding (tokenizer), and a prompt + photo as inputs. */
interface ChatProcessing {
  tokenizer: PreTrainedTokenizer;
  inputs(image: RawImage, prompt: string): Promise<ModelInputs>;
}

// [Note: a LLaVA folder without processor_config.json]
// A LLaVA prompt holds one image token per feature the vision encoder gives (N); transformers.js's
// LlavaProcessor repeats the prompt's image token N times, computing N from processor_config.json
// (patch_size, num_additional_image_tokens), and the model refuses a prompt whose count differs from N.
// onnx-community/nanoLLaVA-1.5, the default set's ask model, publishes no processor_config.json (its Hub
// file listing, read 2026-12-02: config, generation_config, preprocessor_config, tokenizer files, onnx/),
// so for such a folder N is not guessed from the architecture: the vision encoder runs once on the
// first photo (the image processor resizes every photo to one size, so N is fixed) and the image token,
// the tokenizer's token for config.json's image_token_index, is repeated N times here. Folders with
// processor_config.json (the toy twin) go through LlavaProcessor as before.
async function chatProcessing(folder: string, model: PreTrainedModel, load: ReturnType<typeof pretrainedOptions>): Promise<ChatProcessing> {
  if (existsSync(path.join(folder, 'processor_config.json'))) {
    const processor = await AutoProcessor.from_pretrained(folder, load);
    return {
      tokenizer: processor.tokenizer as PreTrainedTokenizer,
      inputs: async (image, prompt) => (await processor(image, prompt)) as ModelInputs,
    };
  }
  const [imageProcessor, tokenizer] = await Promise.all([AutoImageProcessor.from_pretrained(folder, load), AutoTokenizer.from_pretrained(folder, load)]);
  const config = model.config as { image_token_index?: number; image_token_id?: number };
  const imageTokenId = config.image_token_index ?? config.image_token_id;
  if (imageTokenId === undefined) throw new Error(`${path.join(folder, 'config.json')} names no image_token_index, so the photo has no place in the prompt.`);
  const imageToken = tokenizer.decode([imageTokenId], { skip_special_tokens: false });
  const vision = model as unknown as { encode_image(inputs: { pixel_values: Tensor }): Promise<Tensor> };
  let features: number | null = null;
  return {
    tokenizer,
    async inputs(image, prompt) {
      const pixels = (await imageProcessor(image)) as Record<string, Tensor> & { pixel_values: Tensor };
      features ??= (await vision.encode_image({ pixel_values: pixels.pixel_values })).dims.slice(0, -1).reduce((a, b) => a * b, 1);
      if (!prompt.includes(imageToken)) throw new Error(`The chat template of ${folder} left no ${imageToken} for the photo in the prompt.`);
      const text = prompt.replace(imageToken, imageToken.repeat(features));
      return { ...pixels, ...(tokenizer(text) as Record<string, Tensor> & { input_ids: Tensor }) };
    },
  };
}

/** Checks the folder now; sessions and processing are created on first use and then shared. */
export async function createVisualChat(options: ModelLoadOptions): Promise<VisualChat> {
  // processor_config.json is optional: see [Note: a LLaVA folder without processor_config.json].
  const folder = await checkModelFolder(options, ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json']);
  const load = pretrainedOptions(options);
  const parts = lazily(async () => {
    const model = await AutoModelForImageTextToText.from_pretrained(folder, load);
    return { model, processing: await chatProcessing(folder, model, load) };
  });

  return {
    async ask(image, messages, askOptions = {}) {
      const last = messages.at(-1);
      if (last === undefined || last.role !== 'user') throw new Error('ask: the conversation must end with a user message');
      const { signal, onToken } = askOptions;
      if (signal?.aborted) return '';
      const { model, processing } = await parts();
      const { tokenizer } = processing;
      const prompt = tokenizer.apply_chat_template(toTemplateMessages(messages), {
        add_generation_prompt: true,
        tokenize: false,
      });
      const inputs = await processing.inputs(toRawImage(image), prompt);
      const promptLength = inputs.input_ids.dims.at(-1) ?? 0;

      const stop = new InterruptableStoppingCriteria();
      const stopping = new StoppingCriteriaList();
      stopping.push(stop);
      const interrupt = (): void => stop.interrupt();
      signal?.addEventListener('abort', interrupt, { once: true });
      const streamer = new AnswerStreamer(tokenizer, onToken);
      try {
        if (signal?.aborted) return '';
        const output = (await model.generate({
          ...inputs,
          max_new_tokens: askOptions.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
          do_sample: false,
          streamer,
          stopping_criteria: stopping,
        })) as Tensor;
        const generated = output.slice(null, [promptLength, output.dims.at(-1) ?? promptLength]);
        return (tokenizer.batch_decode(generated, { skip_special_tokens: true })[0] ?? '').trim();
      } finally {
        signal?.removeEventListener('abort', interrupt);
      }
    },
  };
}

/** The first user turn carries the image, as llava-style chat templates expect ({type: 'image'} parts). */
function toTemplateMessages(messages: readonly ChatMessage[]): Message[] {
  const firstUser = messages.findIndex((m) => m.role === 'user');
  return messages.map((m, i) => ({
    role: m.role,
    content: [...(i === firstUser ? [{ type: 'image' }] : []), { type: 'text', text: m.content }],
  })) as unknown as Message[];
}

/**
 * Token-level streamer: after each generated token, decodes everything generated so far and reports the new
 * suffix (leading whitespace dropped, so the pieces add up to the trimmed answer). The stock TextStreamer
 * holds text back until a word ends, so a one-word answer would only arrive at the very end.
 */
class AnswerStreamer extends TextStreamer {
  private readonly generated: bigint[] = [];
  private sent = '';
  private seenPrompt = false;

  constructor(
    tokenizer: PreTrainedTokenizer,
    private readonly onText: ((text: string) => void) | undefined,
  ) {
    super(tokenizer, { skip_prompt: true });
  }

  override put(value: bigint[][]): void {
    if (!this.seenPrompt) {
      this.seenPrompt = true; // generate() passes the prompt first
      return;
    }
    this.generated.push(...(value[0] ?? []));
    this.flush(false);
  }

  override end(): void {
    this.flush(true);
  }

  private flush(final: boolean): void {
    if (this.onText === undefined) return;
    const decoded = this.tokenizer.decode(this.generated.map(Number), { skip_special_tokens: true });
    const text = final ? decoded.trim() : decoded.trimStart();
    // A multi-byte character split across tokens decodes to U+FFFD until its last byte arrives.
    if (!final && text.endsWith('\uFFFD')) return;
    if (text.length > this.sent.length && text.startsWith(this.sent)) {
      this.onText(text.slice(this.sent.length));
      this.sent = text;
    }
  }
}
