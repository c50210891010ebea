// API handlers of the chat domain: the kept conversation about one photo (answers streamed to the
// caller as onAskToken) and grounded questions about the whole library.
import { ApiError } from '../../../common/api/api-error.ts';
import type { PhotobindHandlers } from '../../../common/api/photobind.contract.ts';
import type { LibrarySession } from './library-session.ts';
import { libraryPhoto, requireModel } from './photos.handlers.ts';
import { MomentError } from '../video/moment.service.ts';
import { VideoFrameError } from '../video/video-frame.ts';

export function chatHandlers(session: LibrarySession): PhotobindHandlers['chat'] {
  const running = new Map<string, AbortController>();

  /** Runs one streamed answer, cancellable by chat.cancel or by the caller going away. */
  const streaming = async <T>(askId: string, signal: AbortSignal, body: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (running.has(askId)) throw new ApiError('busy', `The question ${askId} is already being answered.`);
    const controller = new AbortController();
    const abort = () => controller.abort();
    running.set(askId, controller);
    signal.addEventListener('abort', abort, { once: true });
    try {
      return await body(controller.signal);
    } finally {
      running.delete(askId);
      signal.removeEventListener('abort', abort);
    }
  };

  return {
    async conversation({ path }) {
      const core = await session.core();
      await libraryPhoto(core, path);
      return { messages: await core.ask.conversation(path) };
    },

    async askPhoto({ askId, path, question, time }, context) {
      const core = await session.core();
      const photo = await libraryPhoto(core, path);
      await requireModel(core, 'ask');
      const answer = await streaming(askId, context.signal, (signal) => {
        const options = { signal, onToken: (text: string) => context.emitToCaller('onAskToken', { askId, text }) };
        // A video's moment: the question is about the frame at `time`.
        return time === undefined ? core.ask.askPhoto(photo.path, question, options) : core.moment.ask(photo.path, time, question, options).catch((error: unknown) => {
          throw error instanceof MomentError || error instanceof VideoFrameError ? new ApiError('invalid-input', error.message) : error;
        });
      });
      return { answer };
    },

    async askLibrary({ askId, question }, context) {
      const core = await session.core();
      const result = await streaming(askId, context.signal, (signal) =>
        core.ask.askLibrary(question, { signal, onToken: (text) => context.emitToCaller('onAskToken', { askId, text }) }),
      );
      return { answer: result.answer, photos: result.photos };
    },

    async clearConversation({ path }) {
      const core = await session.core();
      await libraryPhoto(core, path);
      await core.ask.clearConversation(path);
      return {};
    },

    cancel({ askId }) {
      const controller = running.get(askId);
      controller?.abort();
      return Promise.resolve({ cancelled: controller !== undefined });
    },
  };
}
