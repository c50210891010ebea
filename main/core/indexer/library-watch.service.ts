// Keeps the library in step with its folders: chokidar events are gathered, settled, and applied in
// batches through the index service, so moves keep their embeddings and bursts do not stall search.
// [Note: watching without losing photos]
// A root that disappears (unplugged drive, unmounted share) is marked offline and its photos are kept;
// only files that vanish from a root that is still present are removed. Native watching can fail
// (EMFILE/ENOSPC: too many watches; network shares): we then switch to polling rather than go blind.
// A rename or a move arrives as a delete now and an add later: chokidar reports the old path's unlink at
// once, but the new path's add only after write-finish detection has seen its size hold still. Were the
// delete applied first, the add would find no row with its content and the photo would be embedded again,
// losing its caption and the user's edits. So a delete waits out a move window (longer than write-finish
// detection plus the settle time) while adds are applied as they come: an add of the same content (same
// size, then same content hash — the index service's reuse) finds the old row still there and takes its
// vector, caption and edits with no model work; the old path is dropped when its window ends. A path that
// reappears within the window was never gone.
import { EventEmitter } from 'node:events';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { IndexService, IndexSummary } from './index.service.ts';
import { isInside } from '../shared/path-inside.ts';
import { isSkippedFolderName, type ScannedFile } from './folder-scanner.ts';
import { photosOfSidecar } from '../media/sidecar-stamp.ts';

/** A photo's XMP sidecar: its changes are the photo's (see [Note: sidecar metadata belongs to the path]). */
const isSidecar = (file: string) => path.extname(file).toLowerCase() === '.xmp';

export interface WatchOptions {
  /** Quiet time after the last event before changes are applied. */
  settleMs?: number;
  /** Write-finish detection: a file must keep its size this long before it is read. */
  writeStableMs?: number;
  usePolling?: boolean;
  /** How often roots are checked for going offline or coming back. */
  rootCheckMs?: number;
  /** How long a delete waits for the add that would make it a move (default: write-finish + settle + 2 s). */
  moveWindowMs?: number;
}

export interface WatchEvents {
  applied: [IndexSummary];
  rootOffline: [string];
  rootOnline: [string];
  polling: [string];
  error: [Error];
}

export class LibraryWatchService extends EventEmitter<WatchEvents> {
  private watcher: FSWatcher | undefined;
  private readonly changed = new Set<string>();
  /** Sidecars added, changed or deleted: their photos are looked up when the changes are applied. */
  private readonly sidecars = new Set<string>();
  /** Deleted paths and folders, with when the delete was seen (they wait out the move window). */
  private readonly removed = new Map<string, number>();
  private readonly removedDirs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private rootTimer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();
  private readonly offline = new Set<string>();
  private roots: string[] = [];
  private polling: boolean;

  constructor(
    private readonly index: IndexService,
    private readonly extensions: ReadonlySet<string>,
    private readonly storedPathsUnder: (dir: string) => Promise<string[]>,
    private readonly options: WatchOptions = {},
  ) {
    super();
    this.polling = options.usePolling ?? false;
  }

  get offlineRoots(): string[] {
    return [...this.offline];
  }

  async start(roots: string[]): Promise<void> {
    this.roots = roots;
    for (const root of roots) if (!(await exists(root))) this.offline.add(root);
    await this.openWatcher();
    this.rootTimer = setInterval(() => void this.checkRoots(), this.options.rootCheckMs ?? 5000);
    this.rootTimer.unref();
  }

  /** Resolves when every change seen so far has been applied. */
  async idle(): Promise<void> {
    while (this.timer || this.changed.size || this.sidecars.size || this.removed.size || this.removedDirs.size) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.applying;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.rootTimer);
    this.timer = undefined;
    await this.watcher?.close();
    this.watcher = undefined;
    await this.applying;
  }

  private async openWatcher(): Promise<void> {
    const online = this.roots.filter((root) => !this.offline.has(root));
    const watcher = watch(online, {
      ignoreInitial: true,
      persistent: true,
      followSymlinks: true,
      usePolling: this.polling,
      interval: 1000,
      binaryInterval: 2000,
      awaitWriteFinish: { stabilityThreshold: this.options.writeStableMs ?? 700, pollInterval: 100 },
      ignored: (file: string, stats?: Stats) => {
        const name = path.basename(file);
        if (online.includes(file)) return false;
        if (stats?.isDirectory()) return isSkippedFolderName(name);
        if (name.startsWith('.')) return true;
        if (stats?.isFile()) return !this.extensions.has(path.extname(name).toLowerCase()) && !isSidecar(name);
        return false;
      },
    });
    watcher.on('add', (file) => this.note(file, 'changed'));
    watcher.on('change', (file) => this.note(file, 'changed'));
    watcher.on('unlink', (file) => this.note(file, 'removed'));
    watcher.on('unlinkDir', (dir) => {
      if (this.roots.includes(dir)) return void this.checkRoots();
      this.removedDirs.set(dir, Date.now());
      this.schedule();
    });
    watcher.on('error', (error: unknown) => void this.onWatcherError(error as NodeJS.ErrnoException));
    this.watcher = watcher;
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  private async onWatcherError(error: NodeJS.ErrnoException): Promise<void> {
    if (!this.polling && (error.code === 'EMFILE' || error.code === 'ENOSPC' || error.code === 'EPERM')) {
      this.polling = true;
      this.emit('polling', `Native file watching failed (${error.code}); Photobind now checks the folders every few seconds instead.`);
      await this.watcher?.close();
      await this.openWatcher();
      return;
    }
    this.emit('error', error);
  }

  private note(file: string, kind: 'changed' | 'removed'): void {
    if (isSidecar(file)) {
      this.sidecars.add(file);
      return this.schedule();
    }
    if (!this.extensions.has(path.extname(file).toLowerCase())) return;
    if (kind === 'changed') {
      this.removed.delete(file);
      this.changed.add(file);
    } else {
      this.changed.delete(file);
      this.removed.set(file, Date.now());
    }
    this.schedule();
  }

  private get moveWindowMs(): number {
    return this.options.moveWindowMs ?? (this.options.writeStableMs ?? 700) + (this.options.settleMs ?? 500) + 2000;
  }

  private schedule(delayMs = this.options.settleMs ?? 500): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.applying = this.applying.then(() => this.applyPending()).catch((error: unknown) => void this.emit('error', error as Error));
    }, delayMs);
  }

  /** Takes the deletes whose move window has ended out of `pending`; the rest stay. See [Note: watching without losing photos]. */
  private takeDue(pending: Map<string, number>, now: number): string[] {
    const due: string[] = [];
    for (const [file, seen] of pending) {
      if (now - seen < this.moveWindowMs) continue;
      due.push(file);
      pending.delete(file);
    }
    return due;
  }

  private async applyPending(): Promise<void> {
    const now = Date.now();
    const changed = [...this.changed];
    this.changed.clear();
    const sidecars = [...this.sidecars];
    this.sidecars.clear();
    const removed = this.takeDue(this.removed, now);
    const removedDirs = this.takeDue(this.removedDirs, now);
    const waiting = [...this.removed.values(), ...this.removedDirs.values()];
    // Deletes still inside their move window: come back when the first one is due (unless new events reschedule sooner).
    if (waiting.length && !this.timer) this.schedule(Math.max(50, Math.min(...waiting) + this.moveWindowMs - now));
    for (const dir of removedDirs) removed.push(...(await this.storedPathsUnder(dir)));
    const files: ScannedFile[] = [];
    for (const sidecar of sidecars) {
      const names = await fs.readdir(path.dirname(sidecar)).catch(() => [] as string[]);
      changed.push(...photosOfSidecar(sidecar, names, (name) => this.extensions.has(path.extname(name).toLowerCase())));
    }
    for (const file of new Set(changed)) {
      const root = this.roots.find((r) => isInside(file, r));
      const stat = await fs.stat(file).catch(() => null);
      if (!root || !stat?.isFile()) continue;
      files.push({ path: file, root, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs) });
    }
    // A path can only be removed if it is really gone (an unlink followed by a re-create is a change).
    const gone: string[] = [];
    for (const file of new Set(removed)) {
      const root = this.roots.find((r) => isInside(file, r));
      if (root && !this.offline.has(root) && (await exists(root)) && !(await exists(file))) gone.push(file);
    }
    if (files.length === 0 && gone.length === 0) return;
    let summary;
    try {
      summary = await this.index.applyChanges(files, gone);
    } catch (error) {
      // Nothing is dropped: the changes wait for the next try (5 s on, or sooner with new events); the
      // error still reaches the 'error' listeners.
      for (const file of files) this.changed.add(file.path);
      for (const file of gone) this.removed.set(file, now - this.moveWindowMs);
      if (!this.timer) this.schedule(RETRY_AFTER_ERROR_MS);
      throw error;
    }
    this.emit('applied', summary);
  }

  private async checkRoots(): Promise<void> {
    for (const root of this.roots) {
      const present = await exists(root);
      if (!present && !this.offline.has(root)) {
        this.offline.add(root);
        this.emit('rootOffline', root);
      } else if (present && this.offline.has(root)) {
        this.offline.delete(root);
        this.emit('rootOnline', root);
        // Catch up with whatever changed while it was away, then watch it again.
        this.applying = this.applying.then(async () => {
          this.emit('applied', await this.index.index([root]));
          await this.watcher?.close();
          await this.openWatcher();
        });
      }
    }
  }
}

/** How long a failed pass's changes wait before they are tried again. */
const RETRY_AFTER_ERROR_MS = 5000;

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
