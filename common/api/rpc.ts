// The generic API layer: serve(implementation, transport) on the core side, createClient(contract, transport) on the UI side.
// Inputs are validated where they arrive, so handlers never see `unknown`; outputs and events are
// checked against the contract before they leave; errors cross as {code, message, retryable}.
import type { z } from 'zod';
import { ApiError, type ApiErrorData } from './api-error.ts';
import type { ApiClient, ApiHandlers, CallContext, CallOptions, ContractShape, EventName, EventPayload, MethodSpec } from './contract-kit.ts';
import type { EventHub } from './event-hub.ts';
import { WireMessageSchema, type Transport, type WireMessage } from './transport.ts';

export interface ApiImplementation<C extends ContractShape> {
  contract: C;
  handlers: ApiHandlers<C>;
  /** Events broadcast to every connection. */
  events?: EventHub<C>;
  /** Turns anything a handler throws into an ApiError (the default keeps ApiErrors and hides the rest). */
  toApiError?: (error: unknown) => ApiError;
}

export function implement<C extends ContractShape>(contract: C, handlers: ApiHandlers<C>, options: Omit<ApiImplementation<C>, 'contract' | 'handlers'> = {}): ApiImplementation<C> {
  return { contract, handlers, ...options };
}

type AnyHandler = (input: unknown, context: CallContext<ContractShape>) => Promise<unknown>;

function lookup<C extends ContractShape>(implementation: ApiImplementation<C>, name: string): { spec: MethodSpec; handler: AnyHandler } | undefined {
  const [domain, method, ...rest] = name.split('.');
  if (!domain || !method || rest.length) return undefined;
  const specs = Object.hasOwn(implementation.contract.methods, domain) ? implementation.contract.methods[domain] : undefined;
  const spec = specs && Object.hasOwn(specs, method) ? specs[method] : undefined;
  const handlers = (implementation.handlers as Record<string, Record<string, AnyHandler> | undefined>)[domain];
  const handler = handlers?.[method];
  return spec && handler ? { spec, handler: handler.bind(handlers) } : undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`)
    .join('; ');
}

function defaultToApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', error instanceof Error ? error.message : String(error));
}

/** Serves an implementation over one connection; returns a function that stops serving it. */
export function serve<C extends ContractShape>(implementation: ApiImplementation<C>, transport: Transport): () => void {
  const running = new Map<number, AbortController>();
  const toApiError = implementation.toApiError ?? defaultToApiError;
  let closed = false;

  const send = (message: WireMessage) => {
    if (!closed) transport.send(message);
  };
  const sendEvent = (name: string, payload: unknown) => {
    const schema = implementation.contract.events[name];
    if (!schema) throw new Error(`Unknown event ${name}`);
    send({ kind: 'event', name, payload: schema.parse(payload) });
  };

  const onCall = async (id: number, name: string, rawInput: unknown) => {
    const found = lookup(implementation, name);
    if (!found) return send({ kind: 'error', id, error: new ApiError('not-found', `There is no method ${name}.`).toData() });
    const input = found.spec.input.safeParse(rawInput);
    if (!input.success) return send({ kind: 'error', id, error: new ApiError('invalid-input', `${name}: ${describeIssues(input.error)}`).toData() });
    const controller = new AbortController();
    running.set(id, controller);
    const context: CallContext<C> = {
      signal: controller.signal,
      emitToCaller: <E extends EventName<C>>(event: E, payload: EventPayload<C, E>) => sendEvent(event, payload),
    };
    try {
      const output = await found.handler(input.data, context as unknown as CallContext<ContractShape>);
      const checked = found.spec.output.safeParse(output);
      if (!checked.success) throw new ApiError('internal', `${name} returned data that does not match the contract (${describeIssues(checked.error)}).`);
      send({ kind: 'result', id, output: checked.data });
    } catch (error) {
      send({ kind: 'error', id, error: (controller.signal.aborted ? new ApiError('cancelled', `${name} was cancelled.`) : toApiError(error)).toData() });
    } finally {
      running.delete(id);
    }
  };

  const stopMessages = transport.onMessage((raw) => {
    const parsed = WireMessageSchema.safeParse(raw);
    if (!parsed.success) return; // not ours: ignore rather than crash the connection
    const message = parsed.data;
    if (message.kind === 'call') void onCall(message.id, message.method, message.input);
    else if (message.kind === 'cancel') running.get(message.id)?.abort();
  });
  const stopEvents = implementation.events?.subscribe((name, payload) => sendEvent(name, payload));
  const stop = () => {
    if (closed) return;
    closed = true;
    stopMessages();
    stopEvents?.();
    stopClose();
    for (const controller of running.values()) controller.abort();
    running.clear();
  };
  const stopClose = transport.onClose(stop);
  return stop;
}

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
}

/** A typed client for a contract over one transport. */
export function createClient<C extends ContractShape>(contract: C, transport: Transport): ApiClient<C> {
  let nextId = 1;
  let closed = false;
  const pending = new Map<number, PendingCall>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.onMessage((raw) => {
    const parsed = WireMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === 'event') {
      for (const listener of [...(eventListeners.get(message.name) ?? [])]) listener(message.payload);
      return;
    }
    if (message.kind !== 'result' && message.kind !== 'error') return;
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (message.kind === 'result') call.resolve(message.output);
    else call.reject(ApiError.fromData(message.error));
  });
  const failAll = (error: ApiErrorData) => {
    for (const call of pending.values()) call.reject(ApiError.fromData(error));
    pending.clear();
  };
  const disconnectListeners = new Set<() => void>();
  transport.onClose(() => {
    const wasOpen = !closed;
    closed = true;
    failAll({ code: 'disconnected', message: 'The connection to Photobind closed.', retryable: true });
    if (wasOpen) for (const listener of [...disconnectListeners]) listener();
  });

  const call = async (name: string, input: unknown, options: CallOptions = {}): Promise<unknown> => {
    if (closed) throw new ApiError('disconnected', 'The connection to Photobind is closed.', true);
    options.signal?.throwIfAborted();
    await transport.ready();
    // Cancelled while the transport got ready: an already-aborted signal fires no 'abort' event later.
    if (options.signal?.aborted) throw new ApiError('cancelled', `${name} was cancelled.`);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!pending.delete(id)) return;
        transport.send({ kind: 'cancel', id });
        reject(new ApiError('cancelled', `${name} was cancelled.`));
      };
      pending.set(id, {
        resolve: (value) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      transport.send({ kind: 'call', id, method: name, input });
    });
  };

  const client: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      if (!Object.hasOwn(contract.events, event)) throw new Error(`Unknown event ${event}`);
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    ready: () => transport.ready(),
    onDisconnect(listener: () => void) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    close() {
      closed = true;
      transport.close();
      failAll({ code: 'disconnected', message: 'The client was closed.', retryable: false });
    },
  };
  for (const [domain, methods] of Object.entries(contract.methods)) {
    if (domain in client) throw new Error(`The domain name ${domain} clashes with a client method.`);
    const calls: Record<string, unknown> = {};
    for (const name of Object.keys(methods)) calls[name] = (input: unknown, options?: CallOptions) => call(`${domain}.${name}`, input, options);
    client[domain] = calls;
  }
  return client as ApiClient<C>;
}
