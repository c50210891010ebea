// How the app plays a library video (straight from the file, or from an H.264 preview transcoded on demand),
// a live photo's motion, and the frame at a moment (for captions and questions). See [Note: playing videos].
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Photo } from '../../../common/photo.types.ts';
import { isVideoFormat } from './video-format.ts';
import { extractFrame } from './video-frame.ts';
import { touchCached, trimCacheFolder, videoCacheBudget, type CacheBudget } from './video-cache-budget.ts';
import { extractEmbeddedMotion, motionOf } from './motion-photo.ts';
import { probeVideo } from './video-probe.ts';
import { videoToolPath } from './video-tools.ts';

// [Note: playing videos]
// The app plays what Chromium (the browser in web mode, and Electron) decodes itself straight from the
// library file, streamed with byte ranges through the media routes (`/video/<hash>`): MP4/MOV/M4V/WebM with
// H.264, VP8, VP9 or AV1 video and AAC, MP3, Opus, Vorbis or FLAC sound (or none). Anything else (HEVC from
// iPhones, which Chromium decodes only with some GPUs, AVI, MKV, MPEG-4 part 2, ...) plays from a preview:
// the video transcoded on demand by the bundled ffmpeg to H.264/AAC MP4 (at most 1280 px wide, faststart),
// written to `cache/previews/<hash>.mp4` in the library folder and served as `/preview/<hash>`. The app asks
// for it, shows its progress and says that it plays a preview; in Electron the original can also open in the
// system's player. One transcode runs at a time (the machine's cores are shared with indexing); a second
// request for the same video joins the running one. A live photo's motion (`/motion/<hash>`,
// [Note: live and motion photos]) is short, so it is made playable the same way but waited for.

/** Containers, video codecs and audio codecs (ffprobe names) Chromium plays itself. */
const PLAYABLE_CONTAINERS = new Set(['mp4', 'm4v', 'mov', 'webm']);
const PLAYABLE_VIDEO = new Set(['h264', 'vp8', 'vp9', 'av1']);
const PLAYABLE_AUDIO = new Set(['aac', 'mp3', 'opus', 'vorbis', 'flac']);

/** Whether Chromium plays a file of this container and codecs itself (else a preview is transcoded). */
export function browserPlays(container: string, videoCodec: string, audioCodecs: readonly string[]): boolean {
  return PLAYABLE_CONTAINERS.has(container) && PLAYABLE_VIDEO.has(videoCodec) && audioCodecs.every((codec) => PLAYABLE_AUDIO.has(codec));
}

export type PreviewState = 'none' | 'working' | 'ready' | 'failed';

export interface VideoPlayback {
  /** `direct`: the file itself plays (`/video/<hash>`); `preview`: it plays from the transcoded preview (`/preview/<hash>`). */
  mode: 'direct' | 'preview';
  duration: number | null;
  videoCodec: string;
  /** Why a preview is needed, for the note the app shows (null when the file plays itself). */
  note: string | null;
  preview: { state: PreviewState; progress: number; message: string | null };
}

/** What the service needs of the library: the items with a content, and a video's stored facts. */
export interface PlaybackLibrary {
  photosWithContent(contentHash: string): Promise<Photo[]>;
  videoFacts(contentHash: string): Promise<{ videoCodec: string; audioCodecs: string[]; duration: number | null } | null>;
}

/** A request the service cannot serve: the item is not a library video or still, or its file is gone. */
export class PlaybackError extends Error {
  override readonly name = 'PlaybackError';
}

interface PreviewJob {
  state: PreviewState;
  progress: number;
  message: string | null;
  done: Promise<void>;
}

export class VideoPlaybackService {
  private readonly jobs = new Map<string, PreviewJob>();
  /** Transcodes run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** The library's cache folder (previews, moment frames, motion clips). */
    private readonly cacheDir: string,
    private readonly library: PlaybackLibrary,
    /** Bytes per cache folder: see [Note: video cache budget]. */
    private readonly budget: CacheBudget = videoCacheBudget(),
  ) {}

  /** The library video with this content whose file is there, or a PlaybackError. */
  private async video(contentHash: string): Promise<Photo> {
    const items = await this.library.photosWithContent(contentHash);
    for (const item of items) if (isVideoFormat(item.format) && (await isFile(item.path))) return item;
    throw new PlaybackError(items.length ? `The file of ${items[0]!.path} is missing; plug in its drive or index its folder again.` : 'That video is not in this library.');
  }

  previewFile(contentHash: string): string {
    return path.join(this.cacheDir, 'previews', `${contentHash}.mp4`);
  }

  /** How the video with this content plays, with its preview's state. */
  async playback(contentHash: string): Promise<VideoPlayback> {
    const video = await this.video(contentHash);
    const facts = (await this.library.videoFacts(contentHash)) ?? (await probeVideo(video.path));
    const direct = browserPlays(video.format, facts.videoCodec, facts.audioCodecs);
    const preview = await this.previewState(contentHash);
    return {
      mode: direct ? 'direct' : 'preview',
      duration: facts.duration,
      videoCodec: facts.videoCodec,
      note: direct ? null : `This ${video.format.toUpperCase()} video (${[facts.videoCodec, ...facts.audioCodecs].join(', ')}) does not play in this window, so Photobind plays a preview converted to H.264; the original file is unchanged.`,
      preview,
    };
  }

  private async previewState(contentHash: string): Promise<VideoPlayback['preview']> {
    const job = this.jobs.get(contentHash);
    if (job) return { state: job.state, progress: job.progress, message: job.message };
    if (!(await isFile(this.previewFile(contentHash)))) return { state: 'none', progress: 0, message: null };
    void touchCached(this.previewFile(contentHash)); // asked for now: the last to go (see [Note: video cache budget])
    return { state: 'ready', progress: 1, message: null };
  }

  /** Starts the preview of a video (or joins the running one); returns at once with its state. */
  async preparePreview(contentHash: string): Promise<VideoPlayback['preview']> {
    const state = await this.previewState(contentHash);
    if (state.state === 'ready' || state.state === 'working') return state;
    const video = await this.video(contentHash);
    const facts = (await this.library.videoFacts(contentHash)) ?? (await probeVideo(video.path));
    const job: PreviewJob = { state: 'working', progress: 0, message: null, done: Promise.resolve() };
    const done: Promise<void> = this.queue.then(() =>
      transcodePreview(video.path, this.previewFile(contentHash), facts.duration, (p) => (job.progress = p)).then(
        async () => {
          job.state = 'ready';
          job.progress = 1;
          this.jobs.delete(contentHash);
          await this.trim('previews', this.previewFile(contentHash));
        },
        (error: unknown) => {
          job.state = 'failed';
          job.message = `The preview of ${video.path} could not be made: ${(error as Error).message}`;
        },
      ),
    );
    job.done = done;
    this.queue = done;
    this.jobs.set(contentHash, job);
    return { state: job.state, progress: job.progress, message: job.message };
  }

  /** Waits for the preview of a video (tests, the CLI); throws when it failed. */
  async previewReady(contentHash: string): Promise<string> {
    await this.preparePreview(contentHash);
    await this.jobs.get(contentHash)?.done;
    const state = await this.previewState(contentHash);
    if (state.state !== 'ready') throw new PlaybackError(state.message ?? 'The preview could not be made.');
    return this.previewFile(contentHash);
  }

  /**
   * The still with this content's motion (a live photo's paired video or a motion photo's embedded MP4), as a
   * file Chromium plays (transcoded when it does not), or null for a still without motion.
   */
  async motion(contentHash: string): Promise<{ kind: 'paired' | 'embedded'; file: string } | null> {
    const items = await this.library.photosWithContent(contentHash);
    for (const item of items) {
      if (isVideoFormat(item.format)) continue;
      const source = await motionOf(item.path).catch(() => null);
      if (!source) continue;
      const ready = path.join(this.cacheDir, 'motion', `${contentHash}.mp4`);
      if (await isFile(ready)) {
        void touchCached(ready);
        return { kind: source.kind, file: ready };
      }
      const clip = source.kind === 'embedded' ? await extractEmbeddedMotion(source.file, source.motion, path.join(this.cacheDir, 'motion', `${contentHash}.source.mp4`)) : source.file;
      const info = await probeVideo(clip);
      if (browserPlays(path.extname(clip).slice(1).toLowerCase(), info.videoCodec, info.audioCodecs)) {
        if (clip !== source.file) await this.trim('motion', clip);
        return { kind: source.kind, file: clip };
      }
      const done = this.queue.then(() => transcodePreview(clip, ready, info.duration, () => undefined));
      this.queue = done.catch(() => undefined);
      await done;
      await this.trim('motion', ready);
      return { kind: source.kind, file: ready };
    }
    return null;
  }

  /** The frame of a library video at `time` seconds as a PNG in the cache (made once per moment). */
  async frameAt(videoPath: string, contentHash: string, time: number): Promise<string> {
    const facts = await this.library.videoFacts(contentHash);
    const key = createHash('sha256').update(`${contentHash}@${time.toFixed(3)}`).digest('hex').slice(0, 32);
    const file = path.join(this.cacheDir, 'frames', `${key}.png`);
    if (await isFile(file)) {
      void touchCached(file);
      return file;
    }
    const made = await extractFrame(videoPath, time, file, facts?.duration ?? null);
    await this.trim('frames', made);
    return made;
  }

  /** Keeps one cache folder within its budget after `added` joined it (never removing `added`). */
  private async trim(folder: keyof CacheBudget, added: string): Promise<void> {
    await trimCacheFolder(path.join(this.cacheDir, folder), this.budget[folder], new Set([added]));
  }
}

/**
 * Transcodes `input` to an H.264/AAC MP4 at `output` (at most 1280 px wide, faststart, written to a partial
 * file and renamed), reporting progress 0..1 from ffmpeg's `-progress` output against `duration`.
 */
export function transcodePreview(input: string, output: string, duration: number | null, onProgress: (fraction: number) => void): Promise<void> {
  return fs.mkdir(path.dirname(output), { recursive: true }).then(
    () =>
      new Promise<void>((resolve, reject) => {
        const partial = `${output}.${process.pid}.partial.mp4`;
        const child = spawn(videoToolPath('ffmpeg'), [
          '-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats', '-y',
          '-i', input,
          '-map', '0:v:0', '-map', '0:a:0?',
          '-vf', "scale='trunc(min(1280,iw)/2)*2':-2",
          '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p',
          '-c:a', 'aac', '-b:a', '128k',
          '-movflags', '+faststart',
          '-progress', 'pipe:1',
          partial,
        ], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
        child.stdout.on('data', (chunk: Buffer) => {
          const microseconds = /out_time_(?:us|ms)=(\d+)\s*$/m.exec(chunk.toString())?.[1];
          if (microseconds && duration) onProgress(Math.min(0.99, Number(microseconds) / 1e6 / duration));
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code === 0) {
            fs.rename(partial, output).then(() => resolve(), reject);
            return;
          }
          void fs.rm(partial, { force: true });
          reject(new Error(stderr.trim().split('\n').pop() || `ffmpeg exited with ${code}`));
        });
      }),
  );
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}
