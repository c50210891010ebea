// The analyzers the model process runs on a photo it has already decoded (text in photos, faces, ...).
// [Note: analysis stages]
// Embedding is one stage of a photo's pipeline; text and faces are others. Each analyzer is a plug-in
// here: the worker decodes the photo once, at the largest `longestSide` any requested analyzer needs, and
// hands every analyzer the same upright RGB pixels (see [Note: one read, one decode per photo]). What an
// analyzer returns crosses to the core with Node's advanced serialisation (plain objects, typed arrays),
// where the stage of the same name stores it (main/core/stages/). An analyzer that throws fails that
// stage for that photo only; the photo's other stages are unaffected.
import type { AnalysisName, AnalyzerSpec } from './model-process.protocol.ts';

/** Upright (EXIF-oriented) interleaved 8-bit sRGB pixels of the displayed photo, downscaled. */
export interface AnalysisImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface PhotoAnalyzer {
  /** The longest side the analyzer wants its input at; the worker decodes to the largest of these. */
  readonly longestSide: number;
  analyze(image: AnalysisImage): Promise<unknown>;
}

export interface AnalyzerEnvironment {
  threads: number;
}

export type AnalyzerFactory = (spec: AnalyzerSpec, environment: AnalyzerEnvironment) => Promise<PhotoAnalyzer>;

/**
 * Factories by analysis name. Each is imported lazily, so a model process that runs no analysis never
 * loads its runtime (onnxruntime sessions, tfjs).
 */
export const ANALYZER_FACTORIES: Partial<Record<AnalysisName, () => Promise<AnalyzerFactory>>> = {
  text: async () => (await import('../text/text-analyzer.ts')).createTextAnalyzer,
  // face-api on tfjs wasm (see [Note: face-api on tfjs-core + wasm in Node]); its weights ship in the package.
  faces: async () => {
    const { createFaceAnalyzer, MAX_FACE_INPUT_SIDE } = await import('../faces/face-detector.inference.ts');
    return (_spec, environment) => {
      const analyzer = createFaceAnalyzer({ threads: environment.threads });
      return Promise.resolve({ longestSide: MAX_FACE_INPUT_SIDE, analyze: (image) => analyzer.detect(image) });
    };
  },
};
