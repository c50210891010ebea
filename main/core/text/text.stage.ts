// The text stage of the pipeline: the model process reads each photo's text; this stores it by content hash.
// See [Note: the stage pipeline] and [Note: reading text in photos]. The bundled PP-OCRv4 model ships with
// Photobind (npm), so the stage is ready wherever its files are; its key carries the package version, so
// a newer model re-reads the photos.
import { existsSync } from 'node:fs';
import type { StageReadiness, AnalysisStage } from '../stages/stage-pipeline.ts';
import type { TextLinesRepository } from '../storage/text-lines.repository.ts';
import { parseTextLines } from './text-line.ts';
import { bundledTextModelDir, bundledTextModelRevision, findTextModelFiles } from './text-model-folder.ts';

/** The catalog id of the bundled text model (main/core/models/model-catalog.ts). */
export const TEXT_MODEL_ID = 'paddleocr/pp-ocrv4-ch';

export class TextStage implements AnalysisStage {
  readonly name = 'text' as const;

  /** `repository`: the text table, opened when first needed. */
  constructor(private readonly repository: () => Promise<TextLinesRepository>) {}

  readiness(): Promise<StageReadiness> {
    try {
      const folder = bundledTextModelDir();
      if (!existsSync(folder)) throw new Error(`${folder} is missing`);
      findTextModelFiles(folder);
      return Promise.resolve({ ready: true, spec: { id: TEXT_MODEL_ID }, modelKey: `${TEXT_MODEL_ID}@${bundledTextModelRevision()}` });
    } catch (error) {
      return Promise.resolve({
        ready: false,
        off: false,
        wait: { kind: 'reinstall' },
        reason: `The text model that ships with Photobind is missing (${(error as Error).message}); reinstall Photobind (npm install) to read text in photos.`,
      });
    }
  }

  async save(outputs: Array<{ contentHash: string; paths: string[]; value: unknown; modelKey: string }>): Promise<void> {
    const readings = outputs.map((output) => ({ contentHash: output.contentHash, lines: parseTextLines(output.value), modelId: output.modelKey }));
    await (await this.repository()).upsert(readings);
  }
}
