// Measures the face engine on the labelled real photos: faces found per detection threshold, false faces, grouping quality, distances and CPU time (for `npm run models:quality` and `npm run bench`).
import path from 'node:path';
import { createFaceAnalyzer, type DetectedFace } from './face-detector.inference.ts';
import { decodeForFaces, labelFaces, labelledFacePhotos, photosWithoutFaces, scoreGrouping, type GroupingScore } from './face-test-set.ts';
import { faceDistance, PeopleGrouping } from './people-grouping.ts';

export interface PhotoTiming {
  file: string;
  width: number;
  height: number;
  faces: number;
  expected: number | null;
  decodeMs: number;
  /** CPU time (user + system, this process) of detect + landmarks + descriptors. */
  detectCpuMs: number;
  detectWallMs: number;
}

export interface ThresholdRow {
  threshold: number;
  /** Labelled photos where exactly the expected number of faces was found. */
  photosRight: number;
  photos: number;
  /** Detections in photos without faces. */
  falseFaces: number;
}

export interface FaceEvaluation {
  timings: PhotoTiming[];
  thresholds: ThresholdRow[];
  incremental: GroupingScore;
  regrouped: GroupingScore;
  /** Largest descriptor distance between two faces of one person, smallest between two people. */
  samePersonMax: number;
  differentPeopleMin: number;
  /** Highest detection score among the photos without faces (at the lowest threshold measured). */
  bestFalseScore: number;
}

const SWEEP = [0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Runs the evaluation; undefined when neither test set is present. */
export async function evaluateFaces(options: { threads?: number } = {}): Promise<FaceEvaluation | undefined> {
  const labelled = labelledFacePhotos();
  const empty = photosWithoutFaces();
  if (!labelled.length && !empty.length) return undefined;
  const sweep = createFaceAnalyzer({ threads: options.threads, minScore: Math.min(...SWEEP) });
  const analyzer = createFaceAnalyzer({ threads: options.threads });
  await analyzer.detect({ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64 }); // load the weights outside the timings

  const timings: PhotoTiming[] = [];
  const lowScoreFaces = new Map<string, DetectedFace[]>();
  const defaultFaces = new Map<string, DetectedFace[]>();
  for (const file of [...labelled.map((p) => p.file), ...empty]) {
    let start = performance.now();
    const photo = await decodeForFaces(file);
    const decodeMs = performance.now() - start;
    lowScoreFaces.set(file, await sweep.detect(photo.modelPixels));
    start = performance.now();
    const cpu = process.cpuUsage();
    const faces = await analyzer.detect(photo.modelPixels);
    timings.push({
      file: path.basename(file),
      width: photo.modelPixels.width,
      height: photo.modelPixels.height,
      faces: faces.length,
      expected: labelled.find((p) => p.file === file)?.people.length ?? 0,
      decodeMs,
      detectCpuMs: cpuMs(cpu),
      detectWallMs: performance.now() - start,
    });
    defaultFaces.set(file, faces);
  }

  const thresholds = SWEEP.map((threshold): ThresholdRow => ({
    threshold,
    photosRight: labelled.filter((p) => lowScoreFaces.get(p.file)!.filter((f) => f.score >= threshold).length === p.people.length).length,
    photos: labelled.length,
    falseFaces: empty.reduce((sum, file) => sum + lowScoreFaces.get(file)!.filter((f) => f.score >= threshold).length, 0),
  }));
  const bestFalseScore = Math.max(0, ...empty.flatMap((file) => lowScoreFaces.get(file)!.map((f) => f.score)));

  const grouping = new PeopleGrouping();
  const labels = new Map<string, string>();
  const descriptors: Array<{ who: string; descriptor: Float32Array }> = [];
  for (const photo of labelled) {
    const faces = defaultFaces.get(photo.file)!;
    const named = labelFaces(photo, faces);
    faces.forEach((face, i) => {
      const id = `${path.basename(photo.file)}:${i}`;
      // A photo where the count is off still takes part; its faces are just not labelled.
      const who = named?.find((n) => n.face === face)?.who;
      if (who) {
        labels.set(id, who);
        descriptors.push({ who, descriptor: face.descriptor });
      }
      grouping.addFaces([{ id, descriptor: face.descriptor }]);
    });
  }
  const incremental = scoreGrouping(grouping, labels);
  grouping.regroup();
  const regrouped = scoreGrouping(grouping, labels);

  let samePersonMax = 0;
  let differentPeopleMin = Infinity;
  for (let i = 0; i < descriptors.length; i++) {
    for (let j = i + 1; j < descriptors.length; j++) {
      const d = faceDistance(descriptors[i]!.descriptor, descriptors[j]!.descriptor);
      if (descriptors[i]!.who === descriptors[j]!.who) samePersonMax = Math.max(samePersonMax, d);
      else differentPeopleMin = Math.min(differentPeopleMin, d);
    }
  }
  return { timings, thresholds, incremental, regrouped, samePersonMax, differentPeopleMin, bestFalseScore };
}
