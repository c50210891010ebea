// Shared plumbing for CLI commands: global options, opening the library, output and progress lines.
import { formatBytes } from '../../../common/format-bytes.ts';
import type { Command } from 'commander';
import type { PhotobindCore } from '../photobind-core.ts';
import { acquireLibraryLock, lockHolderName } from '../library/library-lock.ts';
import { chooseLibrary, type LibraryChoice } from '../library/library-location.ts';
import { markTiming } from '../timing-trace.ts';
import { isDiskFull, LibraryDiskFullError } from '../library/disk-full.ts';

/** Sizes read the same in the CLI and the app. */
export { formatBytes };

export interface GlobalOptions {
  library?: string;
  models?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export interface OpenExtra {
  allowDownload?: boolean;
  /** The command adds folders of the user's: never the demo library by default (see chooseLibrary). */
  forNewFolders?: boolean;
  /** Models besides search the command needs (downloaded with progress when missing, like search's). */
  needs?: Array<'caption' | 'ask'>;
  /** Open the library only to read it (see [Note: read-only library access] in photobind-core.ts). */
  readOnly?: boolean;
}

let announced: string | undefined;
/**
 * The library this command uses, said once on stderr (stdout stays clean for --json and --paths):
 * "photobind: library DIR", with why when it is the demo library.
 */
export function libraryFor(options: GlobalOptions, extra: { forNewFolders?: boolean } = {}): LibraryChoice {
  const choice = chooseLibrary(options.library, extra);
  if (announced !== choice.dir) {
    announced = choice.dir;
    const why = {
      flag: '',
      env: ' (from $PHOTOBIND_LIBRARY)',
      default: '',
      demo: ' (the demo library: your own library does not exist yet; `photobind index FOLDER` starts it)',
    }[choice.source];
    process.stderr.write(`photobind: library ${choice.dir}${why}\n`);
  }
  return choice;
}

export async function openCore(options: GlobalOptions, extra: OpenExtra = {}): Promise<PhotobindCore> {
  const interactive = process.stderr.isTTY && !options.json;
  // The core (LanceDB, the model-process client) loads only in commands that open a library, so
  // `--help`, `--version` and `demo --out` start in a fraction of a second. See [Note: built layout].
  const { PhotobindCore } = await import('../photobind-core.ts');
  return PhotobindCore.open({
    libraryDir: libraryFor(options, extra).dir,
    ...(options.models ? { modelSet: options.models } : {}),
    allowDownload: extra.allowDownload ?? true,
    ...(extra.needs ? { needs: extra.needs } : {}),
    ...(extra.readOnly ? { readOnly: true } : {}),
    onDownloadProgress: (p) => {
      if (!interactive) return;
      const pct = p.totalBytes ? ` ${((100 * p.loadedBytes) / p.totalBytes).toFixed(0)}%` : '';
      status(`Downloading ${p.model} ${p.file}${pct} ${formatBytes(p.rate)}/s${p.etaSeconds != null ? `, ${formatDuration(p.etaSeconds)} left` : ''}`);
    },
  });
}

/**
 * Runs a command body with the library open, closing it (and the model process) afterwards. A command
 * that writes the library (the default) first takes its lock, waiting with a message while another
 * process holds it, and repairs rows left twice by older concurrent runs; a reading command (`access:
 * 'read'`) takes no lock, opens the library read-only and writes nothing, so it runs while another
 * process indexes ([Note: read-only library access]); a long-running one (`'passes'`,
 * watch) leaves the locking to each index pass ([Note: one writer per library]).
 */
export async function withCore<T>(options: GlobalOptions, body: (core: PhotobindCore) => Promise<T>, extra: OpenExtra & { access?: 'read' | 'passes' | 'write' } = {}): Promise<T> {
  const lock =
    extra.access === 'read' || extra.access === 'passes'
      ? null
      : await acquireLibraryLock(libraryFor(options, extra).dir, {
          command: lockHolderName(),
          onWait: (_holder, message) => process.stderr.write(`photobind: ${message}\n`),
        });
  try {
    const core = await openCore(options, extra.access === 'read' ? { ...extra, readOnly: true } : extra);
    markTiming('core-open');
    try {
      if (lock) await core.repairDuplicates();
      return await body(core);
    } finally {
      await core.close();
    }
  } catch (error) {
    // Any write that found the disk full (a table's commit, a thumbnail) reads as the one sentence.
    throw isDiskFull(error) && !(error instanceof LibraryDiskFullError) ? new LibraryDiskFullError(libraryFor(options, extra).dir, { cause: error }) : error;
  } finally {
    await lock?.release();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

let statusShown = false;
/** A transient one-line status on a terminal (stderr), overwritten by the next one. */
export function status(line: string): void {
  if (!process.stderr.isTTY) return;
  const width = process.stderr.columns || 100;
  process.stderr.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
  statusShown = true;
}

export function clearStatus(): void {
  if (statusShown && process.stderr.isTTY) process.stderr.write(`\r${' '.repeat((process.stderr.columns || 100) - 1)}\r`);
  statusShown = false;
}

/** "Indexing 40/300 · 12.5 photos/s · 21s left · 2 problems": a counted job's status line. */
export function progressLine(
  label: string,
  p: { done: number; total: number; rate: number; etaSeconds: number | null; failed: number },
  unit: string,
  failedWord: string,
): string {
  const eta = p.etaSeconds != null ? `${formatDuration(p.etaSeconds)} left` : 'estimating';
  return `${label} ${p.done}/${p.total} · ${p.rate.toFixed(1)} ${unit}/s · ${eta}${p.failed ? ` · ${p.failed} ${failedWord}` : ''}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

