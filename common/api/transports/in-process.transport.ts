// In-process transport (tests, and anything that hosts the core itself): two linked ends, delivering
// asynchronously and through a JSON round trip, so it behaves like a real wire.
import { Listeners, type Transport, type WireMessage } from '../transport.ts';

export function inProcessTransportPair(): [Transport, Transport] {
  const ends = [0, 1].map(() => ({ messages: new Listeners<[unknown]>(), closes: new Listeners<[]>() }));
  let closed = false;
  const make = (self: number): Transport => {
    const peer = ends[1 - self]!;
    const own = ends[self]!;
    return {
      send(message: WireMessage) {
        if (closed) return;
        const copy = JSON.parse(JSON.stringify(message)) as unknown;
        queueMicrotask(() => {
          if (!closed) peer.messages.fire(copy);
        });
      },
      onMessage: (listener) => own.messages.add(listener),
      onClose: (listener) => own.closes.add(listener),
      ready: () => (closed ? Promise.reject(new Error('closed')) : Promise.resolve()),
      close() {
        if (closed) return;
        closed = true;
        for (const end of ends) end.closes.fire();
      },
    };
  };
  return [make(0), make(1)];
}
