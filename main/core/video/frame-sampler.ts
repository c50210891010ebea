// Streams a video's frames at scene changes (and at least every few seconds) as small RGB images with their times; poster frames.
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import type { RawImageLike } from '../models/inference/model-folder.ts';
import { probeFailure, probeVideo, type VideoInfo } from './video-probe.ts';
import { videoProblem } from './video-problem.ts';
import { videoToolPath } from './video-tools.ts';

// [Note: sampling a video's moments]
// One ffmpeg process decodes the video once and hands over only the frames worth embedding:
//   scale (to the model's side, before anything else, so scene scoring is cheap)
//   → select: the first frame, every frame whose scene score (the change from the previous frame,
//     0..1) exceeds `sceneThreshold` provided `minInterval` has passed, and any frame `maxInterval`
//     after the last one chosen (so a moment is never further than that from a sample)
//   → showinfo (logs each chosen frame's pts_time on stderr) → raw RGB on stdout.
// Frames are read off the pipe one at a time and paired, in order, with the times from stderr. The
// generator only pulls the next frame when its consumer asks, so ffmpeg blocks on a full pipe
// instead of filling memory: memory stays flat whatever the video's length. Leaving the loop early
// (or aborting) kills ffmpeg. A file that turns out cut off mid-way ("partial file") ends the stream
// with a `truncated` problem after its readable frames, so a caller stores all of a video or none.

/** The longest gap between two sampled moments unless a caller says otherwise, in seconds. */
export const DEFAULT_MAX_INTERVAL = 2;

export interface SampledFrame {
  /** Seconds from the start of the video. */
  time: number;
  /** 0, 1, 2, ... in order of time. */
  index: number;
  pixels: RawImageLike & { data: Buffer; channels: 3 };
}

export interface SampleFramesOptions {
  /** Shortest side of the frames handed over (the model's input side); smaller videos keep their size. */
  side: number;
  /** A frame at least this often, in seconds (default 2). */
  maxInterval?: number;
  /** Scene changes closer than this to the previous chosen frame are skipped, in seconds (default 0.5). */
  minInterval?: number;
  /** Scene-change score (0..1) above which a frame starts a new scene (default 0.3). */
  sceneThreshold?: number;
  /** Decoder threads for ffmpeg (default: ffmpeg's choice). */
  threads?: number;
  /** The probe's answer, when the caller already has it. */
  info?: VideoInfo;
  signal?: AbortSignal;
  /** Called with ffmpeg's process id once it runs (benchmarks read its memory). */
  onStart?: (pid: number) => void;
}

/** Width and height with the shortest side at most `side`, keeping the aspect ratio (even sizes are not needed for RGB). */
export function scaledSize(width: number, height: number, side: number): { width: number; height: number } {
  const shortest = Math.min(width, height);
  if (shortest <= side) return { width, height };
  const scale = side / shortest;
  return width <= height
    ? { width: side, height: Math.max(1, Math.round(height * scale)) }
    : { width: Math.max(1, Math.round(width * scale)), height: side };
}

/** Keeps the last lines of a process's stderr (bounded) and hands each showinfo time to a waiter. */
class StderrReader {
  private readonly times: number[] = [];
  private readonly recent: string[] = [];
  private pending = '';
  private closed = false;
  private wake: (() => void) | undefined;
  partialFile = false;
  missingDecoder: string | undefined;

  push(chunk: string): void {
    this.pending += chunk;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      this.line(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
    }
  }

  close(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
    this.closed = true;
    this.notify();
  }

  private line(text: string): void {
    const info = /\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+(?:e[+-]?\d+)?)/.exec(text);
    if (info && text.includes('showinfo')) {
      this.times.push(Math.max(0, Number(info[2])));
      this.notify();
      return;
    }
    if (text.includes('showinfo')) return; // showinfo's second line (colour information) per frame
    if (/partial file/i.test(text)) this.partialFile = true;
    const decoder = /Decoder \(codec ([^)]*)\) not found/.exec(text);
    if (decoder) this.missingDecoder = decoder[1];
    this.recent.push(text);
    if (this.recent.length > 40) this.recent.shift();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The time of chosen frame `index`, waiting for its line; undefined if stderr ended without it. */
  async timeOf(index: number): Promise<number | undefined> {
    while (this.times.length <= index && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.times[index];
  }

  get text(): string {
    return this.recent.join('\n');
  }
}

function seconds(value: number): string {
  return value.toFixed(3);
}

/**
 * The frames of `filePath` worth embedding, scaled so their shortest side is `options.side`, each
 * with its time. See [Note: sampling a video's moments]. Throws (while iterating) a PhotoProblemError
 * naming the file for a damaged, cut-off or undecodable video.
 */
export async function* sampleFrames(filePath: string, options: SampleFramesOptions): AsyncGenerator<SampledFrame> {
  const info = options.info ?? (await probeVideo(filePath));
  const maxInterval = options.maxInterval ?? DEFAULT_MAX_INTERVAL;
  const minInterval = Math.min(options.minInterval ?? 0.5, maxInterval);
  const threshold = options.sceneThreshold ?? 0.3;
  const size = scaledSize(info.width, info.height, options.side);
  const frameBytes = size.width * size.height * 3;
  const select =
    `isnan(prev_selected_t)` +
    `+gt(scene\\,${threshold})*gte(t-prev_selected_t\\,${seconds(minInterval)})` +
    `+gte(t-prev_selected_t\\,${seconds(maxInterval - 0.0005)})`;
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    ...(options.threads ? ['-threads', String(options.threads)] : []),
    '-i', filePath,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', `scale=${size.width}:${size.height}:flags=area,setsar=1,select='${select}',showinfo`,
    '-vsync', 'passthrough',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const child = spawn(videoToolPath('ffmpeg'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  const stderr = new StderrReader();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => {
      stderr.close();
      resolve({ code });
    });
  });
  const abort = (): void => void child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  let finished = false;
  try {
    let frame = Buffer.allocUnsafe(frameBytes);
    let filled = 0;
    let index = 0;
    let lastTime = -1;
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + take);
        filled += take;
        offset += take;
        if (filled < frameBytes) continue;
        const time = await stderr.timeOf(index);
        // A time missing from the log would be a bug in the pairing; estimate rather than lose the frame.
        lastTime = time ?? lastTime + maxInterval;
        yield { time: lastTime, index, pixels: { data: frame, width: size.width, height: size.height, channels: 3 } };
        index++;
        frame = Buffer.allocUnsafe(frameBytes);
        filled = 0;
      }
    }
    const { code, error } = await exited;
    finished = true;
    options.signal?.throwIfAborted();
    if (error) throw videoProblem.corrupt(filePath, `ffmpeg could not be started: ${error.message}`, error);
    if (stderr.missingDecoder !== undefined) throw videoProblem.unsupportedCodec(filePath, stderr.missingDecoder || info.videoCodec);
    if (stderr.partialFile) {
      throw videoProblem.truncated(filePath, `the file ends before the video does${info.duration !== null ? ` (it should last ${formatTime(info.duration)})` : ''}`);
    }
    if (code !== 0) throw probeFailure(filePath, stderr.text);
    if (index === 0) throw videoProblem.corrupt(filePath, 'no frame of it could be decoded');
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (!finished) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

function formatTime(time: number): string {
  const whole = Math.max(0, Math.floor(time));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export interface PosterFrame {
  /** Upright sRGB JPEG, longest side at most `side`. */
  jpeg: Buffer;
  width: number;
  height: number;
  /** Seconds into the video the poster shows. */
  time: number;
}

/**
 * A poster JPEG for the thumbnail: the frame a second in (the first frame of a phone video is often
 * dark while the exposure settles), or at a tenth of a clip shorter than ten seconds.
 */
export async function posterFrame(filePath: string, options: { side?: number; quality?: number; info?: VideoInfo; at?: number } = {}): Promise<PosterFrame> {
  const info = options.info ?? (await probeVideo(filePath));
  const side = options.side ?? 512;
  const scale = Math.min(1, side / Math.max(info.width, info.height));
  const width = Math.max(1, Math.round(info.width * scale));
  const height = Math.max(1, Math.round(info.height * scale));
  const at = options.at ?? (info.duration === null ? 0 : Math.min(1, info.duration / 10));
  let pixels = await grabFrame(filePath, at, width, height);
  let time = at;
  if (!pixels && at > 0) {
    pixels = await grabFrame(filePath, 0, width, height);
    time = 0;
  }
  if (!pixels) throw videoProblem.corrupt(filePath, 'no frame of it could be decoded');
  const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: options.quality ?? 80 }).toBuffer();
  return { jpeg, width, height, time };
}

/** One frame at `at` seconds as RGB of exactly width × height, or null when there is none there. */
function grabFrame(filePath: string, at: number, width: number, height: number): Promise<Buffer | null> {
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error',
    '-ss', seconds(at), '-i', filePath,
    '-map', '0:v:0', '-frames:v', '1', '-an', '-sn', '-dn',
    '-vf', `scale=${width}:${height}:flags=area,setsar=1`,
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(videoToolPath('ffmpeg'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err = (err + chunk).slice(-4000)));
    child.once('error', (error) => reject(videoProblem.corrupt(filePath, `ffmpeg could not be started: ${error.message}`, error)));
    child.once('close', (code) => {
      const data = Buffer.concat(out);
      if (data.length >= width * height * 3) resolve(data.subarray(0, width * height * 3));
      else if (code === 0) resolve(null);
      else reject(probeFailure(filePath, err));
    });
  });
}
