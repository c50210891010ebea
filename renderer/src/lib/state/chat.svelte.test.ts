// ChatState: tokens streamed for one askId merge into one answer, and tokens of another askId never leak
// in (a hand-written client that fires tokens when the test says; two chats over the real API at once).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$common/api/api-error.ts';
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import { ChatState } from './chat.svelte.ts';
import { deferred, hasToyAsk, openRealApi, type RealApi } from './real-api.test-support.ts';

/** Only on('onAskToken') and chat.askPhoto; the test fires tokens and answers by hand. */
function timedClient() {
  const listeners: ((token: { askId: string; text: string }) => void)[] = [];
  const asks: { askId: string; path: string; reply: ReturnType<typeof deferred<{ answer: string }>> }[] = [];
  const client = {
    on(event: string, listener: (token: { askId: string; text: string }) => void) {
      if (event === 'onAskToken') listeners.push(listener);
      return () => {};
    },
    chat: {
      askPhoto(input: { askId: string; path: string }) {
        const reply = deferred<{ answer: string }>();
        asks.push({ askId: input.askId, path: input.path, reply });
        return reply.promise;
      },
    },
  };
  const token = (askId: string, text: string) => listeners.forEach((listener) => listener({ askId, text }));
  return { client: client as unknown as PhotobindClient, asks, token };
}

describe('ChatState with a hand-written client (token order)', () => {
  it('merges the tokens of its own askId into the streaming answer and ignores any other', async () => {
    const { client, asks, token } = timedClient();
    const chat = new ChatState(client);
    const done = chat.askPhoto('/album/a.jpg', '  is it day or night? ');
    expect(chat.busy).toBe(true);
    const { askId } = asks[0]!;
    token(askId, 'it is ');
    token('someone-else', 'WRONG ');
    token(askId, 'night');
    expect(chat.turnsFor('/album/a.jpg')).toEqual([
      { role: 'user', content: 'is it day or night?' },
      { role: 'assistant', content: 'it is night', streaming: true },
    ]);
    asks[0]!.reply.resolve({ answer: 'it is night' });
    await done;
    expect(chat.turnsFor('/album/a.jpg').at(-1)).toEqual({ role: 'assistant', content: 'it is night' });
    expect(chat.busy).toBe(false);
    // Late tokens of the finished answer change nothing.
    token(askId, ' and more');
    expect(chat.turnsFor('/album/a.jpg').at(-1)).toEqual({ role: 'assistant', content: 'it is night' });
  });

  it('a stopped answer keeps the tokens merged so far', async () => {
    const { client, asks, token } = timedClient();
    const chat = new ChatState(client);
    const done = chat.askPhoto('/album/b.jpg', 'where was this photo taken?');
    token(asks[0]!.askId, 'at the ');
    token(asks[0]!.askId, 'beach');
    asks[0]!.reply.reject(new ApiError('cancelled', 'chat.askPhoto was cancelled.'));
    await done;
    expect(chat.turnsFor('/album/b.jpg').at(-1)).toEqual({ role: 'assistant', content: 'at the beach' });
    expect(chat.error).toBeNull();
  });
});

describe.runIf(hasToyAsk)('ChatState over the real API', () => {
  let api: RealApi;

  beforeAll(async () => {
    api = await openRealApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('two chats asking at once on one connection each merge only their own tokens', async () => {
    const { photos } = await api.client.photos.list({ offset: 0, limit: 2 });
    const [first, second] = photos.map((p) => p.path) as [string, string];
    const one = new ChatState(api.client);
    const two = new ChatState(api.client);
    const askIdOf = (path: string) => (api.inputs.find((input) => (input as { path?: string } | undefined)?.path === path) as { askId: string } | undefined)?.askId;
    const streamed = new Map<string, string>();
    const mismatches: string[] = [];
    let checked = 0;
    // Registered after both chats, so it runs after their own onAskToken listeners for every token.
    api.client.on('onAskToken', ({ askId, text }) => {
      streamed.set(askId, (streamed.get(askId) ?? '') + text);
      for (const [chat, path] of [[one, first], [two, second]] as const) {
        const last = chat.turnsFor(path).at(-1);
        const own = askIdOf(path);
        if (!last?.streaming || !own) continue;
        checked++;
        if (last.content !== (streamed.get(own) ?? '')) mismatches.push(`${path}: "${last.content}" after token "${text}" of ${askId}`);
      }
    });
    api.clearCalls();
    await Promise.all([one.askPhoto(first, 'is it day or night?'), two.askPhoto(second, 'where was this photo taken?')]);
    expect(api.calls.filter((c) => c === 'chat.askPhoto')).toHaveLength(2);
    const [idOne, idTwo] = [askIdOf(first)!, askIdOf(second)!];
    expect(idOne).not.toBe(idTwo);
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(1);
    for (const [chat, path, askId] of [[one, first, idOne], [two, second, idTwo]] as const) {
      const answer = chat.turnsFor(path).at(-1)!;
      expect(answer.streaming).toBeUndefined();
      expect(answer.content.length).toBeGreaterThan(0);
      expect(streamed.get(askId)!.trim()).toBe(answer.content);
    }
    expect(one.turnsFor(second)).toEqual([]);
    expect(two.turnsFor(first)).toEqual([]);
    await vi.waitFor(() => expect(one.busy || two.busy).toBe(false));
  });
});
