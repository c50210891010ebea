// Contract check for export_check.py's random-weight folders: loads them through the product's inference
// modules and transformers.js, and compares with PyTorch (embeddings; greedy ids computed without a cache).
// Usage: node bin/run-ts.js models/training/check-contracts.ts DIR
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AutoModelForImageTextToText,
  AutoModelForVision2Seq,
  AutoProcessor,
  RawImage,
  type Tensor,
} from '@huggingface/transformers';
import { createClipModel } from '../../main/core/models/inference/clip.inference.ts';
import { createCaptioner } from '../../main/core/models/inference/caption.inference.ts';
import { createVisualChat } from '../../main/core/models/inference/ask.inference.ts';
import type { RawImageLike } from '../../main/core/models/inference/model-folder.ts';

interface Expected {
  width: number;
  height: number;
  texts: string[];
  question: string;
  steps: number;
  image_embedding: number[];
  text_embeddings: number[][];
  caption_ids: number[];
  caption: string;
  vqa_prompt_ids: number[];
  answer_ids: number[];
  answer: string;
}

const dir = path.resolve(process.argv[2] ?? '.tmp/contract-check');
const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
const image: RawImageLike = {
  data: new Uint8Array(readFileSync(path.join(dir, 'image.rgb'))),
  width: expected.width,
  height: expected.height,
  channels: 3,
};
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

const sameIds = (a: readonly number[], b: readonly number[]): boolean => JSON.stringify(a) === JSON.stringify(b);

// CLIP
const clip = await createClipModel({ folder: path.join(dir, 'clip'), threads: 2 });
const [imageVec] = await clip.embedImages([image]);
const d1 = maxDiff(imageVec ?? [], expected.image_embedding);
check('clip image_embeds', d1 < 1e-4, `max |diff| ${d1.toExponential(2)}, dimension ${clip.dimension}`);
const textVecs = await clip.embedTexts(expected.texts);
const d2 = Math.max(...textVecs.map((v, i) => maxDiff(v, expected.text_embeddings[i] ?? [])));
check('clip text_embeds (padded batch, EOS pooling)', d2 < 1e-4, `max |diff| ${d2.toExponential(2)}`);

// captioner: ids through the library's cached generation, text through the product module
const capFolder = path.join(dir, 'captioner');
const capProcessor = await AutoProcessor.from_pretrained(capFolder);
const capModel = await AutoModelForVision2Seq.from_pretrained(capFolder);
const raw = new RawImage(image.data, image.width, image.height, 3);
const capInputs = (await capProcessor(raw)) as Record<string, Tensor>;
const capOut = (await capModel.generate({ ...capInputs, max_new_tokens: expected.steps, do_sample: false })) as Tensor;
const capIds = (capOut.tolist() as bigint[][])[0]?.slice(1).map(Number) ?? [];
check('captioner KV-cached greedy ids == PyTorch no-cache ids', sameIds(capIds, expected.caption_ids),
  `${capIds.join(',')} vs ${expected.caption_ids.join(',')}`);
const captioner = await createCaptioner({ folder: capFolder });
const caption = await captioner.caption(image, { maxNewTokens: expected.steps });
check('captioner module text', caption === expected.caption, JSON.stringify(caption));

// VQA
const vqaFolder = path.join(dir, 'vqa');
const vqaProcessor = await AutoProcessor.from_pretrained(vqaFolder);
const vqaModel = await AutoModelForImageTextToText.from_pretrained(vqaFolder);
const prompt = vqaProcessor.apply_chat_template(
  [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: expected.question }] }] as never,
  { add_generation_prompt: true, tokenize: false },
) as string;
const vqaInputs = (await vqaProcessor(raw, prompt)) as Record<string, Tensor> & { input_ids: Tensor };
const promptIds = (vqaInputs.input_ids.tolist() as bigint[][])[0]?.map(Number) ?? [];
check('llava prompt ids (template + 36 image tokens)', sameIds(promptIds, expected.vqa_prompt_ids),
  `${promptIds.length} tokens: ${JSON.stringify(prompt)}`);
const vqaOut = (await vqaModel.generate({ ...vqaInputs, max_new_tokens: expected.steps, do_sample: false })) as Tensor;
const answerIds = (vqaOut.tolist() as bigint[][])[0]?.slice(promptIds.length).map(Number) ?? [];
check('llava KV-cached greedy ids == PyTorch no-cache ids', sameIds(answerIds, expected.answer_ids),
  `${answerIds.join(',')} vs ${expected.answer_ids.join(',')}`);
const chat = await createVisualChat({ folder: vqaFolder });
const pieces: string[] = [];
const answer = await chat.ask(image, [{ role: 'user', content: expected.question }], {
  maxNewTokens: expected.steps,
  onToken: (t) => pieces.push(t),
});
check('ask module text', answer === expected.answer, `${JSON.stringify(answer)} in ${pieces.length} pieces`);
const controller = new AbortController();
let seen = 0;
const partial = await chat.ask(image, [{ role: 'user', content: expected.question }], {
  maxNewTokens: expected.steps,
  signal: controller.signal,
  onToken: () => {
    if (++seen === 2) controller.abort();
  },
});
check('ask abort stops early', partial.length < answer.length, `${JSON.stringify(partial)} after ${seen} pieces`);

console.log(failures === 0 ? 'all contract checks passed' : `${failures} contract check(s) FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
