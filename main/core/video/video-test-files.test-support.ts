// Test support: makes real video files with the bundled ffmpeg (lavfi sources), including broken and unsupported ones.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { videoToolPath } from './video-tools.ts';

const run = promisify(execFile);

/** Runs the bundled ffmpeg with `args` (quiet, overwriting). */
export async function ffmpeg(...args: string[]): Promise<void> {
  await run(videoToolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
}

/** A test-pattern H.264 MP4 of `seconds`, `width`×`height` at 10 fps; `faststart` puts the index first. */
export async function testPatternMp4(file: string, seconds: number, options: { width?: number; height?: number; faststart?: boolean; extra?: string[] } = {}): Promise<string> {
  const size = `${options.width ?? 320}x${options.height ?? 240}`;
  await ffmpeg(
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=10:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(options.faststart ? ['-movflags', '+faststart'] : []),
    ...(options.extra ?? []),
    file,
  );
  return file;
}

/** Keeps the first `fraction` of a file's bytes, as an interrupted copy does. */
export async function truncateCopy(from: string, to: string, fraction: number): Promise<string> {
  const bytes = await readFile(from);
  await writeFile(to, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return to;
}

/**
 * An AVI whose video stream is in a codec no ffmpeg knows: an MPEG-4 AVI with its FourCC ("FMP4", in
 * the stream header and the format chunk) replaced by "ZQ9X".
 */
export async function unknownCodecAvi(file: string): Promise<string> {
  const source = `${file}.src.avi`;
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-c:v', 'mpeg4', source);
  const bytes = await readFile(source);
  const fourcc = Buffer.from('FMP4', 'latin1');
  let replaced = 0;
  for (let at = bytes.indexOf(fourcc); at >= 0; at = bytes.indexOf(fourcc, at + 4)) {
    bytes.write('ZQ9X', at, 'latin1');
    replaced++;
  }
  if (replaced === 0) throw new Error(`no FMP4 FourCC in ${source}`);
  await writeFile(file, bytes);
  return file;
}

/** An MP4 with only a sound track (a sine tone), named like a video. */
export async function audioOnlyMp4(file: string): Promise<string> {
  await ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', file);
  return file;
}
