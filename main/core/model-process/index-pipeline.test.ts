// The indexing pipeline's scheduling: bounded decoding, model batches from whatever is queued, errors per batch.
import { describe, expect, it } from 'vitest';
import { IndexPipeline } from './index-pipeline.ts';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IndexPipeline', () => {
  it('decodes ahead while the model runs, never more than its slots and queue allow, in batches up to batchSize', async () => {
    let decoding = 0;
    let maxDecoding = 0;
    let maxQueued = 0;
    let taken = 0;
    let queued = 0;
    const batches: number[] = [];
    const pipeline = new IndexPipeline<number>({
      decodeSlots: 3,
      batchSize: 4,
      queueLimit: 6,
      embed: async (pixels) => {
        batches.push(pixels.length);
        taken += pixels.length;
        await tick(5);
        return pixels.map((p) => Float32Array.of(p));
      },
    });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        pipeline.run(
          async () => {
            decoding++;
            maxDecoding = Math.max(maxDecoding, decoding);
            await tick(2);
            decoding--;
            return i;
          },
          async (decoded, embed) => {
            queued++;
            maxQueued = Math.max(maxQueued, queued - taken);
            return (await embed(decoded * 10))[0];
          },
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 10));
    expect(maxDecoding).toBeLessThanOrEqual(3);
    // Decoded photos waiting for the model: never more than the queue's limit.
    expect(maxQueued).toBeLessThanOrEqual(6);
    expect(maxQueued).toBeGreaterThan(1);
    expect(batches.every((b) => b >= 1 && b <= 4)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
    expect(batches.some((b) => b > 1)).toBe(true); // the queue filled while the model ran
    expect(pipeline.stats).toMatchObject({ photos: 40, embedBatches: batches.length });
  });

  it('a failing model call fails the photos of that batch only; later photos still embed', async () => {
    let calls = 0;
    const pipeline = new IndexPipeline<number>({
      decodeSlots: 1,
      batchSize: 1,
      queueLimit: 1,
      embed: (pixels) => (++calls === 1 ? Promise.reject(new Error('model broke')) : Promise.resolve(pixels.map((p) => Float32Array.of(p)))),
    });
    const run = (value: number) => pipeline.run(() => Promise.resolve(value), async (decoded, embed) => (await embed(decoded))[0]);
    const outcomes = await Promise.allSettled([run(1), run(2)]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { message: 'model broke' } });
    expect(outcomes[1]).toEqual({ status: 'fulfilled', value: 2 });
  });

  it('a photo that needs no model passes through without a model call', async () => {
    let calls = 0;
    const pipeline = new IndexPipeline<number>({ decodeSlots: 2, batchSize: 8, queueLimit: 8, embed: (pixels) => ((calls += 1), Promise.resolve(pixels.map(() => new Float32Array(1)))) });
    const value = await pipeline.run(() => Promise.resolve('decoded'), (decoded) => Promise.resolve(decoded.toUpperCase()));
    expect([value, calls]).toEqual(['DECODED', 0]);
  });
});
