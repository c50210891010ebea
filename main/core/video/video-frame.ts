// Extracts one frame of a video at a time (a moment) as a PNG with the bundled ffmpeg, for captions and questions about that moment.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { videoToolPath } from './video-tools.ts';

const run = promisify(execFile);

/** A moment that cannot be taken from the video (a time outside it, a stream ffmpeg cannot decode). */
export class VideoFrameError extends Error {
  override readonly name = 'VideoFrameError';
}

/**
 * Writes the frame shown at `time` seconds into `outFile` (PNG, the video's own size, upright as players show
 * it). ffmpeg runs as a child process, never on the core's event loop. `duration`, when known, bounds the time.
 */
export async function extractFrame(videoPath: string, time: number, outFile: string, duration: number | null = null): Promise<string> {
  if (!Number.isFinite(time) || time < 0) throw new VideoFrameError(`The time ${time} is not a moment of ${videoPath}: give seconds from its start, e.g. 12.5.`);
  if (duration !== null && time > duration) throw new VideoFrameError(`${videoPath} lasts ${duration.toFixed(1)} s, so it has no moment at ${time} s.`);
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  const partial = `${outFile}.${process.pid}.partial.png`;
  try {
    // -ss before -i seeks to the nearest key frame and decodes up to the time: exact and fast.
    await run(videoToolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-ss', time.toFixed(3), '-i', videoPath, '-map', '0:v:0', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', partial]);
    const written = await fs.stat(partial).catch(() => null);
    if (!written || written.size === 0) throw new VideoFrameError(`${videoPath} has no frame at ${time} s (it may be shorter than that, or its video stream cannot be decoded).`);
    await fs.rename(partial, outFile);
    return outFile;
  } catch (error) {
    await fs.rm(partial, { force: true });
    if (error instanceof VideoFrameError) throw error;
    const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').pop();
    throw new VideoFrameError(`The frame at ${time} s of ${videoPath} could not be read (${detail}).`);
  }
}
