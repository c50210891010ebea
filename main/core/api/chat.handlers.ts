// API handlers of the chat domain: questions about one photo, answered by the visual chat model with
// the answer streamed to the caller as onAskToken events.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';
import { libraryPhoto, requireModel } from './photos.handlers.ts';

export function chatHandlers(session: LibrarySession): PhotobindHandlers['chat'] {
  const running = new Map<string, () => void>();
  return {
    async askPhoto({ askId, path, messages }, context) {
      if (running.has(askId)) throw new ApiError('busy', `The question ${askId} is already being answered.`);
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      const model = await requireModel(core, 'ask');
      const client = await core.models();
      await client.start();
      // The id the request below gets, so it can be cancelled while it streams.
      const requestId = client.peekNextId();
      const cancel = () => client.cancel(requestId);
      running.set(askId, cancel);
      context.signal.addEventListener('abort', cancel, { once: true });
      try {
        const answer = await client.request({ type: 'ask', path: photo.path, messages }, (text) => context.emitToCaller('onAskToken', { askId, text }));
        return { answer: answer.trim(), model };
      } finally {
        running.delete(askId);
        context.signal.removeEventListener('abort', cancel);
      }
    },

    askLibrary() {
      return Promise.reject(new ApiError('not-implemented', 'Asking about the whole library is coming soon; for now, open a photo and ask about it.'));
    },

    cancel({ askId }) {
      const cancel = running.get(askId);
      cancel?.();
      return Promise.resolve({ cancelled: cancel !== undefined });
    },
  };
}
