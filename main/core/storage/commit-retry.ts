// LanceDB commit conflicts are retried with backoff, never fatal: a write that lost a race to another
// commit (another process, or compaction) runs again against the latest version.
// See [Note: one writer per library] in main/core/library/library-lock.ts: the lock keeps writers apart;
// this covers what still overlaps (a reader's repair, an app and a CLI both writing captions).
import { SerialWork } from '../serial-work.ts';
import { isDiskFull, LibraryDiskFullError } from '../library/disk-full.ts';

/** True for LanceDB's "Retryable commit conflict" (and other commit conflicts it asks to retry). */
export function isCommitConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /commit conflict|was preempted by concurrent transaction|please retry/i.test(message);
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  onRetry?: (attempt: number, error: Error) => void;
}

/**
 * Runs `work`, running it again after a commit conflict with exponential backoff and jitter (50 ms,
 * 100 ms, ... up to ~6 s). Writes here are idempotent (merge-inserts and deletes by key), so a retry is
 * safe. After the last attempt the conflict is reported as a sentence, not LanceDB's raw message.
 */
export async function retryCommitConflicts<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 50;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isCommitConflict(error)) throw error;
      if (attempt >= attempts) {
        throw new Error(`Another process kept writing the library at the same time (${attempts} tries); run the command again when it has finished.`, { cause: error });
      }
      options.onRetry?.(attempt, error as Error);
      const delay = Math.min(base * 2 ** (attempt - 1), 6400);
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }
}

/** SerialWork whose pieces retry commit conflicts (the store's write queue); a full disk is told as a sentence. */
export class RetryingSerialWork extends SerialWork {
  constructor(private readonly folder: string) {
    super();
  }

  override run<T>(work: () => Promise<T>): Promise<T> {
    return super.run(() =>
      retryCommitConflicts(work).catch((error: unknown) => {
        throw isDiskFull(error) ? new LibraryDiskFullError(this.folder, { cause: error }) : error;
      }),
    );
  }
}
