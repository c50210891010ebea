// The chat domain of the API contract: ask about one photo (answers stream as onAskToken) or the library.
import { z } from 'zod';
import { method } from '../contract-kit.ts';

export const ChatMessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(4000) });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

const ConversationSchema = z
  .array(ChatMessageSchema)
  .min(1)
  .max(50)
  .refine((messages) => messages.at(-1)?.role === 'user', 'The conversation must end with a question.');

/** Chosen by the caller, so it can match streamed tokens (and cancel) before the answer returns. */
const AskIdSchema = z.string().regex(/^[\w-]{1,64}$/);

export const AskTokenSchema = z.object({ askId: z.string(), text: z.string() });

export const chatMethods = {
  askPhoto: method(
    z.object({ askId: AskIdSchema, path: z.string().min(1).max(4096), messages: ConversationSchema }),
    z.object({ answer: z.string(), model: z.string() }),
    'Answers a question about one photo; the answer streams as onAskToken events to the caller.',
  ),
  askLibrary: method(
    z.object({ askId: AskIdSchema, messages: ConversationSchema }),
    z.object({ answer: z.string(), model: z.string() }),
    'Answers a question about the whole library (not built yet: fails with not-implemented).',
  ),
  cancel: method(z.object({ askId: AskIdSchema }), z.object({ cancelled: z.boolean() }), 'Stops a streaming answer; the text so far is returned by the ask call.'),
};
