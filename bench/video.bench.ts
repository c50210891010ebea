// Benchmark: indexing a 1080p video (sampling at scene changes + decode + embed) against its running time, and memory over the run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClipModel } from '../main/core/models/inference/clip.inference.ts';
import { modelInputSide } from '../main/core/models/model-input-side.ts';
import { sampleFrames, type SampledFrame } from '../main/core/video/frame-sampler.ts';
import { probeVideo } from '../main/core/video/video-probe.ts';
import { videoToolPath } from '../main/core/video/video-tools.ts';
import { processMemoryMb } from './bench-table.ts';

const run = promisify(execFile);

export interface VideoBenchRow {
  model: string;
  videoSeconds: number;
  frames: number;
  /** Sampling alone: ffmpeg decodes every frame, scores scene changes, scales and hands over the chosen ones. */
  sampleSeconds: number;
  /** Sampling and embedding every chosen frame, streamed (what the moments stage does). */
  indexSeconds: number;
  /** indexSeconds / videoSeconds: under 1 is faster than playing the video. */
  ratio: number;
  corePeakMb: number;
  ffmpegPeakMb: number | null;
}

export interface MemoryPoint {
  /** Seconds into the video of the last frame handed over. */
  videoTime: number;
  coreRssMb: number;
  ffmpegRssMb: number | null;
}

/**
 * A 1080p30 H.264 video of `seconds` in three parts (testsrc2, a Mandelbrot zoom drawn at a quarter of
 * the size with few iterations and scaled up, testsrc), so the sampler sees moving content and two hard scene changes.
 */
export async function renderBenchVideo(file: string, seconds: number): Promise<void> {
  const part = Math.max(1, Math.round(seconds / 3));
  const rest = Math.max(1, seconds - 2 * part);
  await run(videoToolPath('ffmpeg'), [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${part}`,
    '-f', 'lavfi', '-i', `mandelbrot=size=480x270:rate=30:maxiter=200,trim=duration=${part}`,
    '-f', 'lavfi', '-i', `testsrc=size=1920x1080:rate=30:duration=${rest}`,
    '-filter_complex', '[1:v]scale=1920:1080,setsar=1[m];[0:v]setsar=1[a];[2:v]setsar=1[c];[a][m][c]concat=n=3:v=1:a=0[v]',
    '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', '-g', '60',
    file,
  ]);
}

/** Samples the peak RSS of this process and of ffmpeg (while it runs) every 100 ms. */
class MemoryWatch {
  corePeak = process.memoryUsage.rss();
  ffmpegPeak: number | null = null;
  ffmpegPid: number | undefined;
  ffmpegNow: number | null = null;
  private readonly timer = setInterval(() => void this.sample(), 100);

  async sample(): Promise<void> {
    this.corePeak = Math.max(this.corePeak, process.memoryUsage.rss());
    const mb = await processMemoryMb(this.ffmpegPid, 'VmRSS');
    this.ffmpegNow = mb;
    if (mb !== null) this.ffmpegPeak = Math.max(this.ffmpegPeak ?? 0, mb);
  }

  stop(): void {
    clearInterval(this.timer);
    this.corePeak = Math.max(this.corePeak, process.memoryUsage.rss());
  }
}

const BATCH = 16;

export async function benchVideoIndexing(
  file: string,
  model: { id: string; folder: string },
  threads: number,
): Promise<{ row: VideoBenchRow; memory: MemoryPoint[] }> {
  const info = await probeVideo(file);
  const videoSeconds = info.duration ?? 0;
  const side = await modelInputSide(model.folder);
  const clip = await createClipModel({ folder: model.folder, device: 'cpu', dtype: 'fp32', threads });
  await clip.embedTexts(['a photo']);

  // Sampling alone.
  let start = performance.now();
  let frames = 0;
  for await (const _ of sampleFrames(file, { side, info })) frames++;
  const sampleSeconds = (performance.now() - start) / 1000;

  // Sampling + embedding, streamed in batches as the moments stage does; memory sampled along the way.
  const watch = new MemoryWatch();
  const memory: MemoryPoint[] = [];
  let nextMark = videoSeconds / 6;
  start = performance.now();
  let batch: SampledFrame[] = [];
  let embedded = 0;
  for await (const frame of sampleFrames(file, { side, info, onStart: (pid) => (watch.ffmpegPid = pid) })) {
    batch.push(frame);
    if (batch.length === BATCH) {
      embedded += (await clip.embedImages(batch.map((f) => f.pixels))).length;
      batch = [];
    }
    if (frame.time >= nextMark) {
      nextMark += videoSeconds / 6;
      await watch.sample();
      memory.push({ videoTime: frame.time, coreRssMb: process.memoryUsage.rss() / 1048576, ffmpegRssMb: watch.ffmpegNow });
    }
  }
  embedded += (await clip.embedImages(batch.map((f) => f.pixels))).length;
  const indexSeconds = (performance.now() - start) / 1000;
  watch.stop();
  if (embedded !== frames) throw new Error(`embedded ${embedded} frames of ${frames}`);
  return {
    row: {
      model: model.id,
      videoSeconds,
      frames,
      sampleSeconds,
      indexSeconds,
      ratio: indexSeconds / videoSeconds,
      corePeakMb: watch.corePeak / 1048576,
      ffmpegPeakMb: watch.ffmpegPeak,
    },
    memory,
  };
}
