// The library's writer lock: one process at a time writes a library (the app, `photobind index`, `watch`,
// `caption`...); the others wait, saying who holds it, and read commands never wait.
// [Note: one writer per library]
// LanceDB lets several processes write one table, but two index passes that both find the same new
// photos both insert them (appends do not conflict), leaving duplicate rows for good, and overlapping
// commits fail with "Retryable commit conflict". So writers take `library.lock` in the library folder:
// created whole (written aside, then hard-linked into place, which fails if it exists; O_EXCL where a
// file system has no hard links), it holds the holder's pid, host, command and start time. A lock whose holder is
// gone (same host, pid no longer running; or an empty/unreadable lock file older than a few seconds,
// from a crash while it was written) is stale and taken over; the takeover itself is guarded by a
// second O_EXCL file so two waiters cannot both remove a fresh lock. A lock from another host (a library
// on a network share) is respected as long as it exists. Within one process the lock is shared
// (counted), so nested writers do not wait for themselves. Who takes it: CLI writers (index, caption,
// demo) for the whole command; every index pass and model switch (IndexService.exclusively), which is
// how the app and `watch` coordinate, holding it only while a pass runs. A long-lived process's store
// reads the version it last saw, so a pass first catches up (PhotoStoreRepository.refresh) with what
// the previous holder committed. Read commands (search, info, status, problems) take no lock: LanceDB
// readers see the last committed version.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { unlinkSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'library.lock';
const TAKEOVER_FILE = 'library.lock.takeover';
/** An empty or unreadable lock (or takeover) file older than this is left over from a crash. */
const UNREADABLE_STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  host: string;
  /** What holds it, e.g. "photobind index ~/Pictures" or "Photobind app". */
  command: string;
  since: string;
}

export interface AcquireOptions {
  command: string;
  /** Called once when the lock is busy and we start waiting (with who holds it). */
  onWait?: (holder: LockHolder, message: string) => void;
  /** Give up after this long (default: wait as long as it takes). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export class LibraryBusyError extends Error {
  constructor(readonly holder: LockHolder, libraryDir: string) {
    super(`The library ${libraryDir} is in use by ${describeHolder(holder)}; try again when it has finished.`);
    this.name = 'LibraryBusyError';
  }
}

/** How this process names itself in the lock: the CLI command line, or the app. */
export function lockHolderName(): string {
  const script = process.argv[1] ?? '';
  return /photobind(\.js)?$/.test(script) ? ['photobind', ...process.argv.slice(2)].join(' ') : 'the Photobind app';
}

/** "`photobind index ~/Pictures` (pid 4242 on laptop, since 10:04:31)". */
export function describeHolder(holder: LockHolder): string {
  const since = new Date(holder.since);
  const time = Number.isNaN(since.getTime()) ? holder.since : since.toLocaleTimeString();
  return `\`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${time})`;
}

export interface LibraryLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

interface HeldLock {
  holder: LockHolder;
  count: number;
  file: string;
}

/** Locks this process holds, by lock file path (shared by nested writers of one process). */
const held = new Map<string, HeldLock>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.command !== 'string' || typeof value.since !== 'string') return null;
    return { pid: value.pid, host: value.host, command: value.command, since: value.since };
  } catch {
    return null;
  }
}

/** Who holds the library's lock now (null when nobody, or only a stale holder does). */
export async function currentHolder(libraryDir: string): Promise<LockHolder | null> {
  const file = path.join(path.resolve(libraryDir), LOCK_FILE);
  const mine = held.get(file);
  if (mine) return mine.holder;
  const state = await inspect(file);
  return state.kind === 'held' ? state.holder : null;
}

type LockState = { kind: 'free' } | { kind: 'held'; holder: LockHolder } | { kind: 'stale'; text: string };

async function inspect(file: string): Promise<LockState> {
  const [text, stat] = await Promise.all([fs.readFile(file, 'utf8').catch(() => null), fs.stat(file).catch(() => null)]);
  if (text === null || !stat) return { kind: 'free' };
  const holder = parseHolder(text);
  if (!holder) return Date.now() - stat.mtimeMs > UNREADABLE_STALE_MS ? { kind: 'stale', text } : { kind: 'held', holder: { pid: 0, host: os.hostname(), command: 'a process that is starting', since: stat.mtime.toISOString() } };
  // Our own pid in a lock this process does not hold: left by an earlier process that had the same pid.
  if (holder.host === os.hostname() && (holder.pid === process.pid ? !held.has(file) : !pidAlive(holder.pid))) return { kind: 'stale', text };
  return { kind: 'held', holder };
}

/** Removes a stale lock, unless it changed since we read it (someone else took it over first). */
async function takeOver(dir: string, file: string, staleText: string): Promise<void> {
  const guard = path.join(dir, TAKEOVER_FILE);
  const claimed = await fs.open(guard, 'wx').then(
    (handle) => handle.close().then(() => true),
    async () => {
      const stat = await fs.stat(guard).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > UNREADABLE_STALE_MS) await fs.rm(guard, { force: true });
      return false;
    },
  );
  if (!claimed) return;
  try {
    const now = await fs.readFile(file, 'utf8').catch(() => null);
    if (now === staleText) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  // Written to a private file first, then hard-linked into place: the lock appears whole, never empty.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(temp, JSON.stringify(holder) + '\n');
  try {
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    return createExclusive(file, holder); // no hard links here (some network shares)
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function createExclusive(file: string, holder: LockHolder): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder) + '\n');
  } finally {
    await handle.close();
  }
  return true;
}

function releaseOnExit(): void {
  for (const lock of held.values()) {
    try {
      const holder = parseHolder(readFileSync(lock.file, 'utf8'));
      if (holder?.pid === process.pid) unlinkSync(lock.file);
    } catch {
      // Already gone.
    }
  }
  held.clear();
}
let exitHookInstalled = false;

/**
 * Takes the library's writer lock, waiting while another live process holds it. See
 * [Note: one writer per library].
 */
export async function acquireLibraryLock(libraryDir: string, options: AcquireOptions): Promise<LibraryLock> {
  await fs.mkdir(libraryDir, { recursive: true });
  const file = path.join(path.resolve(libraryDir), LOCK_FILE);
  const mine = held.get(file);
  if (mine) {
    mine.count += 1;
    return handle(mine);
  }
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), command: options.command, since: new Date().toISOString() };
  const started = Date.now();
  let told = false;
  let delay = options.pollMs ?? 100;
  for (;;) {
    options.signal?.throwIfAborted();
    const again = held.get(file); // another writer of this process got it while we waited
    if (again) {
      again.count += 1;
      return handle(again);
    }
    if (await tryCreate(file, holder)) break;
    const state = await inspect(file);
    if (state.kind === 'stale') {
      await takeOver(path.dirname(file), file, state.text);
      continue;
    }
    if (state.kind === 'held') {
      if (!told) {
        told = true;
        options.onWait?.(state.holder, `The library is in use by ${describeHolder(state.holder)}; waiting for it to finish (Ctrl-C to stop)…`);
      }
      if (options.timeoutMs !== undefined && Date.now() - started >= options.timeoutMs) throw new LibraryBusyError(state.holder, libraryDir);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, options.pollMs ?? 1000);
  }
  const entry: HeldLock = { holder, count: 1, file };
  held.set(file, entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', releaseOnExit);
  }
  return handle(entry);
}

function handle(entry: HeldLock): LibraryLock {
  let released = false;
  return {
    holder: entry.holder,
    async release() {
      if (released) return;
      released = true;
      entry.count -= 1;
      if (entry.count > 0) return;
      held.delete(entry.file);
      const holder = parseHolder(await fs.readFile(entry.file, 'utf8').catch(() => ''));
      if (holder?.pid === process.pid) await fs.rm(entry.file, { force: true });
    },
  };
}
