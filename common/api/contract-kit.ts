// The generic shape of an API contract (methods grouped by domain, plus events) and the types inferred from it.
import type { z } from 'zod';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  summary: string;
}

export type DomainSpec = Record<string, MethodSpec>;

export interface ContractShape {
  methods: Record<string, DomainSpec>;
  events: Record<string, z.ZodType>;
}

/** Declares one method: what it takes, what it gives back, and one line saying what it does. */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): MethodSpec<I, O> {
  return { input, output, summary };
}

/** Identity with a type check: a contract is plain data, so every transport and both sides share it. */
export function defineContract<C extends ContractShape>(contract: C): C {
  for (const [domain, methods] of Object.entries(contract.methods)) {
    for (const name of Object.keys(methods)) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(domain) || !/^[a-z][A-Za-z0-9]*$/.test(name)) throw new Error(`Bad method name ${domain}.${name}`);
    }
  }
  return contract;
}

export type DomainOf<C extends ContractShape> = keyof C['methods'] & string;
export type MethodOf<C extends ContractShape, D extends DomainOf<C>> = keyof C['methods'][D] & string;
type Spec<C extends ContractShape, D extends DomainOf<C>, M extends MethodOf<C, D>> = C['methods'][D][M];

/** What a caller passes (before defaults are applied). */
export type InputOf<C extends ContractShape, D extends DomainOf<C>, M extends MethodOf<C, D>> = z.input<Spec<C, D, M>['input']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedInputOf<C extends ContractShape, D extends DomainOf<C>, M extends MethodOf<C, D>> = z.output<Spec<C, D, M>['input']>;
export type OutputOf<C extends ContractShape, D extends DomainOf<C>, M extends MethodOf<C, D>> = z.output<Spec<C, D, M>['output']>;

export type EventName<C extends ContractShape> = keyof C['events'] & string;
export type EventPayload<C extends ContractShape, E extends EventName<C>> = z.output<C['events'][E]>;
export type EventListener<C extends ContractShape, E extends EventName<C>> = (payload: EventPayload<C, E>) => void;

export interface CallOptions {
  signal?: AbortSignal;
}

/** The typed client: `client.library.addFolder({ path })`, `client.on('onDidIndexProgress', ...)`. */
export type ApiClient<C extends ContractShape> = {
  [D in DomainOf<C>]: {
    [M in MethodOf<C, D>]: (input: InputOf<C, D, M>, options?: CallOptions) => Promise<OutputOf<C, D, M>>;
  };
} & {
  on<E extends EventName<C>>(event: E, listener: EventListener<C, E>): () => void;
  /** Resolves when the transport is usable (rejects with a 'disconnected' ApiError if it cannot open). */
  ready(): Promise<void>;
  /** Called once if the connection to the core is lost. */
  onDisconnect(listener: () => void): () => void;
  close(): void;
};

/** Given to each handler: cancellation, and events sent to this caller only (e.g. streamed tokens). */
export interface CallContext<C extends ContractShape> {
  signal: AbortSignal;
  emitToCaller: <E extends EventName<C>>(event: E, payload: EventPayload<C, E>) => void;
}

export type ApiHandlers<C extends ContractShape> = {
  [D in DomainOf<C>]: {
    [M in MethodOf<C, D>]: (input: ParsedInputOf<C, D, M>, context: CallContext<C>) => Promise<OutputOf<C, D, M>>;
  };
};
