// One open library behind the API: the core (reopened when the model set changes), its settings, the
// folder watcher, the index job queue and the events broadcast to every connected window.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../../common/api/api-error.ts';
import { EventHub } from '../../../common/api/event-hub.ts';
import { photobindApi, type IndexJob, type LibraryOverview, type ModelSwitchState, type SettingsInfo } from '../../../common/api/photobind.contract.ts';
import type { LibraryWatchService, WatchOptions } from '../indexer/library-watch.service.ts';
import type { LibrarySettings } from '../library/library.service.ts';
import { MODEL_SETS, getModelSet, isDemoOnlySet } from '../models/model-catalog.ts';
import { PhotobindCore } from '../photobind-core.ts';
import { DEMO_ALBUM } from '../toy-world/demo-album-spec.ts';
import { IndexJobQueue, type JobReporter } from './index-job.queue.ts';
import { modelAvailability } from './model-availability.ts';

export interface LibrarySessionOptions {
  libraryDir: string;
  modelSet?: string;
  allowDownload?: boolean;
  /** Watch the library's folders and index changes while the session is open (default true). */
  watch?: boolean;
  watchOptions?: WatchOptions;
  /** Re-index every folder when the session opens, to catch up with changes made while closed (default true). */
  catchUp?: boolean;
  /** Photos rendered by "Open the demo album" (default: the same album as `photobind demo`). */
  demoCount?: number;
  /** Where background problems (watcher errors) are reported; default stderr. */
  log?: (line: string) => void;
}

export const DEMO_ALBUM_FOLDER = 'demo-album';
export const DEMO_MODEL_SET = 'toy';
/** While indexing, windows are told about newly committed photos at most this often. */
const LIVE_UPDATE_MS = 1500;
/** Model-switch progress goes out at most this often. */
const SWITCH_PROGRESS_MS = 1000;

export class LibrarySession {
  readonly events = new EventHub(photobindApi);
  readonly jobs: IndexJobQueue;
  readonly demoDir: string;
  readonly demoCount: number;
  private coreValue: PhotobindCore;
  private reopening: Promise<void> | undefined;
  private watcher: LibraryWatchService | undefined;
  private watcherRestart: Promise<void> = Promise.resolve();
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private lastLiveUpdate = 0;
  private modelSwitch: ModelSwitchState | null = null;
  private switchRun: { done: Promise<void>; abort: AbortController } | undefined;
  private readonly log: (line: string) => void;

  private constructor(core: PhotobindCore, demoDir: string, private readonly options: LibrarySessionOptions) {
    this.coreValue = core;
    this.demoDir = demoDir;
    this.demoCount = options.demoCount ?? DEMO_ALBUM.count;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.jobs = new IndexJobQueue(
      (state) => this.events.emit('onDidIndexProgress', state),
      async () => {
        this.libraryChanged(0);
        await this.restartWatcher();
        this.startModelSwitch(); // no-op unless a switch is pending and not running (e.g. it waited for a folder)
        // With face grouping on, new photos' faces are found in the background (People lists them).
        void this.core().then((core) => core.scanFaces()).catch((error: Error) => this.log(`Finding faces failed: ${error.message}`));
      },
    );
  }

  static async open(options: LibrarySessionOptions): Promise<LibrarySession> {
    const core = await PhotobindCore.open({
      libraryDir: options.libraryDir,
      ...(options.modelSet ? { modelSet: options.modelSet } : {}),
      allowDownload: options.allowDownload ?? false,
    });
    const demoDir = path.join(await fs.realpath(core.layout.root), DEMO_ALBUM_FOLDER);
    const session = new LibrarySession(core, demoDir, options);
    const roots = (await session.readSettings()).roots;
    if (roots.length && (options.catchUp ?? true)) session.enqueueIndex('rescan', 'Checking your folders for changes', roots);
    else await session.restartWatcher();
    session.startModelSwitch(); // a switch interrupted by closing the app goes on where it stopped
    return session;
  }

  /** The model set named when the session was opened (`serve --models SET`), if any: asked for by name. */
  get requestedModelSet(): string | undefined {
    return this.options.modelSet;
  }

  private readonly closeHooks: Array<() => Promise<void>> = [];

  /** Runs `hook` when the session closes, before the core does (e.g. pausing model downloads). */
  onClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  /**
   * A model arrived (downloaded or imported from the app): settings show it, and the work that waited for
   * it starts by itself: with the search model, the library's folders are indexed (and a waiting switch goes on).
   */
  async modelInstalled(id: string): Promise<void> {
    const core = await this.core();
    this.events.emit('onDidChangeSettings', await this.settingsInfo());
    if (id !== core.modelSet.clip) return;
    this.startModelSwitch();
    const roots = (await this.readSettings()).roots;
    if (roots.length) this.enqueueIndex('rescan', `Indexing your folders with ${id}`, roots);
  }

  /** The open core; waits while the model set is being switched. */
  async core(): Promise<PhotobindCore> {
    while (this.reopening) await this.reopening;
    if (this.closed) throw new ApiError('disconnected', 'The library was closed.');
    return this.coreValue;
  }

  async readSettings(): Promise<LibrarySettings> {
    return (await this.core()).library.settings();
  }

  async updateRoots(change: (roots: string[]) => string[]): Promise<string[]> {
    const next = await (await this.core()).library.updateSettings((s) => ({ ...s, roots: change(s.roots) }));
    return next.roots;
  }

  /** The library's photos in browsing order (the open core's catalog). */
  async catalog() {
    return (await this.core()).catalog;
  }

  /** Queues an index job over some roots; progress goes out as onDidIndexProgress. */
  enqueueIndex(kind: IndexJob['kind'], label: string, roots: string[], before?: (reporter: JobReporter, signal: AbortSignal) => Promise<void>): IndexJob {
    return this.jobs.enqueue(kind, label, roots, async (reporter, signal) => {
      if (before) await before(reporter, signal);
      reporter.stage('scanning');
      const core = await this.core();
      // Without the search model photos are still listed (files, metadata, thumbnails); their embed stage waits.
      const online: string[] = [];
      for (const root of roots) if (await isDirectory(root)) online.push(root);
      if (online.length === 0) throw new ApiError('bad-folder', roots.length === 1 ? `The folder ${roots[0]} is not there any more (drive unplugged?); its photos are kept.` : 'None of the library folders can be reached right now.', true);
      const summary = await core.index.index(online, {
        signal,
        onProgress: (p) => reporter.progress(p),
        // Photos show up while a long run goes on, not only at its end: each commit of rows sends the new
        // overview (counts, stages) before the pass goes on, so the sidebar's count follows the grid's photos.
        // (It used to be a 4 s throttle on progress, whose first event came before any row was committed.)
        onCommitted: async () => {
          // Commits close together: the latest count goes out a moment later instead (never left stale).
          if (Date.now() - this.lastLiveUpdate < LIVE_UPDATE_MS) return this.libraryChanged(LIVE_UPDATE_MS);
          this.lastLiveUpdate = Date.now();
          await this.emitLibraryChanged();
        },
      });
      // The last commit's count goes out before the job says it is done (a deferred one may still be waiting).
      this.lastLiveUpdate = Date.now();
      await this.emitLibraryChanged();
      return summary;
    });
  }

  async overview(): Promise<LibraryOverview> {
    const core = await this.core();
    const settings = await this.readSettings();
    const roots = await Promise.all(
      settings.roots.map(async (root) => ({
        path: root,
        name: path.basename(root) || root,
        online: await isDirectory(root),
        isDemo: root === this.demoDir,
        photoCount: await core.library.countPhotos({ folder: root }),
      })),
    );
    return {
      libraryDir: core.layout.root,
      photoCount: await core.library.countPhotos(),
      problemCount: (await core.library.problems()).length,
      roots,
      modelSet: core.modelSet.name,
      stages: Object.entries(await core.stageStatus.stages()).map(([name, counts]) => ({ name, ...counts })),
      demoModels: isDemoOnlySet(core.modelSet),
    };
  }

  async settingsInfo(): Promise<SettingsInfo> {
    const core = await this.core();
    const settings = await this.readSettings();
    return {
      libraryDir: core.layout.root,
      modelSet: core.modelSet.name,
      activeSearchModel: core.activeSearchModel,
      modelSwitch: this.modelSwitch,
      modelSets: Object.values(MODEL_SETS).map((set) => ({ name: set.name, description: set.description })),
      device: { preferred: process.env.PHOTOBIND_DEVICE ?? settings.device, active: await core.activeDevice() },
      models: await modelAvailability(core.modelSet, core.layout.models),
    };
  }

  /**
   * Re-embeds the library in the background when the model set's search model is not the one its vectors
   * come from; searches keep using the old vectors meanwhile. Progress goes out as onDidModelSwitchProgress.
   */
  startModelSwitch(): void {
    const core = this.coreValue;
    if (this.switchRun || this.closed || !core.switchPending) return;
    const abort = new AbortController();
    const from = core.activeSearchModel;
    const to = core.modelSet.clip;
    let lastEmit = 0;
    const publish = (state: ModelSwitchState, force = false) => {
      this.modelSwitch = state;
      if (!force && Date.now() - lastEmit < SWITCH_PROGRESS_MS) return;
      lastEmit = Date.now();
      this.events.emit('onDidModelSwitchProgress', state);
    };
    publish({ from, to, state: 'running', total: 0, done: 0, failed: 0, rate: 0, etaSeconds: null, error: null }, true);
    const done = core.switchSearchModel({
      signal: abort.signal,
      onProgress: (p) => publish({ from, to, state: p.phase === 'embedding' ? 'running' : p.phase === 'switching' ? 'switching' : 'done', total: p.total, done: p.done, failed: p.failed, rate: p.rate, etaSeconds: p.etaSeconds, error: null }, p.phase !== 'embedding'),
    }).then(
      async (summary) => {
        publish({ ...this.modelSwitch!, state: 'done', etaSeconds: 0 }, true);
        this.coreValue.catalog.invalidate();
        this.libraryChanged(0);
        this.events.emit('onDidChangeSettings', await this.settingsInfo());
        // Photos that could not be read during the switch (offline folder) are re-embedded by a rescan.
        const roots = (await this.readSettings()).roots;
        if (summary.waiting > 0 && roots.length) this.enqueueIndex('rescan', 'Indexing photos the new search model has not seen yet', roots);
      },
      (error: unknown) => {
        if (abort.signal.aborted) return; // closing or switching again; staged work is kept for next time
        const message = (error as Error).message;
        publish({ ...this.modelSwitch!, state: 'failed', error: `Re-embedding the photos with ${to} stopped: ${message}` }, true);
        this.log(`photobind: re-embedding with ${to} stopped: ${message}`);
      },
    ).catch((error: unknown) => this.log(`photobind: after the model switch: ${(error as Error).message}`))
      .finally(() => (this.switchRun = undefined));
    this.switchRun = { done, abort };
  }

  private async stopModelSwitch(): Promise<void> {
    const run = this.switchRun;
    run?.abort.abort();
    await run?.done;
  }

  /** Reopens the core with another model set; a new search model re-embeds the photos in the background. */
  async switchModelSet(name: string): Promise<void> {
    try {
      getModelSet(name);
    } catch (error) {
      throw new ApiError('invalid-input', (error as Error).message);
    }
    const current = await this.core();
    if (current.modelSet.name === name) return;
    if (this.jobs.busy) throw new ApiError('busy', 'Photobind is indexing; wait until it is done (or stop it) before switching models.', true);
    let release!: () => void;
    this.reopening = new Promise<void>((resolve) => (release = resolve));
    try {
      await this.stopModelSwitch();
      this.modelSwitch = null;
      await this.stopWatcher();
      await current.close();
      this.coreValue = await PhotobindCore.open({ libraryDir: current.layout.root, modelSet: name, allowDownload: this.options.allowDownload ?? false });
    } catch (error) {
      this.coreValue = await PhotobindCore.open({ libraryDir: current.layout.root, modelSet: current.modelSet.name, allowDownload: this.options.allowDownload ?? false });
      throw error;
    } finally {
      this.reopening = undefined;
      release();
    }
    this.coreValue.catalog.invalidate();
    this.startModelSwitch();
    this.events.emit('onDidChangeSettings', await this.settingsInfo());
    await this.restartWatcher();
    this.libraryChanged(0);
  }

  /** Tells every window the library changed (debounced: a burst of watcher batches is one event). */
  libraryChanged(delayMs = 300): void {
    this.coreValue.catalog.invalidate();
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => void this.emitLibraryChanged(), delayMs);
  }

  private async emitLibraryChanged(): Promise<void> {
    if (this.closed) return;
    this.coreValue.catalog.invalidate();
    await this.overview().then(
      (overview) => this.events.emit('onDidChangeLibrary', overview),
      (error: unknown) => this.log(`photobind: could not read the library overview: ${(error as Error).message}`),
    );
  }

  /** (Re)starts the watcher over the current roots, after index jobs so both do not index the same files. */
  restartWatcher(): Promise<void> {
    this.watcherRestart = this.watcherRestart.then(async () => {
      await this.stopWatcher();
      if (this.closed || this.options.watch === false || this.jobs.busy) return;
      const roots = (await this.readSettings()).roots;
      if (roots.length === 0) return;
      const watcher = (await this.core()).createWatcher(this.options.watchOptions ?? {});
      watcher.on('applied', () => this.libraryChanged());
      watcher.on('rootOffline', () => this.libraryChanged(0));
      watcher.on('rootOnline', () => {
        this.libraryChanged(0);
        this.startModelSwitch(); // a switch that waited for this folder can go on
      });
      watcher.on('polling', (why) => this.log(`photobind: ${why}`));
      watcher.on('error', (error) => this.log(`photobind: watching the folders failed: ${error.message}`));
      this.watcher = watcher;
      await watcher.start(roots);
    }).catch((error: unknown) => this.log(`photobind: could not watch the folders: ${(error as Error).message}`));
    return this.watcherRestart;
  }

  private async stopWatcher(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.stop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const hook of this.closeHooks) await hook().catch((error: unknown) => this.log(`photobind: while closing: ${(error as Error).message}`));
    this.jobs.cancelAll();
    await this.stopModelSwitch();
    await this.jobs.idle();
    this.closed = true;
    clearTimeout(this.changeTimer);
    await this.watcherRestart;
    await this.stopWatcher();
    await this.coreValue.close();
  }
}

export async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}
