// The transports available in Node, as connected pairs, so one contract suite can run over each.
import { MessageChannel } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import type { Transport } from '../../../common/api/transport.ts';
import { inProcessTransportPair } from '../../../common/api/transports/in-process.transport.ts';
import { messagePortTransport, type MessagePortLike } from '../../../common/api/transports/message-port.transport.ts';
import { webSocketTransport, type WebSocketLike } from '../../../common/api/transports/websocket.transport.ts';

export interface TransportPair {
  server: Transport;
  client: Transport;
  close(): Promise<void>;
}

export interface TransportKind {
  name: string;
  open(): Promise<TransportPair>;
}

export const TRANSPORTS: TransportKind[] = [
  {
    name: 'in-process',
    open: () => {
      const [server, client] = inProcessTransportPair();
      return Promise.resolve({ server, client, close: () => Promise.resolve(client.close()) });
    },
  },
  {
    name: 'MessagePort',
    open: () => {
      const channel = new MessageChannel();
      const server = messagePortTransport(channel.port1 as unknown as MessagePortLike);
      const client = messagePortTransport(channel.port2 as unknown as MessagePortLike);
      return Promise.resolve({
        server,
        client,
        close: () => {
          client.close();
          server.close();
          return Promise.resolve();
        },
      });
    },
  },
  {
    name: 'WebSocket',
    open: async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
      const port = (wss.address() as { port: number }).port;
      const accepted = new Promise<Transport>((resolve) => wss.once('connection', (socket) => resolve(webSocketTransport(socket as unknown as WebSocketLike))));
      const client = webSocketTransport(new WebSocket(`ws://127.0.0.1:${port}`) as unknown as WebSocketLike);
      await client.ready();
      const server = await accepted;
      return {
        server,
        client,
        close: async () => {
          client.close();
          for (const socket of wss.clients) socket.terminate();
          await new Promise<void>((resolve) => wss.close(() => resolve()));
        },
      };
    },
  },
];
