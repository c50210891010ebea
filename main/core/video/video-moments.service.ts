// Videos' moments for the library: runs the model-process task, stores facts and moments, says what a video item holds.
import type { Gps, ProblemKind } from '../../../common/photo.types.ts';
import type { IndexItem } from '../model-process/model-process.protocol.ts';
import type { MomentsRepository } from '../storage/moments.repository.ts';
import { videoFormatOf } from './video-format.ts';
import type { VideoMomentsResult } from './video-moments.inference.ts';
import { meanDirection } from '../shared/vector-math.ts';

/** The part of the model process this service uses. */
export interface VideoMomentsRunner {
  videoMoments(item: IndexItem): Promise<VideoMomentsResult>;
}

/** What a video's library item (its row beside the photos) holds once its moments are stored. */
export interface VideoItemFacts {
  path: string;
  ok: true;
  format: string;
  width: number;
  height: number;
  takenAt: string | null;
  gps: Gps | null;
  /** The mean of the moments' vectors, unit length: the whole video in one vector (the row's vector). */
  vector: Float32Array;
  moments: number;
  duration: number | null;
}

export type VideoItemResult = VideoItemFacts | { path: string; ok: false; kind: ProblemKind; reason: string; permanent: boolean };

export class VideoMomentsService {
  constructor(
    private readonly moments: MomentsRepository,
    private readonly runner: () => Promise<VideoMomentsRunner>,
    /** The search model whose vectors the library holds. */
    private readonly activeModel: () => string,
  ) {}

  /** Whether the video content still needs its moments for the active search model (a kill before its commit leaves none). */
  async needsMoments(contentHash: string): Promise<boolean> {
    return !(await this.moments.hasMoments(contentHash, this.activeModel()));
  }

  /**
   * Samples and embeds one video in the model process, then stores its facts and, in one commit, its
   * moments (see [Note: video moments storage]). A failing video stores nothing and comes back as a
   * problem naming the file and the reason.
   */
  async process(item: IndexItem): Promise<VideoItemResult> {
    const modelId = this.activeModel();
    const result = await (await this.runner()).videoMoments(item);
    if (!result.ok) return result;
    const { info } = result;
    await this.moments.recordFacts({ contentHash: item.contentHash, duration: info.duration, videoCodec: info.videoCodec, audioCodecs: info.audioCodecs, frameRate: info.frameRate });
    await this.moments.replaceMoments(item.contentHash, modelId, result.moments);
    return {
      path: item.path,
      ok: true,
      format: videoFormatOf(item.path),
      width: info.width,
      height: info.height,
      takenAt: info.createdAt,
      gps: info.gps,
      vector: meanDirection(result.moments.map((m) => m.vector)),
      moments: result.moments.length,
      duration: info.duration,
    };
  }

  /** `duration` and the number of `moments` (for the active model) of a video content, or null if it was never sampled. */
  async describe(contentHash: string): Promise<{ duration: number | null; moments: number; videoCodec: string; audioCodecs: string[]; frameRate: number | null } | null> {
    const facts = await this.moments.facts(contentHash);
    if (!facts) return null;
    return { duration: facts.duration, moments: await this.moments.countMoments(contentHash, this.activeModel()), videoCodec: facts.videoCodec, audioCodecs: facts.audioCodecs, frameRate: facts.frameRate };
  }

  /** Forgets videos no longer in the library. */
  forget(contentHashes: readonly string[]): Promise<void> {
    return this.moments.deleteVideos(contentHashes);
  }
}
