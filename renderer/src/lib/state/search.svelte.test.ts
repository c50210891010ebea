// SearchState: typing is debounced into one search, a superseded search never overwrites a newer one
// (a hand-written client for exact timing; the real API over the in-process transport), and the core
// stops a cancelled search.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { SearchHit } from '$common/photo.types.ts';
import { deferred, hasToySearch, openRealApi, type RealApi } from './real-api.test-support.ts';
import { SearchState } from './search.svelte.ts';

interface Reply {
  hits: SearchHit[];
  weaker: SearchHit[];
  goodMatches: boolean;
}

interface QueryCall {
  text: string;
  signal: AbortSignal | undefined;
  reply: ReturnType<typeof deferred<Reply>>;
}

/** Only search.query, answered when the test says (and, like a slow server, even after a cancel). */
function timedClient(): { client: PhotobindClient; queries: QueryCall[] } {
  const queries: QueryCall[] = [];
  const client = {
    search: {
      query(input: { text: string }, options?: { signal?: AbortSignal }) {
        const reply = deferred<Reply>();
        queries.push({ text: input.text, signal: options?.signal, reply });
        return reply.promise;
      },
    },
  };
  return { client: client as unknown as PhotobindClient, queries };
}

const hit = (name: string): SearchHit => ({ photo: { path: `/album/${name}.jpg`, fileName: `${name}.jpg` }, score: 0.5 }) as SearchHit;
const answer = (name: string): Reply => ({ hits: [hit(name)], weaker: [], goodMatches: true });

describe('SearchState with a hand-written client (timing)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends one search for a burst of keystrokes, after the typing pauses', async () => {
    vi.useFakeTimers();
    const { client, queries } = timedClient();
    const search = new SearchState(client, () => {});
    for (const text of ['r', 're', 'red', 'red ', 'red c', 'red car']) {
      search.setText(text);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(queries).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(queries.map((q) => q.text)).toEqual(['red car']);
    queries[0]!.reply.resolve(answer('car'));
    await vi.runAllTimersAsync();
    expect(search.hits.map((h) => h.photo.fileName)).toEqual(['car.jpg']);
    expect(search.answered).toBe('red car');
    expect(search.loading).toBe(false);
  });

  it('clearing the box cancels the pending search and sends none', async () => {
    vi.useFakeTimers();
    const { client, queries } = timedClient();
    let changes = 0;
    const search = new SearchState(client, () => changes++);
    search.setText('dog');
    search.setText('');
    await vi.advanceTimersByTimeAsync(1000);
    expect(queries).toHaveLength(0);
    expect(search.active).toBe(false);
    expect(changes).toBe(1);
  });

  it('a superseded search, answered last, never replaces the newer results', async () => {
    const { client, queries } = timedClient();
    let changes = 0;
    const search = new SearchState(client, () => changes++);
    search.setText('cat');
    search.submit();
    search.setText('dog');
    search.submit();
    expect(queries.map((q) => q.text)).toEqual(['cat', 'dog']);
    expect(queries[0]!.signal?.aborted).toBe(true);
    expect(queries[1]!.signal?.aborted).toBe(false);
    queries[1]!.reply.resolve(answer('dog'));
    await vi.waitFor(() => expect(search.answered).toBe('dog'));
    queries[0]!.reply.resolve(answer('cat'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(search.hits.map((h) => h.photo.fileName)).toEqual(['dog.jpg']);
    expect(search.answered).toBe('dog');
    expect(search.loading).toBe(false);
    expect(changes).toBe(1);
  });

  it('clearing the box while a search is on its way stops the spinner', async () => {
    const { client, queries } = timedClient();
    const search = new SearchState(client, () => {});
    search.setText('dog');
    search.submit();
    expect(search.loading).toBe(true);
    search.clear();
    expect(queries[0]!.signal?.aborted).toBe(true);
    queries[0]!.reply.resolve(answer('dog'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(search.loading).toBe(false);
    expect(search.hits).toEqual([]);
  });

  it('a superseded search that fails later leaves no error behind', async () => {
    const { client, queries } = timedClient();
    const search = new SearchState(client, () => {});
    search.setText('cat');
    search.submit();
    search.setText('dog');
    search.submit();
    queries[1]!.reply.resolve(answer('dog'));
    queries[0]!.reply.reject(new Error('the model process restarted'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(search.error).toBeNull();
    expect(search.hits.map((h) => h.photo.fileName)).toEqual(['dog.jpg']);
  });
});

describe.runIf(hasToySearch)('SearchState over the real API', () => {
  let api: RealApi;

  beforeAll(async () => {
    api = await openRealApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('cancels the superseded search and shows the newer one', async () => {
    const expected = await api.client.search.query({ text: 'blue' });
    api.clearCalls();
    const search = new SearchState(api.client, () => {});
    const release = api.holdReplies(); // the first search's answer is still on its way when the user types on
    search.setText('red car');
    search.submit();
    // Once the first search is on the wire, the newer one sends a cancel for it.
    await vi.waitFor(() => expect(api.calls).toEqual(['search.query']));
    search.setText('blue');
    search.submit();
    await vi.waitFor(() => expect(api.calls).toHaveLength(3));
    release();
    await vi.waitFor(() => expect(search.answered).toBe('blue'));
    expect(api.calls).toEqual(['search.query', 'cancel', 'search.query']);
    expect(search.hits).toEqual(expected.hits);
    expect(search.weaker).toEqual(expected.weaker);
    expect(search.hits.length + search.weaker.length).toBeGreaterThan(0);
    expect(search.error).toBeNull();
    await vi.waitFor(() => expect(search.loading).toBe(false));
  });

  it('a search superseded before it left is never sent', async () => {
    const search = new SearchState(api.client, () => {});
    api.clearCalls();
    search.setText('red car');
    search.submit();
    search.setText('night');
    search.submit();
    await vi.waitFor(() => expect(search.answered).toBe('night'));
    expect(api.calls).toEqual(['search.query']);
    expect(search.hits).toEqual((await api.client.search.query({ text: 'night' })).hits);
  });

  it('debounces real typing into one search.query', async () => {
    const search = new SearchState(api.client, () => {});
    api.clearCalls();
    for (const text of ['n', 'ni', 'nig', 'nigh', 'night']) search.setText(text);
    await vi.waitFor(() => expect(search.answered).toBe('night'), { timeout: 5000 });
    expect(api.calls).toEqual(['search.query']);
  });

  it('the core stops a cancelled search and keeps results unchanged otherwise', async () => {
    const core = await api.session.core();
    const aborted = new AbortController();
    aborted.abort();
    await expect(core.search.search('red car', { signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(core.search.similar(`${api.album}/pb-3-00000.jpg`, { signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const live = new AbortController();
    expect(await core.search.search('red car', { signal: live.signal })).toEqual(await core.search.search('red car'));
  });
});
