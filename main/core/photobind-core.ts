// Composition root of the core: opens a library folder and wires repositories, model process and services.
import os from 'node:os';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AskService } from './ask/ask.service.ts';
import { ConversationRepository } from './ask/conversation.repository.ts';
import { CaptionService } from './captions/caption.service.ts';
import { IndexService } from './indexer/index.service.ts';
import { LibraryWatchService, type WatchOptions } from './indexer/library-watch.service.ts';
import { ReembedService } from './indexer/reembed.service.ts';
import { libraryLayout, type LibraryLayout } from './library/library-location.ts';
import { LibraryService } from './library/library.service.ts';
import { findStoredPath } from './library/library-paths.ts';
import { PhotoCatalog } from './library/photo-catalog.ts';
import { PlacesService } from './places/places.service.ts';
import { AlbumsService } from './albums/albums.service.ts';
import { AlbumsRepository } from './storage/albums.repository.ts';
import { LibrarySettingsRepository, type LibrarySettings } from './library/library-settings.repository.ts';
import { writeFileAtomic } from './shared/atomic-write.ts';
import { PHOTO_EXTENSIONS } from './media/photo-format.ts';
import { readPhotoMetadata } from './media/photo-metadata.reader.ts';
import { ModelProcessClient } from './model-process/model-process.client.ts';
import { writeDeviceState } from './model-process/device-state.repository.ts';
import { defaultThreadCount } from './model-process/device-selection.ts';
import type { ModelSpecForWorker, WorkerInit } from './model-process/model-process.protocol.ts';
import { getModelEntry, getModelSet, type ModelSet } from './models/model-catalog.ts';
import { ModelUnavailableError } from './models/model-errors.ts';
import type { AnalysisStage } from './stages/stage-pipeline.ts';
import { StageStatusService } from './stages/stage-status.service.ts';
import { StageLedgerRepository } from './storage/stage-ledger.repository.ts';
import { ModelLocatorService } from './models/model-locator.service.ts';
import type { DownloadProgress } from './models/hub-download.repository.ts';
import { SearchService } from './search/search.service.ts';
import { MomentsRepository } from './storage/moments.repository.ts';
import { PhotoStoreRepository } from './storage/photo-store.repository.ts';
import { markTiming } from './timing-trace.ts';
import { acquireLibraryLock, lockHolderName } from './library/library-lock.ts';
import { VideoIndexService } from './video/video-index.service.ts';
import { VideoMomentsService } from './video/video-moments.service.ts';
import { FacesRepository } from './storage/faces.repository.ts';
import { PeopleService, type FaceScanSummary } from './faces/people.service.ts';
import { FacesStage } from './faces/faces.stage.ts';
import { FACE_MODEL_ID } from './faces/face-model.ts';
import { SerialWork } from './serial-work.ts';
import { TextLinesRepository } from './storage/text-lines.repository.ts';
import { PhotoTextService } from './text/photo-text.service.ts';
import { TextStage } from './text/text.stage.ts';
import { PhotoRemovalService } from './library/photo-removal.service.ts';
import { RemovedPhotosRepository } from './storage/removed-photos.repository.ts';
import { thumbnailPath } from './library/thumbnail-path.ts';
import { VideoPlaybackService } from './video/video-playback.service.ts';
import { MediaBadgesService } from './video/media-badges.service.ts';
import { MomentService } from './video/moment.service.ts';

export interface OpenLibraryOptions {
  libraryDir: string;
  /** Model set to use; remembered in the library's settings. Omitted: the library's remembered set. */
  modelSet?: string;
  /** Download missing real models (with progress) instead of failing with instructions. */
  allowDownload?: boolean;
  onDownloadProgress?: (progress: DownloadProgress & { model: string }) => void;
  /** Models besides search that this session needs (downloaded like the search model when allowed). */
  needs?: Array<'caption' | 'ask'>;
  /** Told when an index pass waits for another process that holds the library (default: stderr). */
  onLibraryBusy?: (message: string) => void;
  /**
   * Open the library only to read it (search, status, info, problems): nothing is created, cleaned,
   * adopted or recorded, no lock is needed, and writes through this core fail. See [Note: read-only library access].
   */
  readOnly?: boolean;
}

export class PhotobindCore {
  readonly index: IndexService;
  readonly search: SearchService;
  readonly ask: AskService;
  readonly captions: CaptionService;
  /** The library and its folders, photos, problems and settings (see library/library.service.ts). */
  readonly library: LibraryService;
  /** The library in browsing order, for the grid's pages and the filter chips. */
  readonly catalog: PhotoCatalog;
  /** Place names of GPS positions and the library's photos by place ([Note: offline places]). */
  readonly places: PlacesService;
  /** Albums, favourites and live albums, kept in the library folder (albums/albums.service.ts). */
  readonly albums: AlbumsService;
  /** Removing photos from the library, never from disk, and restoring them ([Note: removing a photo from the library]). */
  readonly removal: PhotoRemovalService;
  /** Videos' facts and moments (sampled frames embedded with the search model). */
  readonly videos: VideoMomentsService;
  /** Playing videos (straight or from a transcoded preview), live photos' motion, frames at moments ([Note: playing videos]). */
  readonly playback: VideoPlaybackService;
  /** Grid tiles' badges: a video's duration, a live photo's Live. */
  readonly mediaBadges: MediaBadgesService;
  /** Captions and questions about a moment of a video (its frame at a time). */
  readonly moment: MomentService;
  private readonly videoIndex: VideoIndexService;
  /** Faces grouped into people (see [Note: grouping faces into people]). */
  readonly people: PeopleService;
  /** Switches the library to the model set's search model when its vectors come from another one. */
  readonly reembed: ReembedService;
  /** The text read in photos (its table is opened on first use). */
  readonly text: PhotoTextService;
  private textLines: Promise<TextLinesRepository> | undefined;
  private modelClient: Promise<ModelProcessClient> | undefined;
  /** Settles once the model process being started has been spawned (or its start failed): see modelsStarting. */
  private modelSpawned: Promise<void> = Promise.resolve();
  /** The search model the running model process was started with. */
  private modelClientClip = '';
  /** A second model process, running only the search model being switched to. */
  private switchClient: Promise<ModelProcessClient> | undefined;
  /** Why the running model process has no search model (it is not installed), or null. */
  private searchModelMissing: ModelUnavailableError | null = null;
  /** The analysis stages of this library (text in photos, faces, ...): see [Note: the stage pipeline]. */
  readonly analysisStages: AnalysisStage[] = [];
  /** Per-stage counts (done, pending, failed) for status. */
  readonly stageStatus = new StageStatusService(async () => ({
    store: this.store,
    ledger: this.ledger,
    analysisStages: this.analysisStages,
    searchModel: this.activeSearchModel,
    searchModelProblem: await this.searchModelProblemOnDisk(),
    autoCaption: this.settings.autoCaption,
    pendingFiles: await this.readPending(),
  }));

  private constructor(
    readonly layout: LibraryLayout,
    readonly settings: LibrarySettings,
    readonly modelSet: ModelSet,
    readonly store: PhotoStoreRepository,
    readonly ledger: StageLedgerRepository,
    private readonly moments: MomentsRepository,
    private readonly locator: ModelLocatorService,
    private readonly options: OpenLibraryOptions,
    private readonly faces: FacesRepository,
  ) {
    this.people = new PeopleService(faces, () => store.photosByContent());
    const peopleLookup = () => Promise.resolve(this.faceGrouping ? this.people : undefined);
    const removedPhotos = RemovedPhotosRepository.inLibrary(layout.root);
    this.index = new IndexService(
      store,
      () => this.modelsForIndexing(),
      () => this.activeSearchModel,
      PHOTO_EXTENSIONS,
      (pending) => this.writeIndexState(pending),
      () => this.captions.captionNew(),
      { stages: () => this.analysisStages, ledger },
      () => this.searchModelMissing?.message ?? null,
      (work) => this.holdingLibrary(work),
      (roots, summary, options) => this.videoIndex.pass(roots, summary, options),
      () => removedPhotos.paths(),
    );
    this.library = new LibraryService(store, layout, (folder) => this.removal.forgetUnder(folder));
    this.catalog = new PhotoCatalog(store, peopleLookup);
    this.places = new PlacesService(this.catalog);
    const textLines = () => (this.textLines ??= TextLinesRepository.open(layout.database, { readOnly: options.readOnly ?? false }));
    this.text = new PhotoTextService(textLines);
    this.analysisStages.push(new TextStage(textLines));
    this.search = new SearchService(store, () => this.textEmbedder(), () => this.activeSearchModel, moments, peopleLookup, this.text, () => this.modelsStarting());
    this.videos = new VideoMomentsService(moments, () => this.models(), () => this.activeSearchModel);
    this.albums = new AlbumsService(AlbumsRepository.inLibrary(layout.root), {
      hashesOf: (paths) => this.catalog.hashesOf(paths),
      withHashes: (hashes) => this.catalog.withHashes(hashes),
      matching: async (text, filters) =>
        text ? (await this.search.search(text, { ...filters, sort: 'date', limit: 1000 })).map((h) => h.photo) : this.catalog.matching(filters, 5000),
    });
    this.videoIndex = new VideoIndexService(store, this.videos, () => this.activeSearchModel, async () => (await this.modelsForIndexing()).canEmbed, () => removedPhotos.paths());
    this.removal = new PhotoRemovalService({
      store,
      removed: removedPhotos,
      exclusively: (work) => this.index.exclusively(work),
      forgetContents: (hashes) => this.forgetContents(hashes),
      albums: this.albums,
      roots: async () => (await this.library.settings()).roots,
      reindex: (files) => this.index.applyChanges(files, []),
      changed: () => this.catalog.invalidate(),
    });
    this.reembed = new ReembedService(store, this.index, () => this.switchModels(), () => this.afterSwitch());
    this.captions = new CaptionService(store, () => this.photoCaptioner(), modelSet.caption, () => this.settings, layout.root);
    this.ask = new AskService(store, this.captions, this.search, () => this.models(), new ConversationRepository(layout.conversations), peopleLookup, this.text);
    const playbackLibrary = { photosWithContent: (hash: string) => this.library.photosWithContent(hash), videoFacts: (hash: string) => moments.facts(hash) };
    this.playback = new VideoPlaybackService(path.join(layout.root, 'cache'), playbackLibrary);
    this.mediaBadges = new MediaBadgesService(playbackLibrary);
    this.moment = new MomentService(this.playback, {
      item: async (videoPath) => {
        const stored = await findStoredPath(videoPath, async (p) => (await store.getPhoto(p)) !== null);
        return stored ? store.getPhoto(stored) : null;
      },
      caption: async (imagePath) => (await this.photoCaptioner()).caption(imagePath),
      ask: (videoPath, question, options) => this.ask.askPhoto(videoPath, question, options),
      clear: (videoPath, frame) => this.ask.clearConversation(videoPath, frame),
    });
    this.faceGrouping = settings.faceGrouping;
    this.analysisStages.push(
      new FacesStage(this.people, () => this.faceGrouping, async (photoPath) => {
        const photo = await store.getPhoto(photoPath);
        return photo ? { width: photo.width, height: photo.height, orientation: (await readPhotoMetadata(photoPath)).orientation } : null;
      }),
    );
  }

  /** Forgets what the library keeps per content of contents that left it (a photo removed from the library). */
  private async forgetContents(contentHashes: string[]): Promise<void> {
    if (contentHashes.length === 0) return;
    await Promise.all(contentHashes.map((hash) => fs.rm(thumbnailPath(this.layout.thumbnails, hash), { force: true })));
    await this.ledger.forgetContents(contentHashes);
    await (await (this.textLines ??= TextLinesRepository.open(this.layout.database))).delete(contentHashes);
    await this.people.forgetContents(contentHashes);
    await this.videos.forget(contentHashes);
    await this.albums.forgetContents(contentHashes);
  }

  /** Whether faces are found and grouped (the library's privacy switch). */
  faceGrouping: boolean;

  /** Switches face grouping on or off; off deletes every face, person and name. */
  async setFaceGrouping(enabled: boolean): Promise<void> {
    await new LibrarySettingsRepository(this.layout.settings).update((s) => ({ ...s, faceGrouping: enabled }));
    this.faceGrouping = enabled;
    if (!enabled) await this.people.deleteAll();
    // The model process loads (or drops) the faces analyzer only when it starts.
    await this.restartModels();
  }

  /** Writes named faces into the photos' XMP sidecars (MWG regions), for other photo tools. */
  async writeFaceSidecars(options: { personId?: string } = {}): ReturnType<PeopleService['writeSidecars']> {
    const photos = await this.store.listPhotos();
    const sizes = new Map(photos.map((p) => [p.path, p]));
    return this.people.writeSidecars(photos, async (photoPath) => {
      // The orientation is not stored with the photo; the regions are written in the stored frame.
      const { orientation } = await readPhotoMetadata(photoPath);
      const photo = sizes.get(photoPath)!;
      return { width: photo.width, height: photo.height, orientation };
    }, options);
  }

  /** One face scan at a time (the app's background scan after indexing and a People listing may overlap). */
  private readonly faceScans = new SerialWork();

  /** Finds faces in photos not scanned yet and groups them (a no-op while face grouping is off). */
  scanFaces(options: Parameters<PeopleService['scanNew']>[2] = {}): Promise<FaceScanSummary | null> {
    return this.faceScans.run(() => this.scanFacesNow(options));
  }

  private async scanFacesNow(options: Parameters<PeopleService['scanNew']>[2]): Promise<FaceScanSummary | null> {
    if (!this.faceGrouping) return null;
    const photos = await this.store.listPhotos();
    // Contents that left the library (every copy deleted) take their faces with them.
    const present = new Set(photos.map((p) => p.contentHash));
    await this.people.forgetContents([...(await this.people.scannedHashes(FACE_MODEL_ID))].filter((hash) => !present.has(hash)));
    const client = await this.models();
    return this.people.scanNew(photos, (photoPath) => client.request({ type: 'detectFaces', path: photoPath }), options);
  }

  static async open(options: OpenLibraryOptions): Promise<PhotobindCore> {
    if (options.readOnly) return PhotobindCore.openReadOnly(options);
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
    const ledger = await StageLedgerRepository.open(layout.database);
    // A library with no photos yet simply starts with the set's search model: nothing to re-embed.
    await store.adoptSearchModel(getModelSet(settings.modelSet).clip);
    // Photos are stored before the search model is installed (see [Note: the stage pipeline]).
    store.setDimensionHint(searchModelDimension(store.searchModelId ?? getModelSet(settings.modelSet).clip));
    const locator = new ModelLocatorService(layout.models);
    // Vectors of an earlier build of the same model (rebuilt, re-downloaded) are retired, not mixed in.
    await recordRevision(store, locator);
    const moments = await MomentsRepository.open(layout.database);
    return new PhotobindCore(layout, settings, getModelSet(settings.modelSet), store, ledger, moments, locator, options, await FacesRepository.open(layout.database));
  }

  /**
   * [Note: read-only library access]
   * A reading command (search, similar, status, info, problems, ask) opens the library as it is: it
   * takes no lock, so it runs while the app or an `index` holds the library ([Note: one writer per
   * library]), and it writes nothing to the store — no folder or settings file is created, and the one
   * write it may do is the promise of `--models` ("remembered per library"): a different set named for an
   * existing library is saved in its settings file (an atomic replace of a small JSON file, which the
   * next writer reads; a new library is not created for it). Leftover tables are not cleaned (they may be a writer's work
   * in progress), no search model is adopted and no weights' revision is recorded, and a table that does
   * not exist yet is read as empty (lance-tables.ts). What a writer would have fixed on open waits for
   * the next writer: vectors of rebuilt weights are retired by the next `index`, not by a search.
   */
  private static async openReadOnly(options: OpenLibraryOptions): Promise<PhotobindCore> {
    const layout = libraryLayout(options.libraryDir);
    const settingsRepo = new LibrarySettingsRepository(layout.settings);
    const remembered = await settingsRepo.read();
    let settings = options.modelSet ? { ...remembered, modelSet: options.modelSet } : remembered;
    if (options.modelSet && options.modelSet !== remembered.modelSet && (await settingsRepo.exists())) {
      getModelSet(options.modelSet); // validate before remembering
      settings = await settingsRepo.update((s) => ({ ...s, modelSet: options.modelSet! }));
    }
    const access = { readOnly: true };
    const store = await PhotoStoreRepository.open(layout.database, access);
    store.setDimensionHint(searchModelDimension(store.searchModelId ?? getModelSet(settings.modelSet).clip));
    const [ledger, moments, faces] = await Promise.all([StageLedgerRepository.open(layout.database, access), MomentsRepository.open(layout.database, access), FacesRepository.open(layout.database, access)]);
    return new PhotobindCore(layout, settings, getModelSet(settings.modelSet), store, ledger, moments, new ModelLocatorService(layout.models), options, faces);
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

  /**
   * The model process for an index pass. When the search model is not installed (and may not be
   * downloaded) it runs without one: photos are still listed with metadata and thumbnails, and their
   * embed stage waits (see [Note: the stage pipeline]). A process started without it is replaced once
   * the model has been installed (by the app, or by `photobind models pull` in another process).
   */
  async modelsForIndexing(): Promise<ModelProcessClient> {
    if (this.searchModelMissing && (await this.locator.revision(this.activeSearchModel).catch(() => null))) await this.restartModels();
    return this.models({ optionalSearchModel: true });
  }

  /** Closes the model process so the next request starts one with the models installed now. */
  async restartModels(): Promise<void> {
    const client = this.modelClient;
    this.modelClient = undefined;
    this.searchModelMissing = null;
    await (await client?.catch(() => undefined))?.close();
  }

  /** The device setting model processes start with ('auto', 'cpu', ...; PHOTOBIND_DEVICE overrides the library's). */
  get deviceSetting(): string {
    return process.env.PHOTOBIND_DEVICE ?? this.settings.device;
  }

  /** Why the search model cannot run, from the installed models on disk (starts nothing); null when it can. */
  async searchModelProblemOnDisk(): Promise<string | null> {
    if (this.searchModelProblem) return this.searchModelProblem;
    const installed = await this.locator.revision(this.activeSearchModel).catch(() => null);
    return installed ? null : `The search model ${this.activeSearchModel} is not installed (photobind models pull ${this.activeSearchModel}, or import a folder).`;
  }

  /** Why the search model cannot run (not installed), once a model process found it missing; else null. */
  get searchModelProblem(): string | null {
    return this.searchModelMissing?.message ?? null;
  }

  /** The model process, started on first use (locating or downloading the search model first). */
  models(options: { optionalSearchModel?: boolean } = {}): Promise<ModelProcessClient> {
    // A process started without the search model (for indexing) still captions and answers; embedding
    // queries checks `canEmbed` (textEmbedder).
    let spawned = () => {};
    if (!this.modelClient) this.modelSpawned = new Promise<void>((resolve) => (spawned = resolve));
    this.modelClient ??= (async () => {
      try {
        return await this.startModelProcess(options, spawned);
      } finally {
        spawned();
      }
    })();
    this.modelClient.catch(() => (this.modelClient = undefined));
    return this.modelClient;
  }

  /**
   * Starts the model process when none runs, and settles once it is spawned, before it has loaded anything;
   * never rejects (the request that needs the process reports why it could not start). A cold process
   * takes about a second to get ready in another process, so a caller's own work on this thread after
   * this (e.g. a search's place lookup) overlaps with it instead of delaying it. Starts nothing while the
   * search model is not installed: a download is the real request's to start and report.
   */
  async modelsStarting(): Promise<void> {
    if (!this.modelClient && (await this.searchModelProblemOnDisk())) return;
    this.models().catch(() => undefined);
    await this.modelSpawned;
  }

  private async startModelProcess(options: { optionalSearchModel?: boolean }, spawned: () => void): Promise<ModelProcessClient> {
    const clipId = this.activeSearchModel;
    let clip: ModelSpecForWorker | undefined;
    try {
      clip = await this.spec(clipId, true);
    } catch (error) {
      if (!(error instanceof ModelUnavailableError) || !options.optionalSearchModel) throw error;
      this.searchModelMissing = error;
    }
    const caption = await this.spec(this.modelSet.caption, this.options.needs?.includes('caption') ?? false);
    const ask = await this.spec(this.modelSet.ask, this.options.needs?.includes('ask') ?? false);
    // Analyzers whose stage is ready now (a stage that becomes ready later restarts the process: restartModels).
    const analyzers: NonNullable<WorkerInit['analyzers']> = {};
    for (const stage of this.analysisStages) {
      const readiness = await stage.readiness();
      if (readiness.ready) analyzers[stage.name] = readiness.spec;
    }
    const device = this.deviceSetting;
    const client = new ModelProcessClient({
      ...(clip ? { clip } : {}),
      ...(caption ? { caption } : {}),
      ...(ask ? { ask } : {}),
      analyzers,
      device,
      threads: defaultThreadCount(os.availableParallelism()),
      thumbnailsDir: this.layout.thumbnails,
    });
    const starting = client.start(); // spawns the process now
    spawned();
    const report = await starting;
    markTiming('model-ready');
    // For `photobind status`, which reads it instead of starting a process ([Note: status without the model process]).
    // A reading command writes nothing ([Note: read-only library access]); the next writer records it.
    if (clip && !this.options.readOnly) await writeDeviceState(this.layout.deviceState, report, device);
    this.modelClientClip = clipId;
    return client;
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

  /**
   * Runs an index pass or a model switch holding the library lock, on what other processes committed
   * before it ([Note: one writer per library]). Shared with a command that already holds it.
   */
  private async holdingLibrary<T>(work: () => Promise<T>): Promise<T> {
    if (this.options.readOnly) throw new Error(`The library ${this.layout.root} was opened read-only (for a reading command); open it again to index or switch models.`);
    const tell = this.options.onLibraryBusy ?? ((message: string) => void process.stderr.write(`photobind: ${message}\n`));
    const lock = await acquireLibraryLock(this.layout.root, { command: lockHolderName(), onWait: (_holder, message) => tell(message) });
    try {
      await this.store.refresh();
      await this.ledger.refresh();
      return await work();
    } finally {
      await lock.release();
    }
  }

  /** Keeps one row per path (rows left twice by concurrent writers); a writer calls it holding the library lock. */
  repairDuplicates(): Promise<number> {
    return this.store.repairDuplicatePaths();
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
    if (!client.canEmbed) throw this.searchModelMissing ?? new ModelUnavailableError(`The search model ${this.activeSearchModel} is not installed.`);
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
    this.faces.close();
    this.store.close();
    this.ledger.close();
    this.moments.close();
    (await this.textLines?.catch(() => undefined))?.close();
  }
}

/** The catalog's vector size of a search model (null for a model the catalog does not size). */
function searchModelDimension(id: string): number | null {
  try {
    return getModelEntry(id).embeddingDim ?? null;
  } catch {
    return null;
  }
}

/** Records which weights the active search model has (see PhotoStoreRepository.recordSearchModelRevision). */
async function recordRevision(store: PhotoStoreRepository, locator: ModelLocatorService): Promise<void> {
  const active = store.searchModelId;
  const revision = active ? await locator.revision(active).catch(() => null) : null;
  if (revision) await store.recordSearchModelRevision(revision);
}
