// Entry point of the model process: decodes photos and runs the models, answering the core's requests.
// [Note: why ML runs in its own process]
// Inference and image decoding take 10–300 ms per photo. Run on the core's (or Electron main's) event
// loop they would stall every other request, and a native crash in onnxruntime or libvips would take
// the whole app down. In their own process they overlap with the core's I/O, and a crash only costs a
// restart (the client re-runs the batch photo by photo and marks a photo that crashes it twice).
import type { DeviceType } from '@huggingface/transformers';
import fs from 'node:fs/promises';
import path from 'node:path';
import { decodePhoto } from '../media/photo-decoder.ts';
import { toPhotoProblem } from '../media/photo-problem.ts';
import { createCaptioner } from '../models/inference/caption.inference.ts';
import { createClipModel } from '../models/inference/clip.inference.ts';
import { createVisualChat } from '../models/inference/ask.inference.ts';
import { modelInputSide } from '../models/model-input-side.ts';
import { candidateDevices } from './device-selection.ts';
import type { DeviceReport, IndexItemResult, ModelSpecForWorker, WorkerInit, WorkerRequest, WorkerResponse } from './model-process.protocol.ts';

type ClipModel = Awaited<ReturnType<typeof createClipModel>>;
type Captioner = Awaited<ReturnType<typeof createCaptioner>>;
type VisualChat = Awaited<ReturnType<typeof createVisualChat>>;

let init: WorkerInit | undefined;
let device: DeviceType = 'cpu';
let clip: Promise<ClipModel> | undefined;
let captioner: Promise<Captioner> | undefined;
let chat: Promise<VisualChat> | undefined;
let clipSide: Promise<number> | undefined;
const cancellations = new Map<number, AbortController>();

function send(message: WorkerResponse): void {
  process.send?.(message);
}

function requireSpec(spec: ModelSpecForWorker | undefined, task: string): ModelSpecForWorker {
  if (!spec) throw new Error(`No ${task} model is configured for this library.`);
  return spec;
}

// [Note: device fallback]
// A GPU provider can fail to load (CUDA libraries not installed, no WebGPU adapter) or fail on the
// first run. We try each candidate with a one-query warm-up and fall back to the next, ending at
// CPU, and report every failure so `photobind status` can say which device is really in use and why.
async function initialise(request: WorkerInit): Promise<DeviceReport> {
  init = request;
  const fallbacks: DeviceReport['fallbacks'] = [];
  if (!request.clip) return { device: 'cpu', fallbacks };
  const spec = request.clip;
  for (const candidate of candidateDevices(request.device)) {
    try {
      const model = await createClipModel({ folder: spec.folder, device: candidate, dtype: spec.dtype, threads: request.threads });
      await model.embedTexts(['a photo']);
      clip = Promise.resolve(model);
      device = candidate;
      return { device, fallbacks };
    } catch (error) {
      fallbacks.push({ device: candidate, reason: (error as Error).message.split('\n')[0] ?? 'failed' });
    }
  }
  throw new Error(`The search model could not start on any device: ${fallbacks.map((f) => `${f.device}: ${f.reason}`).join('; ')}`);
}

function clipModel(): Promise<ClipModel> {
  if (!clip) throw new Error('The model process was not initialised with a search model.');
  return clip;
}

function thumbnailPath(contentHash: string): string {
  if (!init) throw new Error('not initialised');
  return path.join(init.thumbnailsDir, contentHash.slice(0, 2), `${contentHash}.jpg`);
}

let thumbnailWrites = 0;

async function writeThumbnail(contentHash: string, jpeg: Buffer): Promise<void> {
  const target = thumbnailPath(contentHash);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${++thumbnailWrites}.tmp`;
  await fs.writeFile(temp, jpeg);
  await fs.rename(temp, target);
}

/** Fault injection for the crash-recovery tests: a path containing this text kills the process. */
const CRASH_PATTERN = process.env.PHOTOBIND_FAULT_INJECT_CRASH_PATTERN;

async function indexPhotos(items: Array<{ path: string; contentHash: string }>): Promise<IndexItemResult[]> {
  if (CRASH_PATTERN && items.some((item) => item.path.includes(CRASH_PATTERN))) process.kill(process.pid, 'SIGKILL');
  const model = await clipModel();
  // The shortest side the processor resizes to; decoding to exactly that size avoids a second resize.
  clipSide ??= modelInputSide(requireSpec(init?.clip, 'search').folder);
  const side = await clipSide;
  const decoded = await Promise.all(
    items.map(async (item) => {
      try {
        const decoded = await decodePhoto(item.path, { modelSide: side });
        if (decoded.status === 'unsupported') return { item, problem: decoded.problem };
        await writeThumbnail(item.contentHash, decoded.thumbnailJpeg);
        return { item, photo: decoded };
      } catch (error) {
        const problem = toPhotoProblem(error, item.path);
        return { item, problem };
      }
    }),
  );
  const good = decoded.filter((d) => 'photo' in d);
  const vectors = good.length ? await model.embedImages(good.map((d) => d.photo!.modelPixels)) : [];
  const byPath = new Map(good.map((d, i) => [d.item.path, vectors[i]!]));
  return decoded.map((d): IndexItemResult => {
    if (d.photo) {
      return { path: d.item.path, ok: true, format: d.photo.format, width: d.photo.width, height: d.photo.height, metadata: d.photo.metadata, vector: byPath.get(d.item.path)! };
    }
    const problem = d.problem;
    return { path: d.item.path, ok: false, kind: problem.kind, reason: problem.message, permanent: !problem.transient };
  });
}

async function pixelsOf(photoPath: string) {
  const photo = await decodePhoto(photoPath, { modelSide: 384 });
  if (photo.status === 'unsupported') throw photo.problem;
  return photo.modelPixels;
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init':
      return initialise(request.init);
    case 'indexPhotos':
      return indexPhotos(request.items);
    case 'embedTexts':
      return (await clipModel()).embedTexts(request.texts);
    case 'caption': {
      const spec = requireSpec(init?.caption, 'caption');
      captioner ??= createCaptioner({ folder: spec.folder, device, dtype: spec.dtype, threads: init?.threads ?? 1 });
      return (await captioner).caption(await pixelsOf(request.path), request.maxNewTokens ? { maxNewTokens: request.maxNewTokens } : {});
    }
    case 'ask': {
      const spec = requireSpec(init?.ask, 'ask');
      chat ??= createVisualChat({ folder: spec.folder, device, dtype: spec.dtype, threads: init?.threads ?? 1 });
      const controller = new AbortController();
      cancellations.set(request.id, controller);
      try {
        return await (await chat).ask(await pixelsOf(request.path), request.messages, {
          onToken: (text: string) => send({ id: request.id, type: 'token', text }),
          signal: controller.signal,
          ...(request.maxNewTokens ? { maxNewTokens: request.maxNewTokens } : {}),
        });
      } finally {
        cancellations.delete(request.id);
      }
    }
    case 'cancel':
      cancellations.get(request.target)?.abort();
      return null;
  }
}

process.on('message', (message: WorkerRequest) => {
  handle(message).then(
    (result) => send({ id: message.id, type: 'result', result }),
    (error: unknown) => send({ id: message.id, type: 'error', error: { code: (error as Error).name || 'Error', message: (error as Error).message ?? String(error), retryable: false } }),
  );
});
process.on('disconnect', () => process.exit(0));
