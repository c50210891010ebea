// Entry point of the model process: decodes photos and runs the models, answering the core's requests.
// [Note: why ML runs in its own process]
// Inference and image decoding take 10–300 ms per photo. Run on the core's (or Electron main's) event
// loop they would stall every other request, and a native crash in onnxruntime or libvips would take
// the whole app down. In their own process they overlap with the core's I/O, and a crash only costs a
// restart (the client re-runs the batch photo by photo and marks a photo that crashes it twice).
import { writeFileAtomic } from '../shared/atomic-write.ts';
import type { DeviceType } from '@huggingface/transformers';
import { createFaceAnalyzer, MAX_FACE_INPUT_SIDE, type FaceAnalyzer } from '../faces/face-detector.inference.ts';
import { namesForFaces, readPhotoFaceRegions } from '../faces/xmp-face-regions.ts';
import os from 'node:os';
import { decodePhoto, type DecodePhotoOptions, type ModelPixels } from '../media/photo-decoder.ts';
import { SerialWork } from '../serial-work.ts';
import { DecodePool } from './decode-pool.ts';
import { emptyPipelineStats, IndexPipeline } from './index-pipeline.ts';
import { thumbnailPath } from '../library/thumbnail-path.ts';
import { createCaptioner } from '../models/inference/caption.inference.ts';
import { createClipModel } from '../models/inference/clip.inference.ts';
import { createVisualChat } from '../models/inference/ask.inference.ts';
import { modelInputSide } from '../models/model-input-side.ts';
import { videoMoments } from '../video/video-moments.inference.ts';
import { candidateDevices, cudaProviderInstalled } from './device-selection.ts';
import { ANALYZER_FACTORIES, type PhotoAnalyzer } from './photo-analyzers.ts';
import type { AnalysisName, AnalysisOutcome, DeviceReport, FaceDetectionResult, IndexItem, IndexItemResult, IndexWork, ModelSpecForWorker, PhotoIndexItem, WorkerErrorCode, WorkerInit, WorkerRequest, WorkerResponse } from './model-process.protocol.ts';
import { isDiskFull, LibraryDiskFullError } from '../library/disk-full.ts';

type ClipModel = Awaited<ReturnType<typeof createClipModel>>;
type Captioner = Awaited<ReturnType<typeof createCaptioner>>;
type VisualChat = Awaited<ReturnType<typeof createVisualChat>>;

let init: WorkerInit | undefined;
let device: DeviceType = 'cpu';
let clip: Promise<ClipModel> | undefined;
let captioner: Promise<Captioner> | undefined;
let chat: Promise<VisualChat> | undefined;
let clipSide: Promise<number> | undefined;
let faceAnalyzer: FaceAnalyzer | undefined;
const cancellations = new Map<number, AbortController>();
const analyzers = new Map<AnalysisName, Promise<PhotoAnalyzer>>();

/** An error whose code crosses to the core as is (see WorkerErrorCode): nobody matches message text. */
class CodedError extends Error {
  constructor(readonly code: WorkerErrorCode, message: string) {
    super(message);
  }
}

function send(message: WorkerResponse): void {
  process.send?.(message);
}

function requireSpec(spec: ModelSpecForWorker | undefined, task: string): ModelSpecForWorker {
  if (!spec) throw new CodedError(task === 'search' ? 'no-search-model' : 'no-model', `No ${task} model is configured for this library.`);
  return spec;
}

/** The analyzer of that name, loaded on first use; rejects with a sentence when it cannot run here. */
function analyzer(name: AnalysisName): Promise<PhotoAnalyzer> {
  let loaded = analyzers.get(name);
  if (!loaded) {
    const spec = init?.analyzers?.[name];
    const factory = ANALYZER_FACTORIES[name];
    loaded = !spec || !factory
      ? Promise.reject(new CodedError('no-model', `No ${name} model is configured for this library.`))
      : factory().then((create) => create(spec, { threads: init?.threads ?? 1 }));
    loaded.catch(() => undefined);
    analyzers.set(name, loaded);
  }
  return loaded;
}

// [Note: device fallback]
// A GPU provider can fail to load (CUDA libraries not installed, no WebGPU adapter) or fail on the
// first run. We try each candidate with a one-query warm-up and fall back to the next, ending at
// CPU, and report every failure so `photobind status` can say which device is really in use and why.
// CPU is the last resort, with nothing to fall back to, so it is not warmed up: each encoder loads on
// first use. An indexing process then never loads the text encoder (~250 MB for ViT-B/32), and a
// search-only one never loads the vision encoder; a broken encoder fails its first request with the
// reason instead of the start.
async function initialise(request: WorkerInit): Promise<DeviceReport> {
  init = request;
  const fallbacks: DeviceReport['fallbacks'] = [];
  // Without a search model the process still decodes, reads metadata and writes thumbnails.
  if (!request.clip) return { device: 'cpu', fallbacks };
  const spec = request.clip;
  for (const candidate of candidateDevices(request.device)) {
    // Without onnxruntime-node's CUDA provider library the probe can only fail: skip it (it costs a model load).
    if (candidate === 'cuda' && !cudaProviderInstalled()) {
      fallbacks.push({ device: candidate, reason: "libonnxruntime_providers_cuda.so: cannot open shared object file (onnxruntime-node's CUDA provider is not installed; not probed)" });
      continue;
    }
    try {
      const model = await createClipModel({ folder: spec.folder, device: candidate, dtype: spec.dtype, threads: request.threads });
      if (candidate !== 'cpu') await model.embedTexts(['a photo']);
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
  if (!clip) throw new CodedError('no-search-model', 'The model process was started without a search model (it is not installed).');
  return clip;
}

function thumbnailFile(contentHash: string): string {
  if (!init) throw new Error('not initialised');
  return thumbnailPath(init.thumbnailsDir, contentHash);
}

async function writeThumbnail(contentHash: string, jpeg: Buffer): Promise<void> {
  // A cache: no fsync (a thumbnail lost in a power cut is simply made again).
  try {
    await writeFileAtomic(thumbnailFile(contentHash), jpeg, { sync: false });
  } catch (error) {
    // A full library disk is nobody's photo's fault: the whole request fails with that sentence.
    if (isDiskFull(error)) throw new LibraryDiskFullError(init?.thumbnailsDir ?? 'the thumbnails folder', { cause: error });
    throw error;
  }
}

/** Fault injection for the crash-recovery tests: a path containing this text kills the process. */
const CRASH_PATTERN = process.env.PHOTOBIND_FAULT_INJECT_CRASH_PATTERN;

/** Decode slots, model batches and queue: see [Note: indexing at the model's pace] in index-pipeline.ts. */
let pipeline: IndexPipeline<ModelPixels> | undefined;
let decodePool: DecodePool | undefined;
function indexPipeline(): IndexPipeline<ModelPixels> {
  // Decode threads: the model's own threads get the rest of the cores. At least 3, even on 2 cores: a
  // thread waits on file reads and between libvips steps, and a third fills those gaps (12 MP JPEGs,
  // toy model, 2 cores: 23.9 photos/s with 2 threads, 29.5 with 3, the decode-only rate being ~29).
  const threads = Math.max(3, Math.min(4, Math.ceil(os.availableParallelism() / 2)));
  decodePool ??= new DecodePool(threads);
  pipeline ??= new IndexPipeline<ModelPixels>({
    decodeSlots: threads * 2, // one photo decoding and one waiting per thread, so no thread idles between photos
    batchSize: INDEX_BATCH,
    queueLimit: INDEX_BATCH * 2,
    embed: async (pixels) => (await clipModel()).embedImages(pixels),
  });
  return pipeline;
}
/** Photos per model call at most (the core's batches are this size too). */
const INDEX_BATCH = 16;
/** Analyses (onnxruntime OCR, tfjs faces) run one photo at a time, as before the pipeline. */
const analysisQueue = new SerialWork();

async function indexPhotos(items: PhotoIndexItem[], work: IndexWork): Promise<IndexItemResult[]> {
  if (CRASH_PATTERN && items.some((item) => item.path.includes(CRASH_PATTERN))) process.kill(process.pid, 'SIGKILL');
  const embed = work.embed ?? true;
  if (embed) await clipModel(); // no search model: the whole request fails with that code, before any decoding
  // The shortest side the processor resizes to; decoding to exactly that size avoids a second resize.
  if (embed) clipSide ??= modelInputSide(requireSpec(init?.clip, 'search').folder);
  const side = embed && clipSide ? await clipSide : undefined;
  // Analyzers that cannot load fail their stage for every photo of the batch, with the reason.
  const wanted = new Map<AnalysisName, PhotoAnalyzer | Error>();
  for (const name of work.analyses ?? []) wanted.set(name, await analyzer(name).catch((error: unknown) => error as Error));
  const analysisSide = Math.max(0, ...[...wanted.values()].map((a) => (a instanceof Error ? 0 : a.longestSide)));
  const options: DecodePhotoOptions = { ...(side ? { modelSide: side } : {}), analysisSide };
  return Promise.all(items.map((item) => indexOne(item, options, embed, wanted)));
}

/** One photo through the pipeline: read, hash, decode and thumbnail in a decode thread, then the model and the analyses. */
async function indexOne(item: PhotoIndexItem, options: DecodePhotoOptions, embed: boolean, wanted: Map<AnalysisName, PhotoAnalyzer | Error>): Promise<IndexItemResult> {
  const line = indexPipeline();
  if (!init) throw new Error('not initialised');
  const thumbnailsDir = init.thumbnailsDir;
  return line.run(
    () => decodePool!.decode({ path: item.path, ...(item.contentHash ? { contentHash: item.contentHash } : {}), options, thumbnailsDir }),
    async (decoded, embedPixels) => {
      if (decoded.status === 'disk-full') throw new LibraryDiskFullError(thumbnailsDir); // the whole request fails
      line.stats.hashMs += decoded.hashMs;
      line.stats.decodeMs += decoded.decodeMs;
      if (decoded.status === 'problem') return { path: item.path, ok: false, kind: decoded.kind, reason: decoded.message, permanent: !decoded.transient };
      line.stats.thumbnailMs += decoded.thumbnailMs;
      const vector = embed ? await embedPixels(decoded.modelPixels) : null;
      const analyses: Partial<Record<AnalysisName, AnalysisOutcome>> = {};
      if (wanted.size > 0) {
        await analysisQueue.run(async () => {
          const started = performance.now();
          for (const [name, runner] of wanted) {
            if (runner instanceof Error) {
              analyses[name] = { ok: false, reason: runner.message };
              continue;
            }
            const pixels = decoded.analysisPixels ?? decoded.modelPixels;
            try {
              analyses[name] = { ok: true, value: await runner.analyze(pixels) };
            } catch (error) {
              analyses[name] = { ok: false, reason: `${name} analysis of ${item.path} failed: ${(error as Error).message}` };
            }
          }
          line.stats.analysisMs += performance.now() - started;
        });
      }
      return { path: item.path, ok: true, contentHash: decoded.contentHash, format: decoded.format, width: decoded.width, height: decoded.height, metadata: decoded.metadata, vector, analyses };
    },
  );
}


async function momentsOfVideo(item: IndexItem) {
  if (CRASH_PATTERN && item.path.includes(CRASH_PATTERN)) process.kill(process.pid, 'SIGKILL');
  const model = await clipModel();
  clipSide ??= modelInputSide(requireSpec(init?.clip, 'search').folder);
  return videoMoments(item.path, {
    side: await clipSide,
    embedImages: (images) => model.embedImages(images),
    writePoster: (jpeg) => writeThumbnail(item.contentHash, jpeg),
  });
}

async function pixelsOf(photoPath: string) {
  const photo = await decodePhoto(photoPath, { modelSide: 384 });
  if (photo.status === 'unsupported') throw photo.problem;
  return photo.modelPixels;
}

/** Faces of a photo, upright, at up to MAX_FACE_INPUT_SIDE, named from the photo's XMP face regions where they overlap. */
async function detectFaces(photoPath: string): Promise<FaceDetectionResult> {
  const photo = await decodePhoto(photoPath, { modelSide: MAX_FACE_INPUT_SIDE });
  if (photo.status === 'unsupported') throw photo.problem;
  faceAnalyzer ??= createFaceAnalyzer({ threads: init?.threads ?? 1 });
  const faces = await faceAnalyzer.detect(photo.modelPixels);
  const regions = faces.length ? await readPhotoFaceRegions(photoPath, { width: photo.width, height: photo.height, orientation: photo.metadata.orientation }) : undefined;
  const names = regions ? namesForFaces(faces.map((f) => f.box), regions.regions) : faces.map(() => null);
  return { faces: faces.map((face, i) => ({ ...face, xmpName: names[i] ?? null })) };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'init':
      return initialise(request.init);
    case 'indexPhotos':
      return indexPhotos(request.items, request.work);
    case 'embedTexts':
      return (await clipModel()).embedTexts(request.texts);
    case 'videoMoments':
      return momentsOfVideo(request.item);
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
    case 'detectFaces':
      return detectFaces(request.path);
    case 'cancel':
      cancellations.get(request.target)?.abort();
      return null;
    case 'indexStats': {
      const stats = { ...indexPipeline().stats };
      if (request.reset) Object.assign(indexPipeline().stats, emptyPipelineStats());
      return stats;
    }
  }
}

process.on('message', (message: WorkerRequest) => {
  handle(message).then(
    (result) => send({ id: message.id, type: 'result', result }),
    (error: unknown) => send({ id: message.id, type: 'error', error: { code: error instanceof CodedError ? error.code : 'failed', message: (error as Error).message ?? String(error), retryable: false } }),
  );
});
process.on('disconnect', () => process.exit(0));
