// What the API layer needs from a transport: send a message, receive messages, learn when it closes.
import { z } from 'zod';
import { ApiErrorSchema } from './api-error.ts';

/** Messages on the wire. Plain JSON-compatible data, so every transport can carry them. */
export const WireMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown() }),
  z.object({ kind: z.literal('cancel'), id: z.number().int() }),
  z.object({ kind: z.literal('result'), id: z.number().int(), output: z.unknown() }),
  z.object({ kind: z.literal('error'), id: z.number().int(), error: ApiErrorSchema }),
  z.object({ kind: z.literal('event'), name: z.string(), payload: z.unknown() }),
]);
export type WireMessage = z.infer<typeof WireMessageSchema>;

export interface Transport {
  send(message: WireMessage): void;
  /** Registers a listener for incoming messages (not yet validated); returns an unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  onClose(listener: () => void): () => void;
  /** Resolves once messages can be sent (a WebSocket that is still connecting). */
  ready(): Promise<void>;
  close(): void;
}

/** Small helper for transports: a set of listeners. */
export class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();

  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }

  fire(...args: A): void {
    for (const listener of [...this.set]) listener(...args);
  }

  clear(): void {
    this.set.clear();
  }
}
