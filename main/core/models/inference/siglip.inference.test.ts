// Tests the search loader on a SigLIP folder: the committed bilingual toy SigLIP, English and Thai queries,
// freshly rendered toy-world scenes. See [Note: CLIP and SigLIP search models] in clip.inference.ts.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Scene } from '../../toy-world/scene-sampler.ts';
import { createClipModel, type ClipModel } from './clip.inference.ts';
import { TOY_MODELS, renderPixels } from './toy-scenes.test-helper.ts';
import { dot } from '../../shared/vector-math.ts';

const FOLDER = path.join(TOY_MODELS, 'toy-siglip');

const RED_CAR: Scene = { setting: 'street', time: 'day', objects: [{ kind: 'car', color: 'red', count: 1 }] };
const BLUE_BOAT: Scene = { setting: 'harbor', time: 'day', objects: [{ kind: 'boat', color: 'blue', count: 1 }] };
const TWO_DOGS_ON_A_BEACH: Scene = { setting: 'beach', time: 'day', objects: [{ kind: 'dog', color: 'black', count: 2 }] };
const ONE_CAT_IN_A_PARK: Scene = { setting: 'park', time: 'day', objects: [{ kind: 'cat', color: 'black', count: 1 }] };

let siglip: ClipModel;
let redCar: Float32Array, blueBoat: Float32Array, twoDogs: Float32Array, oneCat: Float32Array;
beforeAll(async () => {
  siglip = await createClipModel({ folder: FOLDER, threads: 2 });
  const images = await Promise.all([
    renderPixels(RED_CAR, 31),
    renderPixels(BLUE_BOAT, 32),
    renderPixels(TWO_DOGS_ON_A_BEACH, 33),
    renderPixels(ONE_CAT_IN_A_PARK, 34),
  ]);
  [redCar, blueBoat, twoDogs, oneCat] = (await siglip.embedImages(images)) as [Float32Array, Float32Array, Float32Array, Float32Array];
});

describe('createClipModel on a SigLIP folder (toy-siglip, English + Thai)', () => {
  it('ranks a red-car photo above a blue-boat photo for "รถยนต์สีแดง" and for "red car"', async () => {
    const [thai, english] = await siglip.embedTexts(['รถยนต์สีแดง', 'red car']);
    expect(dot(thai!, redCar)).toBeGreaterThan(dot(thai!, blueBoat));
    expect(dot(english!, redCar)).toBeGreaterThan(dot(english!, blueBoat));
  });

  it('ranks two dogs on a beach above one cat in a park for "สุนัขสองตัวที่ชายหาด" ("two dogs on a beach")', async () => {
    const [query] = await siglip.embedTexts(['สุนัขสองตัวที่ชายหาด']);
    expect(dot(query!, twoDogs)).toBeGreaterThan(dot(query!, oneCat));
  });

  it('returns 96-d unit vectors, the same in a batch as alone, whatever the case of the query', async () => {
    expect(siglip.dimension).toBe(96);
    const texts = ['Red Car', 'รถมอเตอร์ไซค์หน้าร้านสะดวกซื้อตอนกลางคืน', 'two dogs on a beach'];
    const batch = await siglip.embedTexts(texts);
    for (const v of [...batch, redCar, blueBoat]) {
      expect(v).toHaveLength(96);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
    const [alone] = await siglip.embedTexts([texts[1]!]);
    const [lower] = await siglip.embedTexts(['red car']);
    for (let i = 0; i < 96; i++) {
      expect(batch[1]![i]).toBeCloseTo(alone![i]!, 4);
      expect(batch[0]![i]).toBeCloseTo(lower![i]!, 5); // queries are lower-cased, as SigLIP 2 was trained
    }
  });

  it('refuses a folder of another family with a sentence naming the families it reads', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'pb-siglip-'));
    try {
      await cp(FOLDER, folder, { recursive: true });
      const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(folder, 'config.json'), JSON.stringify({ ...config, model_type: 'bert' }));
      await expect(createClipModel({ folder })).rejects.toThrow(
        /config\.json says model_type "bert"; a search model must be a CLIP \("clip"\) or SigLIP \("siglip"\) model\./,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
