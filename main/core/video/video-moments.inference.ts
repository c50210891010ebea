// Model-process task: a video's facts, poster thumbnail and moments (sampled frames embedded with the search model).
import type { ProblemKind } from '../../../common/photo.types.ts';
import { toPhotoProblem } from '../media/photo-problem.ts';
import type { RawImageLike } from '../models/inference/model-folder.ts';
import { posterFrame, sampleFrames } from './frame-sampler.ts';
import { probeVideo, type VideoInfo } from './video-probe.ts';

export interface VideoMoment {
  /** Seconds from the start of the video. */
  time: number;
  vector: Float32Array;
}

export type VideoMomentsResult =
  | { path: string; ok: true; info: VideoInfo; posterWidth: number; posterHeight: number; moments: VideoMoment[] }
  | { path: string; ok: false; kind: ProblemKind; reason: string; permanent: boolean };

export interface VideoMomentsOptions {
  /** The search model's image side (frames are decoded to it). */
  side: number;
  embedImages(images: readonly RawImageLike[]): Promise<Float32Array[]>;
  writePoster(jpeg: Buffer): Promise<void>;
  /** A moment at least this often, in seconds (default 2). */
  maxInterval?: number;
  /** Longest side of the poster thumbnail (default 512, as photos). */
  posterSide?: number;
  signal?: AbortSignal;
}

/** Frames embedded per model run: as many as the model batches, few enough to keep memory flat. */
const BATCH = 16;

/**
 * Probes the video, writes its poster thumbnail and embeds its sampled frames in batches as they
 * stream out of ffmpeg (see [Note: sampling a video's moments]). Any problem (a cut-off or damaged
 * file, an unknown codec) comes back as a failed result naming the file and the reason; no moments
 * are returned for a video that fails part-way, so it is stored whole or not at all.
 */
export async function videoMoments(filePath: string, options: VideoMomentsOptions): Promise<VideoMomentsResult> {
  try {
    const info = await probeVideo(filePath);
    const poster = await posterFrame(filePath, { info, side: options.posterSide ?? 512 });
    await options.writePoster(poster.jpeg);
    const moments: VideoMoment[] = [];
    let batch: Array<{ time: number; pixels: RawImageLike }> = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const vectors = await options.embedImages(batch.map((f) => f.pixels));
      batch.forEach((f, i) => moments.push({ time: f.time, vector: vectors[i]! }));
      batch = [];
    };
    const sampling = { side: options.side, info, ...(options.maxInterval ? { maxInterval: options.maxInterval } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    for await (const frame of sampleFrames(filePath, sampling)) {
      batch.push(frame);
      if (batch.length === BATCH) await flush();
    }
    await flush();
    return { path: filePath, ok: true, info, posterWidth: poster.width, posterHeight: poster.height, moments };
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    const problem = toPhotoProblem(error, filePath);
    return { path: filePath, ok: false, kind: problem.kind, reason: problem.message, permanent: !problem.transient };
  }
}
