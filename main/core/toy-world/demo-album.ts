// Renders a seeded, byte-reproducible album of toy-world JPEGs with EXIF, plus a JSONL manifest of captions and QA.
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { drawSceneSvg } from './scene-drawing.ts';
import { sampleScene, type Scene } from './scene-sampler.ts';
import { deriveSeed, mulberry32 } from './seeded-random.ts';
import { describeScene, type QaPair } from './scene-text.ts';
import { cameraLabel, samplePhotoMeta, toSharpExif, type PhotoMeta } from './exif-data.ts';
import { COLORS, KINDS, SETTINGS, TIMES } from './vocabulary.ts';

export { describeScene } from './scene-text.ts';

export { DEMO_ALBUM } from './demo-album-spec.ts';

export const DEFAULT_WIDTH = 320;
export const DEFAULT_HEIGHT = 240;
const JPEG_QUALITY = 90;
/** Images rendered at once: librsvg and the JPEG encoder run on libuv's pool (4 threads by default). */
const IN_FLIGHT = 4;

// [Note: toy-world seeds]
// Image i of an album with seed S is fully determined by (S, i): its scene, drawing jitter, caption and
// EXIF each come from their own stream, mulberry32(deriveSeed(S, i, stream)). So the same seed always
// gives byte-identical files whatever the count, the concurrency or the order of completion, and
// changing the wording of captions never changes the pixels.
const STREAM = { scene: 1, drawing: 2, text: 3, exif: 4 } as const;

export interface RenderSceneOptions {
  width?: number;
  height?: number;
  /** Seed for layout jitter and background details (default 0). */
  seed?: number;
  /** EXIF to embed; none when absent. */
  meta?: PhotoMeta;
}

export interface RenderedScene {
  jpeg: Buffer;
  /** Object boxes in pixels of the image, [x0, y0, x1, y1]. */
  boxes: { kind: string; box: [number, number, number, number] }[];
}

function checkSize(width: number, height: number): void {
  for (const v of [width, height]) {
    if (!Number.isInteger(v) || v < 16 || v > 4096) throw new Error(`image size must be an integer in 16..4096, got ${v}`);
  }
}

/** Renders a scene to JPEG with its object boxes. */
export async function renderSceneWithBoxes(scene: Scene, options: RenderSceneOptions = {}): Promise<RenderedScene> {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  checkSize(width, height);
  const { svg, placed } = drawSceneSvg(scene, mulberry32(options.seed ?? 0), { width, height });
  let image = sharp(Buffer.from(svg)).removeAlpha().jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4' });
  if (options.meta) image = image.withExif(toSharpExif(options.meta));
  const jpeg = await image.toBuffer();
  const side = Math.min(width, height);
  const x0 = (width - side) / 2;
  const y0 = (height - side) / 2;
  const px = (v: number): number => Math.round(v * 10) / 10;
  const boxes = placed.map((o) => ({
    kind: o.kind,
    box: [px(x0 + o.box[0] * side), px(y0 + o.box[1] * side), px(x0 + o.box[2] * side), px(y0 + o.box[3] * side)] as [number, number, number, number],
  }));
  return { jpeg, boxes };
}

/** Renders a scene to JPEG bytes (default 320×240, no EXIF unless `meta` is given). */
export async function renderScene(scene: Scene, options: RenderSceneOptions = {}): Promise<Buffer> {
  return (await renderSceneWithBoxes(scene, options)).jpeg;
}

/** A toy scene as manifests store it (photos' and videos' manifests alike). */
export const SceneSchema = z.object({
  setting: z.enum(SETTINGS),
  time: z.enum(TIMES),
  objects: z
    .array(z.object({ kind: z.enum(KINDS), color: z.enum(COLORS), count: z.union([z.literal(1), z.literal(2), z.literal(3)]) }))
    .min(1)
    .max(3),
});

export const ManifestEntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+\.jpg$/),
  caption: z.string().min(1),
  scene: SceneSchema,
  qa: z.array(z.object({ q: z.string().min(1), a: z.string().regex(/^[a-z]+$/) })).min(1),
  takenAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
  place: z.string().min(1),
  gps: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  camera: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  boxes: z.array(z.object({ kind: z.enum(KINDS), box: z.tuple([z.number(), z.number(), z.number(), z.number()]) })),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

/** Everything about image `index` of album `seed` except its pixels. */
export function planImage(seed: number, index: number, width = DEFAULT_WIDTH, height = DEFAULT_HEIGHT, pad = 5): {
  entry: Omit<ManifestEntry, 'boxes'>;
  meta: PhotoMeta;
  drawingSeed: number;
} {
  const scene = sampleScene(mulberry32(deriveSeed(seed, index, STREAM.scene)));
  const { caption, qa } = describeScene(scene, mulberry32(deriveSeed(seed, index, STREAM.text)));
  const meta = samplePhotoMeta(mulberry32(deriveSeed(seed, index, STREAM.exif)), scene.time);
  const file = `pb-${seed}-${String(index).padStart(pad, '0')}.jpg`;
  const entry = { file, caption, scene, qa: qa satisfies QaPair[], takenAt: meta.takenAt, place: meta.place, gps: meta.gps, camera: cameraLabel(meta.camera), width, height };
  return { entry, meta, drawingSeed: deriveSeed(seed, index, STREAM.drawing) };
}

export interface RenderDemoAlbumOptions {
  outDir: string;
  count: number;
  /** Non-negative integer below 2^32. */
  seed: number;
  width?: number;
  height?: number;
  /** Called after each image is written, with the number done so far. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes `outDir/pb-<seed>-<index>.jpg` for index 0..count-1 and `outDir/manifest.jsonl` (one
 * ManifestEntry per line, in index order). See [Note: toy-world seeds].
 */
export async function renderDemoAlbum(options: RenderDemoAlbumOptions): Promise<{ manifestPath: string; files: string[] }> {
  const { outDir, count, seed } = options;
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in 0..2^32-1, got ${seed}`);
  checkSize(width, height);
  await mkdir(outDir, { recursive: true });
  const pad = Math.max(5, String(Math.max(0, count - 1)).length);
  const lines: string[] = new Array<string>(count);
  const files: string[] = new Array<string>(count);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const { entry, meta, drawingSeed } = planImage(seed, index, width, height, pad);
      const { jpeg, boxes } = await renderSceneWithBoxes(entry.scene, { width, height, seed: drawingSeed, meta });
      const file = path.join(outDir, entry.file);
      await writeFile(file, jpeg);
      files[index] = file;
      lines[index] = JSON.stringify({ ...entry, boxes });
      done++;
      options.onProgress?.(done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, Math.max(1, count)) }, worker));
  const manifestPath = path.join(outDir, 'manifest.jsonl');
  await writeFileAtomic(manifestPath, lines.map((l) => `${l}\n`).join(''));
  return { manifestPath, files };
}

/** Reads and validates a manifest.jsonl; throws naming the first bad line. */
export async function readManifest(manifestPath: string): Promise<ManifestEntry[]> {
  const text = await readFile(manifestPath, 'utf8');
  const entries: ManifestEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${manifestPath}:${i + 1}: not JSON (${(error as Error).message})`);
    }
    const parsed = ManifestEntrySchema.safeParse(json);
    if (!parsed.success) throw new Error(`${manifestPath}:${i + 1}: ${parsed.error.message}`);
    entries.push(parsed.data);
  });
  return entries;
}
