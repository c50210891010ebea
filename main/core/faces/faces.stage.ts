// The faces stage of the index pass: the model process finds the faces on the photo it already decoded (analyzer "faces"); this stores them, groups them into people and names people from the photos' XMP face regions.
import type { StageReadiness, AnalysisStage } from '../stages/stage-pipeline.ts';
import { FACE_MODEL_ID, type DetectedFace } from './face-model.ts';
import type { PeopleService } from './people.service.ts';
import { namesForFaces, readPhotoFaceRegions, type DisplayedImage } from './xmp-face-regions.ts';

export class FacesStage implements AnalysisStage {
  readonly name = 'faces' as const;

  constructor(
    private readonly people: PeopleService,
    /** Whether face grouping is on (the library's privacy switch): off, the stage never runs. */
    private readonly enabled: () => boolean,
    /** The displayed size and orientation of a library photo, to place its XMP face regions. */
    private readonly imageOf: (photoPath: string) => Promise<DisplayedImage | null>,
  ) {}

  readiness(): Promise<StageReadiness> {
    // The weights ship inside the face-api package: nothing to install, only the switch.
    if (!this.enabled()) return Promise.resolve({ ready: false, reason: 'Face grouping is off (photobind people on).', off: true, wait: { kind: 'switched-off', setting: 'faces' } });
    return Promise.resolve({ ready: true, spec: { id: FACE_MODEL_ID }, modelKey: FACE_MODEL_ID });
  }

  async save(outputs: Array<{ contentHash: string; paths: string[]; value: unknown; modelKey: string }>): Promise<void> {
    const items = [];
    for (const output of outputs) {
      const faces = output.value as DetectedFace[];
      let xmpNames: Array<string | null> = faces.map(() => null);
      const photoPath = output.paths[0];
      const image = faces.length && photoPath ? await this.imageOf(photoPath).catch(() => null) : null;
      if (image && photoPath) {
        const regions = await readPhotoFaceRegions(photoPath, image);
        if (regions) xmpNames = namesForFaces(faces.map((f) => f.box), regions.regions);
      }
      items.push({ contentHash: output.contentHash, faces, xmpNames });
    }
    await this.people.addDetected(items);
  }
}
