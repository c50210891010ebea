// Renders seeded toy-world videos (a few toy scenes with a slow pan each, H.264 MP4 via the bundled ffmpeg) and a videos.jsonl manifest.
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { videoToolPath } from '../video/video-tools.ts';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { drawSceneSvg } from './scene-drawing.ts';
import { sampleScene, type Scene } from './scene-sampler.ts';
import { deriveSeed, mulberry32 } from './seeded-random.ts';
import { describeScene } from './scene-text.ts';
import { cameraLabel, samplePhotoMeta } from './exif-data.ts';
import { SceneSchema } from './demo-album.ts';

// [Note: toy videos]
// A toy video is a few toy-world scenes one after another, each held for a few seconds while the
// camera pans slowly across it (the scene is drawn a little wider than the frame and the crop window
// slides), so frames within a scene differ slightly and the cut between scenes is sharp. Consecutive
// scenes have different settings, so the cut is a clear scene change. Video i of seed S draws its
// scenes, captions, drawing jitter and date/place from their own streams (as [Note: toy-world seeds]),
// so the manifest is the same for the same seed; the MP4 bytes depend on the ffmpeg build.
const STREAM = { scene: 21, drawing: 22, text: 23, meta: 24 } as const;

export const TOY_VIDEO_DEFAULTS = { scenes: 3, secondsPerScene: 3, fps: 10, width: 320, height: 240 } as const;
/** Extra width drawn on each side of the frame, as a fraction of its width, that the pan slides across. */
const PAN = 0.1;

export const ToyVideoEntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+\.mp4$/),
  /** Seconds. */
  duration: z.number().positive(),
  fps: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Local time of the recording, as the container's creation_time (written as UTC). */
  takenAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
  place: z.string().min(1),
  gps: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  camera: z.string().min(1),
  /** The scenes in order: [start, end) in seconds, what is in them and a caption. */
  scenes: z.array(z.object({ start: z.number().min(0), end: z.number().positive(), caption: z.string().min(1), scene: SceneSchema })).min(1),
});
export type ToyVideoEntry = z.infer<typeof ToyVideoEntrySchema>;

export interface ToyVideoOptions {
  scenes?: number;
  secondsPerScene?: number;
  fps?: number;
  /** Even numbers (H.264 with 4:2:0 chroma). */
  width?: number;
  height?: number;
}

type Settled = Required<ToyVideoOptions>;

function settle(options: ToyVideoOptions): Settled {
  const o = { ...TOY_VIDEO_DEFAULTS, ...options };
  if (!Number.isInteger(o.scenes) || o.scenes < 1 || o.scenes > 20) throw new Error(`scenes must be an integer in 1..20, got ${o.scenes}`);
  if (!(o.secondsPerScene > 0 && o.secondsPerScene <= 600)) throw new Error(`secondsPerScene must be in (0, 600], got ${o.secondsPerScene}`);
  if (!Number.isInteger(o.fps) || o.fps < 1 || o.fps > 60) throw new Error(`fps must be an integer in 1..60, got ${o.fps}`);
  for (const v of [o.width, o.height]) {
    if (!Number.isInteger(v) || v < 16 || v > 4096 || v % 2 !== 0) throw new Error(`video size must be an even integer in 16..4096, got ${v}`);
  }
  return o;
}

/** File name of video `index` of seed `seed`. */
export function toyVideoFileName(seed: number, index: number): string {
  return `pb-video-${seed}-${String(index).padStart(3, '0')}.mp4`;
}

/** Everything about toy video `index` of seed `seed` except its pixels. See [Note: toy videos]. */
export function planToyVideo(seed: number, index: number, options: ToyVideoOptions = {}): { entry: ToyVideoEntry; drawingSeeds: number[] } {
  const o = settle(options);
  const scenes: Scene[] = [];
  for (let k = 0; k < o.scenes; k++) {
    const previous = scenes[k - 1];
    let scene = sampleScene(mulberry32(deriveSeed(seed, index, STREAM.scene, k)));
    for (let attempt = 1; previous && scene.setting === previous.setting && attempt < 50; attempt++) {
      scene = sampleScene(mulberry32(deriveSeed(seed, index, STREAM.scene, k, attempt)));
    }
    scenes.push(scene);
  }
  const frames = Math.round(o.secondsPerScene * o.fps);
  const sceneSeconds = frames / o.fps;
  const meta = samplePhotoMeta(mulberry32(deriveSeed(seed, index, STREAM.meta)), scenes[0]!.time);
  const entry: ToyVideoEntry = {
    file: toyVideoFileName(seed, index),
    duration: sceneSeconds * o.scenes,
    fps: o.fps,
    width: o.width,
    height: o.height,
    takenAt: meta.takenAt,
    place: meta.place,
    gps: meta.gps,
    camera: cameraLabel(meta.camera),
    scenes: scenes.map((scene, k) => ({
      start: k * sceneSeconds,
      end: (k + 1) * sceneSeconds,
      caption: describeScene(scene, deriveSeed(seed, index, STREAM.text, k)).caption,
      scene,
    })),
  };
  return { entry, drawingSeeds: scenes.map((_, k) => deriveSeed(seed, index, STREAM.drawing, k)) };
}

/** Writes one raw RGB frame into a pipe, waiting when the pipe is full. */
function writeFrame(stream: NodeJS.WritableStream, frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(frame, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** Renders a planned toy video to `outPath` (H.264 MP4, written to a temporary file, then renamed). */
export async function renderToyVideo(entry: ToyVideoEntry, drawingSeeds: readonly number[], outPath: string): Promise<void> {
  const { width, height, fps } = entry;
  const wide = width + 2 * Math.round(width * PAN);
  const temp = `${outPath}.${process.pid}.tmp.mp4`;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-g', String(fps * 2),
    '-threads', '1', '-movflags', '+faststart',
    '-metadata', `creation_time=${entry.takenAt}Z`,
    '-metadata', `location=${iso6709(entry.gps)}`,
    temp,
  ];
  const child = spawn(videoToolPath('ffmpeg'), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  // A write after ffmpeg quit fails with EPIPE; the exit code and stderr below say why.
  child.stdin.on('error', () => undefined);
  // Observed now: a failed start (no binary) rejects while frames are still being written.
  closed.catch(() => undefined);
  try {
    for (const [k, part] of entry.scenes.entries()) {
      const { svg } = drawSceneSvg(part.scene, mulberry32(drawingSeeds[k] ?? 0), { width: wide, height });
      const drawn = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
      const frames = Math.round((part.end - part.start) * fps);
      for (let f = 0; f < frames; f++) {
        const x = Math.round(((wide - width) * f) / Math.max(1, frames - 1));
        const frame = Buffer.allocUnsafe(width * height * 3);
        for (let y = 0; y < height; y++) drawn.copy(frame, y * width * 3, (y * wide + x) * 3, (y * wide + x + width) * 3);
        if (child.exitCode !== null || child.stdin.destroyed) break;
        await writeFrame(child.stdin, frame);
      }
    }
    child.stdin.end();
    const code = await closed;
    if (code !== 0) throw new Error(`ffmpeg could not encode ${outPath} (exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
    await rename(temp, outPath);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(temp, { force: true });
    throw error;
  }
}

/** "+38.72230-009.13930/": ISO 6709 as phones write it in the `location` tag. */
function iso6709(gps: { lat: number; lon: number }): string {
  const part = (v: number, digits: number): string => `${v < 0 ? '-' : '+'}${Math.abs(v).toFixed(5).padStart(digits + 6, '0')}`;
  return `${part(gps.lat, 2)}${part(gps.lon, 3)}/`;
}

export interface RenderToyVideosOptions extends ToyVideoOptions {
  outDir: string;
  count: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

/** Writes `outDir/pb-video-<seed>-<index>.mp4` for index 0..count-1 and `outDir/videos.jsonl` (one entry per line). */
export async function renderToyVideos(options: RenderToyVideosOptions): Promise<{ manifestPath: string; files: string[]; entries: ToyVideoEntry[] }> {
  const { outDir, count, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in 0..2^32-1, got ${seed}`);
  await mkdir(outDir, { recursive: true });
  const entries: ToyVideoEntry[] = [];
  const files: string[] = [];
  // One at a time: ffmpeg and librsvg already use the cores.
  for (let index = 0; index < count; index++) {
    const { entry, drawingSeeds } = planToyVideo(seed, index, options);
    const file = path.join(outDir, entry.file);
    await renderToyVideo(entry, drawingSeeds, file);
    entries.push(entry);
    files.push(file);
    options.onProgress?.(index + 1, count);
  }
  const manifestPath = path.join(outDir, 'videos.jsonl');
  await writeFileAtomic(manifestPath, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return { manifestPath, files, entries };
}

/** Reads and validates a videos.jsonl; throws naming the first bad line. */
export async function readToyVideoManifest(manifestPath: string): Promise<ToyVideoEntry[]> {
  const text = await readFile(manifestPath, 'utf8');
  return text.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${manifestPath}:${i + 1}: not JSON (${(error as Error).message})`);
    }
    const parsed = ToyVideoEntrySchema.safeParse(json);
    if (!parsed.success) throw new Error(`${manifestPath}:${i + 1}: ${parsed.error.message}`);
    return [parsed.data];
  });
}
