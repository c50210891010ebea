// Tests captioning through the committed toy captioner on freshly rendered toy-world scenes.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCaptioner, type Captioner } from './caption.inference.ts';
import { TOY_MODELS, renderPixels } from './toy-scenes.test-helper.ts';

let captioner: Captioner;
beforeAll(async () => {
  captioner = await createCaptioner({ folder: path.join(TOY_MODELS, 'toy-captioner'), threads: 2 });
});

describe('createCaptioner', () => {
  it('mentions the motorcycle of a one-motorcycle scene, and its colour', async () => {
    const image = await renderPixels({ setting: 'street', time: 'day', objects: [{ kind: 'motorcycle', color: 'red', count: 1 }] }, 31);
    const caption = await captioner.caption(image);
    expect(caption).toMatch(/\bmotorcycle\b/);
    expect(caption).toMatch(/\bred motorcycle\b/);
  });

  it('describes different scenes differently, and honours maxNewTokens', async () => {
    const dogs = await renderPixels({ setting: 'beach', time: 'night', objects: [{ kind: 'dog', color: 'white', count: 2 }] }, 32);
    const caption = await captioner.caption(dogs);
    expect(caption).toMatch(/\bdogs\b/);
    const short = await captioner.caption(dogs, { maxNewTokens: 2 });
    expect(short.split(/\s+/).length).toBeLessThanOrEqual(2);
  });
});
