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

/** A still JPEG (one test-pattern frame) of `width`×`height`. */
export async function stillJpeg(file: string, width = 320, height = 240): Promise<string> {
  await ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=1:duration=1`, '-frames:v', '1', '-q:v', '4', file);
  return file;
}

/** An HEVC (H.265) video in `file`'s container (mkv or mov): what Chromium does not play itself. */
export async function hevcVideo(file: string, seconds: number): Promise<string> {
  await ffmpeg('-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=10:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file);
  return file;
}

/**
 * A Google motion photo: a JPEG with an XMP packet (APP1 right after SOI) saying where its MP4 starts, and
 * the MP4 appended after the image. `format`: the older `GCamera:MicroVideoOffset` or the newer
 * `Container:Directory` with a MotionPhoto item. Returns the JPEG's path and the embedded MP4's bytes.
 */
export async function motionPhotoJpeg(file: string, format: 'micro-video' | 'container' = 'micro-video'): Promise<{ file: string; video: Buffer }> {
  const still = await readFile(await stillJpeg(`${file}.still.jpg`));
  const video = await readFile(await testPatternMp4(`${file}.motion.mp4`, 1.5, { width: 160, height: 120, faststart: true }));
  const description =
    format === 'micro-video'
      ? `<rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="${video.length}" GCamera:MicroVideoPresentationTimestampUs="0"/>`
      : `<rdf:Description rdf:about="" xmlns:Camera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" Camera:MotionPhoto="1" Camera:MotionPhotoVersion="1"><Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="${video.length}" Item:Padding="0"/></rdf:li></rdf:Seq></Container:Directory></rdf:Description>`;
  const xmp = Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${description}</rdf:RDF></x:xmpmeta>`, 'utf8');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(xmp.length + 2, 2);
  await writeFile(file, Buffer.concat([still.subarray(0, 2), segment, xmp, still.subarray(2), video]));
  return { file, video };
}
