// Broadcasts a contract's events to every connection that serves it (progress, library changes).
import type { ContractShape, EventName, EventPayload } from './contract-kit.ts';

export type AnyEventListener = (event: string, payload: unknown) => void;

export class EventHub<C extends ContractShape> {
  private readonly listeners = new Set<AnyEventListener>();

  constructor(readonly contract: C) {}

  emit<E extends EventName<C>>(event: E, payload: EventPayload<C, E>): void {
    for (const listener of [...this.listeners]) listener(event, payload);
  }

  subscribe(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
