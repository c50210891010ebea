// Albums, favourites and live albums of a library, kept in one small JSON file in the library folder
// (never in photo folders), written atomically. See [Note: albums live in a JSON file].
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/atomic-write.ts';
import { SearchFiltersSchema } from '../../../common/photo.types.ts';

// [Note: albums live in a JSON file]
// Albums are a few hundred small records (names, lists of content hashes, saved searches), read whole and
// changed rarely, by one process (the core). A JSON file beside settings.json, replaced by write-then-rename,
// is crash-safe, readable by a person, and needs no schema migration; LanceDB's columnar tables are built for
// the 100k-row photo table and its vectors, and would add a version per tiny edit. Members are content
// hashes, not paths, so an album keeps a photo that was moved or renamed (the library's identity rule).
// Writes go through one promise chain, so two quick edits never lose one another.

const ManualAlbumSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.literal('manual'),
  createdAt: z.string(),
  members: z.array(z.string()),
});
const LiveAlbumSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.literal('live'),
  createdAt: z.string(),
  /** The saved search: words (may be empty: filters only) and filters. */
  query: z.object({ text: z.string(), filters: SearchFiltersSchema }),
});
export const StoredAlbumSchema = z.discriminatedUnion('kind', [ManualAlbumSchema, LiveAlbumSchema]);
export type StoredAlbum = z.infer<typeof StoredAlbumSchema>;

const AlbumsFileSchema = z.object({
  version: z.literal(1),
  albums: z.array(StoredAlbumSchema),
  favourites: z.array(z.string()),
});
export type AlbumsFile = z.infer<typeof AlbumsFileSchema>;

const EMPTY: AlbumsFile = { version: 1, albums: [], favourites: [] };

export class AlbumsRepository {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The file in a library folder. */
  static inLibrary(libraryDir: string): AlbumsRepository {
    return new AlbumsRepository(path.join(libraryDir, 'albums.json'));
  }

  async read(): Promise<AlbumsFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
    const parsed = AlbumsFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a Photobind albums file: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}.`);
    return parsed.data;
  }

  /** Reads, changes and writes the file, one change at a time. */
  update<T>(change: (current: AlbumsFile) => T): Promise<T> {
    const run = this.chain.then(async () => {
      const current = await this.read();
      const result = change(current);
      await writeFileAtomic(this.file, JSON.stringify(current, null, 2) + '\n');
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
