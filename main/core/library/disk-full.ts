// Writes into the library (thumbnails, the database) when its disk is full: the failure is told as a
// sentence naming the folder, not as a raw errno or LanceDB message, and stops the run (it is no photo's
// problem). Photos indexed before it are kept (every commit is whole), so a rerun continues. Temporary
// files are cleaned by writeFileAtomic (shared/atomic-write.ts).

/** The library's disk (or the user's quota) is full. */
export class LibraryDiskFullError extends Error {
  constructor(readonly folder: string, options?: { cause?: unknown }) {
    super(`The disk that holds ${folder} is full. Free some space there and run the same command again; everything Photobind saved before this is kept.`, options);
    this.name = 'LibraryDiskFullError';
  }
}

/** ENOSPC/EDQUOT as Node reports them, or LanceDB's (Rust's) "No space left on device (os error 28)". */
export function isDiskFull(error: unknown): boolean {
  if (error instanceof LibraryDiskFullError) return true;
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /no space left on device|os error 28\b|disk quota exceeded|os error 122\b/i.test(message);
}
