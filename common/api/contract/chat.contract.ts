// The chat domain of the API contract: a kept conversation per photo (answers stream as onAskToken),
// and questions about the whole library, answered from the photos with the photos as evidence.
import { z } from 'zod';
import { PhotoSchema } from '../../photo.types.ts';
import { method } from '../contract-kit.ts';

export const ChatMessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Chosen by the caller, so it can match streamed tokens (and cancel) before the answer returns. */
const AskIdSchema = z.string().regex(/^[\w-]{1,64}$/);
const QuestionSchema = z.string().trim().min(1, 'Type a question.').max(2000);
const PhotoPathSchema = z.string().min(1).max(4096);

export const AskTokenSchema = z.object({ askId: z.string(), text: z.string() });

export const chatMethods = {
  conversation: method(z.object({ path: PhotoPathSchema }), z.object({ messages: z.array(ChatMessageSchema) }), 'The conversation kept for a photo.'),
  askPhoto: method(
    /** `time`: for a video, the question is about its frame at that many seconds (the video keeps one conversation). */
    z.object({ askId: AskIdSchema, path: PhotoPathSchema, question: QuestionSchema, time: z.number().min(0).optional() }),
    z.object({ answer: z.string() }),
    'Asks about one photo, with its conversation so far as context; the answer streams as onAskToken to the caller and is kept.',
  ),
  askLibrary: method(
    z.object({ askId: AskIdSchema, question: QuestionSchema }),
    z.object({ answer: z.string(), photos: z.array(PhotoSchema) }),
    'Answers a question about the whole library ("how many photos of dogs on the beach?") with the photos it rests on.',
  ),
  clearConversation: method(z.object({ path: PhotoPathSchema }), z.object({}), 'Forgets the conversation about a photo.'),
  cancel: method(z.object({ askId: AskIdSchema }), z.object({ cancelled: z.boolean() }), 'Stops a streaming answer; the ask call then returns the text so far.'),
};
