// Adapts Electron's MessagePortMain (an EventEmitter) to the DOM-style port the API transport expects.
import type { MessagePortMain } from 'electron';
import type { MessagePortLike } from '../../common/api/transports/message-port.transport.ts';

export function domStylePort(port: MessagePortMain): MessagePortLike {
  return {
    postMessage: (message: unknown) => port.postMessage(message),
    addEventListener: ((type: 'message' | 'close', listener: (event: { data: unknown }) => void) => {
      if (type === 'message') port.on('message', (event) => listener({ data: event.data as unknown }));
      else port.on('close', () => listener({ data: undefined }));
    }) as MessagePortLike['addEventListener'],
    start: () => port.start(),
    close: () => port.close(),
  };
}
