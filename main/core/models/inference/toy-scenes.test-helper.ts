// Test helper: renders toy-world scenes (seeds 1..999 only, never trained on) into RawImageLike pixels.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { renderScene } from '../../toy-world/demo-album.ts';
import type { Scene } from '../../toy-world/scene-sampler.ts';
import type { RawImageLike } from './model-folder.ts';

/** The committed toy models, built by models/training/train-all.sh. */
export const TOY_MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../models/toy');

export async function renderPixels(scene: Scene, seed: number): Promise<RawImageLike> {
  if (seed < 1 || seed > 999) throw new Error('tests use seeds 1..999, which training never sees');
  const jpeg = await renderScene(scene, { seed });
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}
