// The text analyzer of the model process: reads the text in a photo already decoded for the other stages.
// It gets the upright pixels of the one decode (longest side MAX_TEXT_IMAGE_SIDE, see [Note: one read,
// one decode per photo]) and returns TextLine[] (checked again on the core side with parseTextLines).
import type { TextLine } from './text-line.ts';
import { createTextReader, MAX_TEXT_IMAGE_SIDE } from './text-reader.inference.ts';

/** Which text model to load: the bundled one, or an imported PaddleOCR-format folder ([Note: text model folders]). */
export interface TextAnalyzerSpec {
  id: string;
  folder?: string;
}

export interface TextAnalyzer {
  readonly longestSide: number;
  analyze(image: { data: Uint8Array; width: number; height: number }): Promise<TextLine[]>;
}

export async function createTextAnalyzer(spec: TextAnalyzerSpec, environment: { threads: number }): Promise<TextAnalyzer> {
  const reader = await createTextReader({ ...(spec.folder ? { modelDir: spec.folder } : {}), threads: environment.threads });
  return { longestSide: MAX_TEXT_IMAGE_SIDE, analyze: (image) => reader.read(image) };
}
