// One core port per window, over real MessagePorts (Node's worker_threads ports, the same transport the
// app uses) and the real API layer: twenty reloads leave one served connection, and the old ports close.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createClient, implement, serve } from '../../common/api/rpc.ts';
import { messagePortTransport, type MessagePortLike } from '../../common/api/transports/message-port.transport.ts';
import { coreHostApi } from './core-host.contract.ts';
import { RendererConnections } from './renderer-connections.ts';

const api = implement(coreHostApi, { media: { resolve: () => Promise.resolve({ media: null }), isLibraryPhoto: () => Promise.resolve({ known: false }) } });
const asPort = (port: MessagePort) => port as unknown as MessagePortLike;

/** What a page load does: a new channel, the core end served for the window, the page end returned with "closed" tracking. */
function load(connections: RendererConnections, window: number) {
  const { port1: page, port2: core } = new MessageChannel();
  let closed = false;
  page.on('close', () => (closed = true));
  connections.open(window, messagePortTransport(asPort(core)), (transport) => serve(api, transport));
  return { client: createClient(coreHostApi, messagePortTransport(asPort(page))), isClosed: () => closed };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('RendererConnections', () => {
  it('keeps one served port per window across reloads and closes the old ones', async () => {
    const connections = new RendererConnections();
    const loads = [];
    for (let reload = 0; reload < 20; reload += 1) loads.push(load(connections, 7));
    await settle();
    expect(connections.size).toBe(1);
    expect(loads.slice(0, -1).every((l) => l.isClosed())).toBe(true);
    const current = loads.at(-1)!;
    expect(current.isClosed()).toBe(false);
    await expect(current.client.media.resolve({ kind: 'photo', contentHash: 'a'.repeat(40) })).resolves.toEqual({ media: null });
    for (const l of loads) l.client.close();
  });

  it('windows are independent; a closed window closes its port', async () => {
    const connections = new RendererConnections();
    const first = load(connections, 1);
    const second = load(connections, 2);
    expect(connections.size).toBe(2);
    connections.close(1);
    await settle();
    expect(first.isClosed()).toBe(true);
    expect(second.isClosed()).toBe(false);
    expect(connections.size).toBe(1);
    second.client.close();
    await settle();
    expect(connections.size).toBe(0); // the page going away removes it too
  });
});
