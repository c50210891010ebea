// Chat state: a conversation per photo, with the answer streaming in token by token (onAskToken).
import { SvelteMap } from 'svelte/reactivity';
import type { ChatMessage, PhotobindClient } from '$common/api/photobind.contract.ts';
import { ApiError } from '$common/api/api-error.ts';
import { messageOf } from './errors.ts';

export interface ChatTurn extends ChatMessage {
  /** True while the assistant's answer is still streaming. */
  streaming?: boolean;
}

function newAskId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `ask-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export class ChatState {
  /** Conversations by photo path. */
  readonly conversations = new SvelteMap<string, ChatTurn[]>();
  error = $state<string | null>(null);
  /** True when the model is missing: the panel then explains instead of offering a box that fails. */
  unavailable = $state(false);
  private asking = $state<{ askId: string; path: string } | null>(null);
  readonly busy = $derived(this.asking !== null);

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onAskToken', ({ askId, text }) => {
      if (this.asking?.askId !== askId) return;
      const path = this.asking.path;
      const turns = this.conversations.get(path) ?? [];
      const last = turns.at(-1);
      if (!last?.streaming) return;
      this.conversations.set(path, [...turns.slice(0, -1), { ...last, content: last.content + text }]);
    });
  }

  turnsFor(path: string): ChatTurn[] {
    return this.conversations.get(path) ?? [];
  }

  async ask(path: string, question: string): Promise<void> {
    const text = question.trim();
    if (!text || this.asking) return;
    const askId = newAskId();
    const history: ChatMessage[] = this.turnsFor(path).filter((t) => t.content).map(({ role, content }) => ({ role, content }));
    const messages: ChatMessage[] = [...history, { role: 'user', content: text }];
    this.conversations.set(path, [...messages, { role: 'assistant', content: '', streaming: true }]);
    this.asking = { askId, path };
    this.error = null;
    try {
      const { answer } = await this.api.chat.askPhoto({ askId, path, messages });
      this.finish(path, answer);
    } catch (error) {
      this.finish(path, null);
      if (error instanceof ApiError && error.code === 'model-unavailable') this.unavailable = true;
      this.error = messageOf(error);
    } finally {
      this.asking = null;
    }
  }

  async stop(): Promise<void> {
    if (this.asking) await this.api.chat.cancel({ askId: this.asking.askId });
  }

  clear(path: string): void {
    this.conversations.delete(path);
    this.error = null;
  }

  private finish(path: string, answer: string | null): void {
    const turns = this.conversations.get(path) ?? [];
    const last = turns.at(-1);
    if (!last?.streaming) return;
    const content = answer ?? last.content;
    // A failed question leaves no empty answer behind (the error is shown instead).
    this.conversations.set(path, content ? [...turns.slice(0, -1), { role: 'assistant', content }] : turns.slice(0, -2));
  }
}
