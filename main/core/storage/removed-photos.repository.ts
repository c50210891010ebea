// The photos a person removed from the library (never from disk), kept in `removed-photos.json` in the library
// folder so that index passes and the watcher leave them out. See [Note: removing a photo from the library].
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/atomic-write.ts';

const RemovedPhotoSchema = z.object({
  /** The file's absolute path, as the library listed it. */
  path: z.string(),
  contentHash: z.string(),
  removedAt: z.string(),
  /** Manual albums it was in and whether it was a favourite, so that restoring it puts it back. */
  albums: z.array(z.string()),
  favourite: z.boolean(),
  /** Its caption (generated or the person's own), so that restoring it does not lose it. */
  caption: z.object({ text: z.string(), model: z.string().nullable(), edited: z.boolean() }).nullable().default(null),
});
export type RemovedPhoto = z.infer<typeof RemovedPhotoSchema>;
export type NewRemovedPhoto = z.input<typeof RemovedPhotoSchema>;

const RemovedFileSchema = z.object({ version: z.literal(1), removed: z.array(RemovedPhotoSchema) });
type RemovedFile = z.infer<typeof RemovedFileSchema>;

export class RemovedPhotosRepository {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  static inLibrary(libraryDir: string): RemovedPhotosRepository {
    return new RemovedPhotosRepository(path.join(libraryDir, 'removed-photos.json'));
  }

  async list(): Promise<RemovedPhoto[]> {
    return (await this.read()).removed;
  }

  /** The removed paths, for index passes to skip. */
  async paths(): Promise<Set<string>> {
    return new Set((await this.read()).removed.map((r) => r.path));
  }

  /** Records removals (a path removed again replaces its old entry). */
  add(entries: readonly NewRemovedPhoto[]): Promise<void> {
    return this.update((file) => {
      const again = new Set(entries.map((e) => e.path));
      file.removed = [...file.removed.filter((r) => !again.has(r.path)), ...entries.map((e) => RemovedPhotoSchema.parse(e))];
    });
  }

  /** Takes entries off the list (restored, or re-added with their folder); returns the entries taken. */
  take(select: (entry: RemovedPhoto) => boolean): Promise<RemovedPhoto[]> {
    return this.update((file) => {
      const taken = file.removed.filter(select);
      file.removed = file.removed.filter((r) => !select(r));
      return taken;
    });
  }

  private async read(): Promise<RemovedFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, removed: [] };
      throw error;
    }
    const parsed = RemovedFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a Photobind list of removed photos: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}.`);
    return parsed.data;
  }

  /** Reads, changes and writes the file, one change at a time (nothing written when nothing changed). */
  private update<T>(change: (current: RemovedFile) => T): Promise<T> {
    const run = this.chain.then(async () => {
      const current = await this.read();
      const before = JSON.stringify(current);
      const result = change(current);
      const after = JSON.stringify(current, null, 2);
      if (JSON.stringify(current) !== before) await writeFileAtomic(this.file, after + '\n');
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
