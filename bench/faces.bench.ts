// Face engine speed and quality on the shared real-face photos: faces found, groups right or mixed, CPU time per photo. Also runs alone: node bin/run-ts.js bench/faces.bench.ts
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIN_FACE_SCORE, MAX_FACE_INPUT_SIDE } from '../main/core/faces/face-detector.inference.ts';
import { evaluateFaces } from '../main/core/faces/face-evaluation.ts';
import { FACES_SKIP_NOTE } from '../main/core/faces/face-test-set.ts';
import { percentile, printTable } from './bench-table.ts';

/** Prints the faces tables; says why when the shared test photos are absent. */
export async function benchFaces(threads: number): Promise<void> {
  const result = await evaluateFaces({ threads });
  if (!result) {
    console.log(`\nFaces: ${FACES_SKIP_NOTE}`);
    return;
  }
  const ms = (v: number) => String(Math.round(v));
  printTable(
    `Faces: time per photo (face-api SSD MobileNet v1 + 68 landmarks + 128-d descriptors, tfjs wasm, one thread; input ≤ ${MAX_FACE_INPUT_SIDE} px; threshold ${DEFAULT_MIN_FACE_SCORE})`,
    ['photo', 'decoded pixels', 'faces (expected)', 'decode ms', 'detect CPU ms', 'detect wall ms'],
    result.timings.map((t) => [t.file, `${t.width}×${t.height}`, `${t.faces} (${t.expected ?? '?'})`, ms(t.decodeMs), ms(t.detectCpuMs), ms(t.detectWallMs)]),
  );
  const cpu = result.timings.map((t) => t.detectCpuMs).sort((a, b) => a - b);
  const withFaces = result.timings.filter((t) => t.faces > 0).map((t) => t.detectCpuMs).sort((a, b) => a - b);
  printTable('Faces: CPU time per photo (ms)', ['photos', 'p50', 'p95', 'p50 with faces', 'mean'], [
    [String(cpu.length), ms(percentile(cpu, 50)), ms(percentile(cpu, 95)), ms(percentile(withFaces, 50)), ms(cpu.reduce((a, b) => a + b, 0) / cpu.length)],
  ]);
  printTable('Faces: grouping of the labelled faces', ['pass', 'people in one group', 'groups', 'mixed groups'], [
    ['incremental', `${result.incremental.peopleInOneGroup}/${result.incremental.people}`, String(result.incremental.groups), String(result.incremental.mixedGroups)],
    ['full re-grouping', `${result.regrouped.peopleInOneGroup}/${result.regrouped.people}`, String(result.regrouped.groups), String(result.regrouped.mixedGroups)],
  ]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchFaces(1);
