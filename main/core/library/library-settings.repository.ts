// Persists a library's settings (model set, watched roots) as a small JSON file, written atomically.
import fs from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/atomic-write.ts';

export const LibrarySettingsSchema = z.object({
  version: z.literal(1),
  /** Model set used by this library ('default', 'toy', ...); remembered so every command agrees. */
  modelSet: z.string(),
  /** Folders the library indexes (absolute, real paths). */
  roots: z.array(z.string()),
  /** Caption photos as they are indexed. */
  autoCaption: z.boolean(),
  /** Preferred device; 'auto' picks the best that works. */
  device: z.string(),
  /** Find faces and group them into people (opt-in, as Ente does: faces are personal data); switching it off deletes all face data. */
  faceGrouping: z.boolean(),
});
export type LibrarySettings = z.infer<typeof LibrarySettingsSchema>;

export const DEFAULT_SETTINGS: LibrarySettings = { version: 1, modelSet: 'default', roots: [], autoCaption: false, device: 'auto', faceGrouping: false };

export class LibrarySettingsRepository {
  constructor(private readonly file: string) {}

  async exists(): Promise<boolean> {
    return fs.access(this.file).then(() => true, () => false);
  }

  async read(): Promise<LibrarySettings> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...DEFAULT_SETTINGS };
      throw error;
    }
    const parsed = LibrarySettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) });
    if (!parsed.success) throw new Error(`The library settings file ${this.file} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); fix or delete it.`);
    return parsed.data;
  }

  async write(settings: LibrarySettings): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(settings, null, 2) + '\n');
  }

  async update(change: (current: LibrarySettings) => LibrarySettings): Promise<LibrarySettings> {
    const next = change(await this.read());
    await this.write(next);
    return next;
  }
}

