// Chat state: the conversation about the open photo (kept by the core), with answers streaming in
// token by token (onAskToken); and questions about the whole library, answered with photos as evidence.
import { SvelteMap } from 'svelte/reactivity';
import type { ChatMessage, PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { isCancelled, messageOf } from './errors.ts';

export interface ChatTurn extends ChatMessage {
  /** True while the assistant's answer is still streaming. */
  streaming?: boolean;
  /** For library answers: the photos the answer rests on. */
  photos?: Photo[];
}

/** The library conversation is kept under this key, next to the per-photo ones (keyed by path). */
export const LIBRARY_CHAT = '\u0000library';

function newAskId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `ask-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export class ChatState {
  /** Conversations by photo path (and LIBRARY_CHAT). */
  readonly conversations = new SvelteMap<string, ChatTurn[]>();
  error = $state<string | null>(null);
  private asking = $state<{ askId: string; key: string } | null>(null);
  readonly busy = $derived(this.asking !== null);

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onAskToken', ({ askId, text }) => {
      if (this.asking?.askId !== askId) return;
      const key = this.asking.key;
      const turns = this.conversations.get(key) ?? [];
      const last = turns.at(-1);
      if (!last?.streaming) return;
      this.conversations.set(key, [...turns.slice(0, -1), { ...last, content: last.content + text }]);
    });
  }

  turnsFor(key: string): ChatTurn[] {
    return this.conversations.get(key) ?? [];
  }

  /** Loads the conversation the core kept for a photo (once per session). */
  async load(path: string): Promise<void> {
    if (this.conversations.has(path)) return;
    this.error = null;
    try {
      const { messages } = await this.api.chat.conversation({ path });
      if (!this.conversations.has(path)) this.conversations.set(path, messages);
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** `time`: for a video, the question is about its frame at that many seconds. */
  askPhoto(path: string, question: string, time?: number): Promise<void> {
    return this.run(path, question, async (askId, text) => ({ content: (await this.api.chat.askPhoto({ askId, path, question: text, ...(time !== undefined ? { time } : {}) })).answer }));
  }

  askLibrary(question: string): Promise<void> {
    return this.run(LIBRARY_CHAT, question, async (askId, text) => {
      const { answer, photos } = await this.api.chat.askLibrary({ askId, question: text });
      return { content: answer, photos };
    });
  }

  async stop(): Promise<void> {
    if (this.asking) await this.api.chat.cancel({ askId: this.asking.askId });
  }

  async clear(key: string): Promise<void> {
    this.error = null;
    this.conversations.set(key, []);
    if (key !== LIBRARY_CHAT) await this.api.chat.clearConversation({ path: key }).catch((error: unknown) => (this.error = messageOf(error)));
  }

  private async run(key: string, question: string, ask: (askId: string, text: string) => Promise<Pick<ChatTurn, 'content' | 'photos'>>): Promise<void> {
    const text = question.trim();
    if (!text || this.asking) return;
    const askId = newAskId();
    const before = this.turnsFor(key);
    this.conversations.set(key, [...before, { role: 'user', content: text }, { role: 'assistant', content: '', streaming: true }]);
    this.asking = { askId, key };
    this.error = null;
    try {
      const reply = await ask(askId, text);
      this.replaceLast(key, { role: 'assistant', ...reply });
    } catch (error) {
      const last = this.turnsFor(key).at(-1);
      // A stopped answer keeps what was written; a failed question leaves no empty bubble behind.
      if (isCancelled(error) && last?.content) this.replaceLast(key, { role: 'assistant', content: last.content });
      else this.conversations.set(key, before);
      if (!isCancelled(error)) this.error = messageOf(error);
    } finally {
      this.asking = null;
    }
  }

  private replaceLast(key: string, turn: ChatTurn): void {
    const turns = this.turnsFor(key);
    this.conversations.set(key, [...turns.slice(0, -1), turn]);
  }
}
