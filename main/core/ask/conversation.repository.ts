// Keeps each photo's chat (per content hash, so it follows the photo when moved) as a small JSON file.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/atomic-write.ts';

export const ChatMessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string(), at: z.string() });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
const ConversationSchema = z.object({ messages: z.array(ChatMessageSchema) });

export class ConversationRepository {
  constructor(private readonly dir: string) {}

  private file(contentHash: string): string {
    if (!/^[0-9a-f]{8,64}$/.test(contentHash)) throw new Error(`Invalid photo id ${contentHash}.`);
    return path.join(this.dir, `${contentHash}.json`);
  }

  async read(contentHash: string): Promise<ChatMessage[]> {
    try {
      return ConversationSchema.parse(JSON.parse(await fs.readFile(this.file(contentHash), 'utf8'))).messages;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async write(contentHash: string, messages: ChatMessage[]): Promise<void> {
    await writeFileAtomic(this.file(contentHash), JSON.stringify({ messages }, null, 2));
  }

  async clear(contentHash: string): Promise<void> {
    await fs.rm(this.file(contentHash), { force: true });
  }
}
