// A decode thread of the model process: reads, hashes, decodes a photo and writes its thumbnail, off the thread that runs the model.
// See [Note: indexing at the model's pace] in index-pipeline.ts: onnxruntime-node runs inference
// synchronously on the thread that calls it, so decoding on that thread would stop while the model runs.
import { parentPort } from 'node:worker_threads';
import { fingerprintBytes } from '../indexer/content-fingerprint.ts';
import { isDiskFull } from '../library/disk-full.ts';
import { thumbnailPath } from '../library/thumbnail-path.ts';
import { decodePhoto } from '../media/photo-decoder.ts';
import { toPhotoProblem } from '../media/photo-problem.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import type { DecodeJob, DecodeJobResult } from './decode-pool.ts';

async function run(job: DecodeJob): Promise<DecodeJobResult> {
  const started = performance.now();
  let contentHash = job.contentHash;
  let hashMs = 0;
  let photo;
  try {
    photo = await decodePhoto(job.path, job.options, contentHash ? undefined : (bytes) => {
      const hashing = performance.now();
      contentHash = fingerprintBytes(bytes);
      hashMs = performance.now() - hashing;
    });
  } catch (error) {
    const problem = toPhotoProblem(error, job.path);
    return { id: job.id, status: 'problem', kind: problem.kind, message: problem.message, transient: problem.transient, decodeMs: performance.now() - started, hashMs };
  }
  if (photo.status === 'unsupported') return { id: job.id, status: 'problem', kind: photo.problem.kind, message: photo.problem.message, transient: photo.problem.transient, decodeMs: performance.now() - started, hashMs };
  const decodeMs = performance.now() - started;
  // A cache: no fsync (a thumbnail lost in a power cut is simply made again).
  const writing = performance.now();
  try {
    await writeFileAtomic(thumbnailPath(job.thumbnailsDir, contentHash!), photo.thumbnailJpeg, { sync: false });
  } catch (error) {
    if (isDiskFull(error)) return { id: job.id, status: 'disk-full' };
    const problem = toPhotoProblem(error, job.path);
    return { id: job.id, status: 'problem', kind: problem.kind, message: problem.message, transient: problem.transient, decodeMs, hashMs };
  }
  return {
    id: job.id,
    status: 'decoded',
    contentHash: contentHash!,
    format: photo.format,
    width: photo.width,
    height: photo.height,
    metadata: photo.metadata,
    modelPixels: photo.modelPixels,
    ...(photo.analysisPixels ? { analysisPixels: photo.analysisPixels } : {}),
    decodeMs,
    hashMs,
    thumbnailMs: performance.now() - writing,
  };
}

parentPort?.on('message', (job: DecodeJob) => {
  void run(job).then((result) => parentPort!.postMessage(result));
});
