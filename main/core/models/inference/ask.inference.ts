// Visual chat with any LLaVA-family model folder: answers about one image, streaming text as it is generated.
import {
  AutoModelForImageTextToText,
  AutoProcessor,
  InterruptableStoppingCriteria,
  StoppingCriteriaList,
  TextStreamer,
  type Message,
  type PreTrainedTokenizer,
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

/** Checks the folder now; sessions and processor are created on first use and then shared. */
export async function createVisualChat(options: ModelLoadOptions): Promise<VisualChat> {
  const folder = await checkModelFolder(options, [
    'tokenizer.json',
    'tokenizer_config.json',
    'preprocessor_config.json',
    'processor_config.json',
  ]);
  const load = pretrainedOptions(options);
  const parts = lazily(async () => {
    const [processor, model] = await Promise.all([
      AutoProcessor.from_pretrained(folder, load),
      AutoModelForImageTextToText.from_pretrained(folder, load),
    ]);
    return { processor, model };
  });

  return {
    async ask(image, messages, askOptions = {}) {
      const last = messages.at(-1);
      if (last === undefined || last.role !== 'user') throw new Error('ask: the conversation must end with a user message');
      const { signal, onToken } = askOptions;
      if (signal?.aborted) return '';
      const { processor, model } = await parts();
      const prompt = processor.apply_chat_template(toTemplateMessages(messages), {
        add_generation_prompt: true,
        tokenize: false,
      }) as string;
      const inputs = (await processor(toRawImage(image), prompt)) as Record<string, Tensor> & { input_ids: Tensor };
      const promptLength = inputs.input_ids.dims.at(-1) ?? 0;

      const stop = new InterruptableStoppingCriteria();
      const stopping = new StoppingCriteriaList();
      stopping.push(stop);
      const interrupt = (): void => stop.interrupt();
      signal?.addEventListener('abort', interrupt, { once: true });
      const streamer = new AnswerStreamer(processor.tokenizer as PreTrainedTokenizer, onToken);
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
        return (processor.batch_decode(generated, { skip_special_tokens: true })[0] ?? '').trim();
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
