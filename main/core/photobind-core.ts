// Composition root of the core: opens a library folder and wires repositories, model process and services.
import os from 'node:os';
import fs from 'node:fs/promises';
import { AskService } from './ask/ask.service.ts';
import { ConversationRepository } from './ask/conversation.repository.ts';
import { CaptionService } from './captions/caption.service.ts';
import { IndexService } from './indexer/index.service.ts';
import { LibraryWatchService, type WatchOptions } from './indexer/library-watch.service.ts';
import { ReembedService } from './indexer/reembed.service.ts';
import { libraryLayout, type LibraryLayout } from './library/library-location.ts';
import { LibrarySettingsRepository, writeFileAtomic, type LibrarySettings } from './library/library-settings.repository.ts';
import { PHOTO_EXTENSIONS } from './media/photo-format.ts';
import { ModelProcessClient } from './model-process/model-process.client.ts';
import { defaultThreadCount } from './model-process/device-selection.ts';
import type { ModelSpecForWorker } from './model-process/model-process.protocol.ts';
import { getModelSet, type ModelSet } from './models/model-catalog.ts';
import { ModelLocatorService } from './models/model-locator.service.ts';
import type { DownloadProgress } from './models/hub-download.repository.ts';
import { SearchService } from './search/search.service.ts';
import { PhotoStoreRepository } from './storage/photo-store.repository.ts';

export interface OpenLibraryOptions {
  libraryDir: string;
  /** Model set to use; remembered in the library's settings. Omitted: the library's remembered set. */
  modelSet?: string;
  /** Download missing real models (with progress) instead of failing with instructions. */
  allowDownload?: boolean;
  onDownloadProgress?: (progress: DownloadProgress & { model: string }) => void;
}

export class PhotobindCore {
  readonly index: IndexService;
  readonly search: SearchService;
  readonly ask: AskService;
  readonly captions: CaptionService;
  /** Switches the library to the model set's search model when its vectors come from another one. */
  readonly reembed: ReembedService;
  private modelClient: Promise<ModelProcessClient> | undefined;
  /** The search model the running model process was started with. */
  private modelClientClip = '';
  /** A second model process, running only the search model being switched to. */
  private switchClient: Promise<ModelProcessClient> | undefined;

  private constructor(
    readonly layout: LibraryLayout,
    readonly settings: LibrarySettings,
    readonly modelSet: ModelSet,
    readonly store: PhotoStoreRepository,
    private readonly locator: ModelLocatorService,
    private readonly options: OpenLibraryOptions,
  ) {
    this.index = new IndexService(store, () => this.models(), () => this.activeSearchModel, PHOTO_EXTENSIONS, (pending) => this.writeIndexState(pending), () => this.captions.captionNew());
    this.search = new SearchService(store, () => this.textEmbedder(), () => this.activeSearchModel);
    this.reembed = new ReembedService(store, this.index, () => this.switchModels(), () => this.afterSwitch());
    this.captions = new CaptionService(store, () => this.photoCaptioner(), modelSet.caption, () => this.settings, layout.root);
    this.ask = new AskService(store, this.search, () => this.models(), new ConversationRepository(layout.conversations), modelSet.caption);
  }

  static async open(options: OpenLibraryOptions): Promise<PhotobindCore> {
    const layout = libraryLayout(options.libraryDir);
    await fs.mkdir(layout.root, { recursive: true });
    const settingsRepo = new LibrarySettingsRepository(layout.settings);
    let settings = await settingsRepo.read();
    if (options.modelSet && options.modelSet !== settings.modelSet) {
      getModelSet(options.modelSet); // validate before remembering
      settings = await settingsRepo.update((s) => ({ ...s, modelSet: options.modelSet! }));
    } else if (!(await settingsRepo.exists())) {
      await settingsRepo.write(settings);
    }
    const store = await PhotoStoreRepository.open(layout.database);
    // A library with no photos yet simply starts with the set's search model: nothing to re-embed.
    await store.adoptSearchModel(getModelSet(settings.modelSet).clip);
    const locator = new ModelLocatorService(layout.models);
    // Vectors of an earlier build of the same model (rebuilt, re-downloaded) are retired, not mixed in.
    await recordRevision(store, locator);
    return new PhotobindCore(layout, settings, getModelSet(settings.modelSet), store, locator, options);
  }

  /**
   * The search model whose vectors the library holds. It differs from the model set's while a switch is
   * pending: searches and new photos use it until `reembed` has re-embedded the library.
   */
  get activeSearchModel(): string {
    return this.store.searchModelId ?? this.modelSet.clip;
  }

  /** True while the library's vectors come from another search model than the model set's. */
  get switchPending(): boolean {
    return this.reembed.needed(this.modelSet.clip);
  }

  /** How far a pending switch has got (vectors already staged, of how many photo contents), or null. */
  async switchStatus(): Promise<{ from: string; to: string; reembedded: number; total: number } | null> {
    if (!this.switchPending) return null;
    const [contents, staged] = await Promise.all([this.store.photosByContent(), this.store.stagedHashes(this.modelSet.clip)]);
    return { from: this.activeSearchModel, to: this.modelSet.clip, reembedded: [...contents.keys()].filter((h) => staged.has(h)).length, total: contents.size };
  }

  /** Re-embeds the library with the model set's search model, then searches with it (see ReembedService). */
  switchSearchModel(options: Parameters<ReembedService['run']>[1] = {}): ReturnType<ReembedService['run']> {
    return this.reembed.run(this.modelSet.clip, options);
  }

  /** The model process, started on first use (locating or downloading the search model first). */
  models(): Promise<ModelProcessClient> {
    this.modelClient ??= (async () => {
      const clipId = this.activeSearchModel;
      const clip = await this.spec(clipId, true);
      const caption = await this.spec(this.modelSet.caption, false);
      const ask = await this.spec(this.modelSet.ask, false);
      const client = new ModelProcessClient({
        ...(clip ? { clip } : {}),
        ...(caption ? { caption } : {}),
        ...(ask ? { ask } : {}),
        device: process.env.PHOTOBIND_DEVICE ?? this.settings.device,
        threads: defaultThreadCount(os.availableParallelism()),
        thumbnailsDir: this.layout.thumbnails,
      });
      await client.start();
      this.modelClientClip = clipId;
      return client;
    })();
    this.modelClient.catch(() => (this.modelClient = undefined));
    return this.modelClient;
  }

  /** The model process of a switch: only the new search model (downloaded first when allowed). */
  private switchModels(): Promise<ModelProcessClient> {
    this.switchClient ??= (async () => {
      const clip = (await this.spec(this.modelSet.clip, true))!;
      const client = new ModelProcessClient({
        clip,
        device: process.env.PHOTOBIND_DEVICE ?? this.settings.device,
        threads: defaultThreadCount(os.availableParallelism()),
        thumbnailsDir: this.layout.thumbnails,
      });
      await client.start();
      return client;
    })();
    this.switchClient.catch(() => (this.switchClient = undefined));
    return this.switchClient;
  }

  /** After a switch: the next request starts a model process with the new search model. */
  private async afterSwitch(): Promise<void> {
    await recordRevision(this.store, this.locator);
    const [main, next] = [this.modelClient, this.switchClient];
    this.modelClient = undefined;
    this.switchClient = undefined;
    for (const client of [main, next]) await (await client?.catch(() => undefined))?.close();
  }

  /** A watcher over the library's roots, applying changes through the index service. */
  createWatcher(options: WatchOptions = {}): LibraryWatchService {
    return new LibraryWatchService(this.index, PHOTO_EXTENSIONS, (dir) => this.store.pathsUnder(dir), options);
  }

  /** The device the model process runs on, or null if it was not needed in this session. */
  async activeDevice(): Promise<string | null> {
    const client = await this.modelClient?.catch(() => undefined);
    return client?.device?.device ?? null;
  }

  private async textEmbedder() {
    const client = await this.models();
    return { modelId: this.modelClientClip, embedTexts: (texts: string[]) => client.request({ type: 'embedTexts', texts }) };
  }

  private async photoCaptioner() {
    const client = await this.models();
    return { caption: (photoPath: string) => client.request({ type: 'caption', path: photoPath }) };
  }

  /** Locates a model; required ones are downloaded when allowed or fail with instructions. */
  private async spec(id: string, required: boolean): Promise<ModelSpecForWorker | undefined> {
    try {
      // The dtype actually installed (`photobind models pull --dtype`, an import), not always the default.
      const { folder, dtype } = await this.locator.locateModel(id, {
        download: required && (this.options.allowDownload ?? false),
        ...(this.options.onDownloadProgress ? { onProgress: (p: DownloadProgress) => this.options.onDownloadProgress!({ ...p, model: id }) } : {}),
      });
      return { id, folder, dtype };
    } catch (error) {
      if (required) throw error;
      return undefined;
    }
  }

  private async writeIndexState(pending: number): Promise<void> {
    await writeFileAtomic(this.layout.indexState, JSON.stringify({ pending, updatedAt: new Date().toISOString() }) + '\n');
  }

  async readPending(): Promise<number> {
    try {
      return (JSON.parse(await fs.readFile(this.layout.indexState, 'utf8')) as { pending: number }).pending;
    } catch {
      return 0;
    }
  }

  async close(): Promise<void> {
    for (const pending of [this.modelClient, this.switchClient]) await (await pending?.catch(() => undefined))?.close();
    this.store.close();
  }
}

/** Records which weights the active search model has (see PhotoStoreRepository.recordSearchModelRevision). */
async function recordRevision(store: PhotoStoreRepository, locator: ModelLocatorService): Promise<void> {
  const active = store.searchModelId;
  const revision = active ? await locator.revision(active).catch(() => null) : null;
  if (revision) await store.recordSearchModelRevision(revision);
}
