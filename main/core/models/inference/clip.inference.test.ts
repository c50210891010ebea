// Tests CLIP embeddings through the committed toy CLIP and freshly rendered toy-world scenes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../toy-world/scene-sampler.ts';
import type { Color } from '../../toy-world/vocabulary.ts';
import { createClipModel, type ClipModel } from './clip.inference.ts';
import { ModelFolderError } from './model-folder.ts';
import { TOY_MODELS, renderPixels } from './toy-scenes.test-helper.ts';
import { dot } from '../../shared/vector-math.ts';


let clip: ClipModel;
beforeAll(async () => {
  clip = await createClipModel({ folder: path.join(TOY_MODELS, 'toy-clip'), threads: 2 });
});

describe('createClipModel', () => {
  it('ranks a red-car photo above a blue-boat photo for "red car", and the reverse for "blue boat"', async () => {
    const images = await Promise.all([
      renderPixels({ setting: 'street', time: 'day', objects: [{ kind: 'car', color: 'red', count: 1 }] }, 11),
      renderPixels({ setting: 'harbor', time: 'day', objects: [{ kind: 'boat', color: 'blue', count: 1 }] }, 12),
    ]);
    const [redCar, blueBoat] = await clip.embedImages(images);
    const [qCar, qBoat] = await clip.embedTexts(['red car', 'blue boat']);
    expect(dot(qCar!, redCar!)).toBeGreaterThan(dot(qCar!, blueBoat!));
    expect(dot(qBoat!, blueBoat!)).toBeGreaterThan(dot(qBoat!, redCar!));
  });

  it('binds colours to objects: "red car and blue boat" vs "blue car and red boat"', async () => {
    const scene = (car: Color, boat: Color): Scene => ({
      setting: 'harbor',
      time: 'day',
      objects: [
        { kind: 'car', color: car, count: 1 },
        { kind: 'boat', color: boat, count: 1 },
      ],
    });
    const [a, b] = await clip.embedImages(await Promise.all([renderPixels(scene('red', 'blue'), 21), renderPixels(scene('blue', 'red'), 22)]));
    const [qa, qb] = await clip.embedTexts(['a red car and a blue boat', 'a blue car and a red boat']);
    expect(dot(qa!, a!)).toBeGreaterThan(dot(qa!, b!));
    expect(dot(qb!, b!)).toBeGreaterThan(dot(qb!, a!));
  });

  it('returns unit vectors of the advertised dimension, the same in a batch as alone', async () => {
    const texts = ['a dog', 'two red motorcycles outside a convenience store at night', 'boat'];
    const batch = await clip.embedTexts(texts);
    const alone = await clip.embedTexts([texts[1]!]);
    expect(batch).toHaveLength(3);
    for (const v of batch) {
      expect(v).toHaveLength(clip.dimension);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    for (let i = 0; i < clip.dimension; i++) expect(batch[1]![i]).toBeCloseTo(alone[0]![i]!, 4);
    expect(await clip.embedImages([])).toEqual([]);
  });

  it('names the missing file of an incomplete model folder', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'pb-clip-'));
    try {
      await writeFile(path.join(folder, 'config.json'), JSON.stringify({ model_type: 'clip', projection_dim: 8 }));
      await writeFile(path.join(folder, 'tokenizer.json'), '{}');
      const error = await createClipModel({ folder }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFolderError);
      expect((error as ModelFolderError).missing).toEqual(['tokenizer_config.json', 'preprocessor_config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']);
      expect(String(error)).toContain('tokenizer_config.json');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
