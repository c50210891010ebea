// Writes a file atomically: to a temporary sibling, synced, then renamed over the target. A crash never
// leaves a half-written file, and a failed write (disk full) leaves no temporary file behind.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of a new file (default 0o666 less the umask); pass an existing file's mode to keep it. */
  mode?: number;
  /** Flush to disk before the rename (default true): what a user would lose in a power cut matters. */
  sync?: boolean;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Hidden, unique name beside the target (same file system, so the rename is atomic).
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temp, 'wx', options.mode === undefined ? 0o666 : options.mode & 0o7777);
    try {
      await handle.writeFile(data);
      if (options.sync ?? true) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw diskFullSentence(error, file);
  }
}

/** ENOSPC as a sentence a user can act on; other errors unchanged. */
export function diskFullSentence(error: unknown, file: string): unknown {
  if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') return error;
  return Object.assign(new Error(`The disk holding ${path.dirname(file)} is full, so ${path.basename(file)} could not be saved; free some space and try again.`, { cause: error }), { code: 'ENOSPC' });
}
