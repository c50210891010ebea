// Face detection and 128-d face descriptors (face-api's SSD MobileNet v1 + 68 landmarks + ResNet recogniser) on tfjs WebAssembly, in the model process.
//
// [Note: face-api on tfjs-core + wasm in Node]
// `@vladmandic/face-api` ships its weights in the npm package (`model/`, MIT). Its Node builds expect
// the umbrella `@tensorflow/tfjs` plus tfjs-node (a native library downloaded at install, which fails
// offline); its ESM bundle carries its own tfjs whose Node platform shim is broken (`TextEncoder is not
// a constructor`). What does load, checked here: the CommonJS `face-api.node-wasm.js` build, whose only
// imports are `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`, with `@tensorflow/tfjs` resolved
// to `@tensorflow/tfjs-core` for that one require (so face-api, the wasm backend and this module share
// one tfjs engine). tfjs-core's Node build leaves out the "chained" tensor methods (`t.as3D()`,
// `t.sub()`, ...) that the umbrella package registers and face-api calls, so `registerChainedOps`
// adds the ones it uses. The wasm binaries come from tfjs-backend-wasm's own folder (a file path, read
// with fs), the weights from face-api's `model/` folder with file reads: nothing is fetched.
// tfjs-backend-wasm runs single-threaded under Node (its multi-threaded build needs browser workers;
// `WASM_HAS_MULTITHREAD_SUPPORT` is false here), with SIMD. Measured on this machine's 2 cores:
// about 300–1300 ms CPU per photo at ≤ 1280 px (`npm run bench`, faces section).
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type * as FaceApi from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';
import type { DetectedFace, FaceBox, FaceImage } from './face-model.ts';

export { FACE_DESCRIPTOR_LENGTH, FACE_MODEL_ID, type DetectedFace, type FaceBox, type FaceImage } from './face-model.ts';

/** Longest side the detector sees: larger input is downscaled first (small faces in big group photos stay findable). */
export const MAX_FACE_INPUT_SIDE = 1280;

/**
 * Default detection score threshold, measured (`npm run models:quality -- --only faces`). face-api's own
 * default (0.5) misses faces in profile: Pierre Curie's profile in the Curie portrait scores 0.29–0.31.
 * The highest-scoring non-faces seen were 0.19 (a speck beside the faces in two-people.jpg, hair beside
 * Pierre's profile), 0.17 (a bar in albums/text/craft-beer.jpg) and 0.16 (printed text); the 9 photos of
 * albums/nature reach at most 0.12.
 */
export const DEFAULT_MIN_FACE_SCORE = 0.25;

export interface FaceAnalyzerOptions {
  /** Requested threads; tfjs-backend-wasm runs one thread under Node, see [Note: face-api on tfjs-core + wasm in Node]. */
  threads?: number;
  /** Detection threshold (default DEFAULT_MIN_FACE_SCORE). */
  minScore?: number;
}

export interface FaceAnalyzer {
  /** Faces in an upright RGB image, largest first. Calls are queued: one image at a time runs through tfjs. */
  detect(image: FaceImage): Promise<DetectedFace[]>;
  readonly backend: string;
}

type FaceApiModule = typeof FaceApi;
type TfModule = typeof TfCore;

interface FaceRuntime {
  faceapi: FaceApiModule;
  tf: TfModule;
}

let runtime: Promise<FaceRuntime> | undefined;

/** Loads tfjs, the wasm backend and the three networks once per process. */
function loadRuntime(threads: number): Promise<FaceRuntime> {
  runtime ??= (async () => {
    const require = createRequire(import.meta.url);
    const tf = require('@tensorflow/tfjs-core') as TfModule;
    registerChainedOps(tf);
    const faceapi = requireFaceApi(require);
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof TfWasm;
    const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${wasmDir}${path.sep}`);
    if (threads > 1 && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error(`The face model could not start: tfjs WebAssembly backend failed to initialise from ${wasmDir}.`);
    await tf.ready();
    const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    try {
      await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
      await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
      await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
    } catch (error) {
      throw new Error(`The face model weights could not be read from ${modelDir}: ${(error as Error).message}`, { cause: error });
    }
    return { faceapi, tf };
  })();
  runtime.catch(() => {
    runtime = undefined; // a later call may retry (e.g. after the files were restored)
  });
  return runtime;
}

/** face-api's node-wasm build with its `@tensorflow/tfjs` import served by tfjs-core (see the note). */
function requireFaceApi(require: NodeJS.Require): FaceApiModule {
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = resolver._resolveFilename;
  const core = require.resolve('@tensorflow/tfjs-core');
  resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === '@tensorflow/tfjs' ? core : original.call(this, request, ...rest);
  };
  try {
    return require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  } finally {
    resolver._resolveFilename = original;
  }
}

type ChainedOp = (this: TfCore.Tensor, ...args: unknown[]) => TfCore.Tensor | TfCore.Tensor[];

/** The tensor methods face-api calls that tfjs-core's Node build does not register (the umbrella package's chained ops). */
function registerChainedOps(tf: TfModule): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, ChainedOp>;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => TfCore.Tensor | TfCore.Tensor[]>;
  const simple = [
    'abs', 'add', 'argMax', 'argMin', 'batchNorm', 'cast', 'clipByValue', 'conv2d', 'depthwiseConv2d', 'div', 'exp',
    'expandDims', 'floor', 'gather', 'greater', 'less', 'log', 'matMul', 'max', 'maxPool', 'mean', 'min', 'maximum',
    'minimum', 'mul', 'neg', 'pad', 'pow', 'relu', 'reshape', 'round', 'rsqrt', 'sigmoid', 'slice', 'softmax', 'split',
    'sqrt', 'square', 'squeeze', 'sub', 'sum', 'tile', 'transpose', 'unstack',
  ];
  for (const name of simple) {
    const op = ops[name];
    if (typeof op !== 'function') throw new Error(`tfjs-core has no op "${name}"`);
    proto[name] ??= function (...args) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
  }
  const reshape = (t: TfCore.Tensor, shape: number[]) => tf.reshape(t, shape);
  proto.flatten ??= function () { return reshape(this, [this.size]); };
  proto.as1D ??= function () { return reshape(this, [this.size]); };
  proto.as2D ??= function (...s) { return reshape(this, s as number[]); };
  proto.as3D ??= function (...s) { return reshape(this, s as number[]); };
  proto.as4D ??= function (...s) { return reshape(this, s as number[]); };
  proto.asScalar ??= function () { return reshape(this, []); };
  proto.toFloat ??= function () { return tf.cast(this, 'float32'); };
  proto.toInt ??= function () { return tf.cast(this, 'int32'); };
  proto.resizeBilinear ??= function (...args) {
    return tf.image.resizeBilinear(this as TfCore.Tensor3D, ...(args as [[number, number], boolean?, boolean?]));
  };
  proto.concat ??= function (x, axis) {
    return tf.concat(x instanceof tf.Tensor ? [this, x] : [this, ...(x as TfCore.Tensor[])], axis as number | undefined);
  };
  proto.stack ??= function (x, axis) {
    return tf.stack(x instanceof tf.Tensor ? [this, x] : [this, ...(x as TfCore.Tensor[])], axis as number | undefined);
  };
}

/** Creates the analyzer; the runtime and weights load on first use (about 0.5 s). */
export function createFaceAnalyzer(options: FaceAnalyzerOptions = {}): FaceAnalyzer {
  const minScore = options.minScore ?? DEFAULT_MIN_FACE_SCORE;
  if (!(minScore > 0 && minScore < 1)) throw new RangeError(`createFaceAnalyzer: minScore must be between 0 and 1, got ${minScore}.`);
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  let queue: Promise<unknown> = Promise.resolve();
  let backend = 'wasm';

  const run = async (image: FaceImage): Promise<DetectedFace[]> => {
    checkImage(image);
    const { faceapi, tf } = await loadRuntime(threads);
    backend = tf.getBackend();
    const input = await downscale(image);
    const tensor = tf.tensor3d(input.data, [input.height, input.width, 3], 'int32');
    try {
      const results = await faceapi
        .detectAllFaces(tensor as unknown as FaceApi.TNetInput, new faceapi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults: 100 }))
        .withFaceLandmarks()
        .withFaceDescriptors();
      return results
        .map((result): DetectedFace => {
          const { box, score } = result.detection;
          return {
            box: fractionBox(box, input.width, input.height),
            score,
            descriptor: Float32Array.from(result.descriptor),
          };
        })
        .filter((face) => face.box.width > 0 && face.box.height > 0)
        .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
    } finally {
      tensor.dispose();
    }
  };

  return {
    detect(image) {
      const next = queue.then(() => run(image));
      queue = next.catch(() => undefined);
      return next;
    },
    get backend() {
      return backend;
    },
  };
}

function checkImage(image: FaceImage): void {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`Face detection needs a positive whole-pixel size, got ${width} × ${height}.`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`Face detection needs ${width} × ${height} × 3 RGB bytes, got ${data.length}.`);
  }
}

/** Downscales to MAX_FACE_INPUT_SIDE on the longest side (boxes are fractions, so they need no rescaling). */
async function downscale(image: FaceImage): Promise<FaceImage> {
  const longest = Math.max(image.width, image.height);
  if (longest <= MAX_FACE_INPUT_SIDE) return image;
  const scale = MAX_FACE_INPUT_SIDE / longest;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function fractionBox(box: { x: number; y: number; width: number; height: number }, width: number, height: number): FaceBox {
  const left = clamp01(box.x / width);
  const top = clamp01(box.y / height);
  const right = clamp01((box.x + box.width) / width);
  const bottom = clamp01((box.y + box.height) / height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
