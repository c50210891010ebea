// The generic API layer over every transport available in Node: calls, validation, typed errors,
// cancellation, broadcast events and events to the caller only.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../../common/api/api-error.ts';
import { defineContract, method } from '../../../common/api/contract-kit.ts';
import { EventHub } from '../../../common/api/event-hub.ts';
import { createClient, implement, serve } from '../../../common/api/rpc.ts';
import { TRANSPORTS, type TransportPair } from './transport-pairs.test-support.ts';

const testApi = defineContract({
  methods: {
    math: {
      add: method(z.object({ a: z.number(), b: z.number().default(1) }), z.object({ sum: z.number() }), 'Adds.'),
      fail: method(z.object({ code: z.enum(['not-found', 'internal']) }), z.object({}), 'Throws.'),
      crash: method(z.object({}), z.object({}), 'Throws a plain error.'),
      lie: method(z.object({}), z.object({ n: z.number() }), 'Returns the wrong shape.'),
      slow: method(z.object({ ms: z.number() }), z.object({ aborted: z.boolean() }), 'Waits, or stops when cancelled.'),
      stream: method(z.object({ words: z.array(z.string()) }), z.object({ count: z.number() }), 'Sends each word to the caller as an event.'),
    },
  },
  events: {
    onWord: z.object({ word: z.string() }),
    onTick: z.object({ n: z.number() }),
  },
});

function implementation(hub: EventHub<typeof testApi>) {
  return implement(
    testApi,
    {
      math: {
        add: ({ a, b }) => Promise.resolve({ sum: a + b }),
        fail: ({ code }) => Promise.reject(new ApiError(code, `failed with ${code}`, code === 'internal')),
        crash: () => Promise.reject(new Error('boom')),
        lie: () => Promise.resolve({ n: 'one' } as unknown as { n: number }),
        slow: ({ ms }, { signal }) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => resolve({ aborted: false }), ms);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              resolve({ aborted: true });
            });
          }),
        stream: ({ words }, { emitToCaller }) => {
          for (const word of words) emitToCaller('onWord', { word });
          return Promise.resolve({ count: words.length });
        },
      },
    },
    { events: hub },
  );
}

describe.each(TRANSPORTS)('the API layer over $name', (kind) => {
  const opened: TransportPair[] = [];
  afterEach(async () => {
    for (const pair of opened.splice(0)) await pair.close();
  });

  async function connect(hub = new EventHub(testApi)) {
    const pair = await kind.open();
    opened.push(pair);
    serve(implementation(hub), pair.server);
    return { client: createClient(testApi, pair.client), hub };
  }

  it('calls a method with validated input and defaults applied', async () => {
    const { client } = await connect();
    await expect(client.math.add({ a: 2, b: 3 })).resolves.toEqual({ sum: 5 });
    await expect(client.math.add({ a: 2 })).resolves.toEqual({ sum: 3 });
  });

  it('refuses input that does not match the schema, naming the field', async () => {
    const { client } = await connect();
    const error = await client.math.add({ a: 'two' as unknown as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid-input');
    expect((error as ApiError).message).toContain('a:');
  });

  it('carries typed errors as {code, message, retryable}', async () => {
    const { client } = await connect();
    await expect(client.math.fail({ code: 'not-found' })).rejects.toMatchObject({ code: 'not-found', message: 'failed with not-found', retryable: false });
    await expect(client.math.fail({ code: 'internal' })).rejects.toMatchObject({ code: 'internal', retryable: true });
    await expect(client.math.crash({})).rejects.toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('refuses output that breaks the contract instead of passing it on', async () => {
    const { client } = await connect();
    await expect(client.math.lie({})).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('does not match the contract') as unknown });
  });

  it('cancels a call: the caller gets a cancelled error and the handler sees its signal abort', async () => {
    const { client } = await connect();
    const controller = new AbortController();
    const call = client.math.slow({ ms: 5000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('streams events to the caller only, before the result', async () => {
    const { client, hub } = await connect();
    const other = createClient(testApi, (await (async () => {
      const pair = await kind.open();
      opened.push(pair);
      serve(implementation(hub), pair.server);
      return pair;
    })()).client);
    const mine: string[] = [];
    const theirs: string[] = [];
    client.on('onWord', ({ word }) => mine.push(word));
    other.on('onWord', ({ word }) => theirs.push(word));
    await expect(client.math.stream({ words: ['a', 'photo', 'of'] })).resolves.toEqual({ count: 3 });
    expect(mine).toEqual(['a', 'photo', 'of']);
    expect(theirs).toEqual([]);
  });

  it('broadcasts hub events to every connection', async () => {
    const hub = new EventHub(testApi);
    const first = await connect(hub);
    const second = await connect(hub);
    const seen: string[] = [];
    first.client.on('onTick', ({ n }) => seen.push(`first ${n}`));
    second.client.on('onTick', ({ n }) => seen.push(`second ${n}`));
    await first.client.math.add({ a: 0 }); // connections are up
    await second.client.math.add({ a: 0 });
    hub.emit('onTick', { n: 1 });
    await expect.poll(() => seen.sort()).toEqual(['first 1', 'second 1']);
  });

  it('fails pending calls with a retryable disconnected error when the connection closes', async () => {
    const { client } = await connect();
    const call = client.math.slow({ ms: 5000 });
    const disconnected = new Promise<void>((resolve) => client.onDisconnect(resolve));
    await new Promise((r) => setTimeout(r, 20));
    opened[0]!.server.close();
    await expect(call).rejects.toMatchObject({ code: 'disconnected', retryable: true });
    await disconnected;
  });
});
