// Models state: every catalog model with its state on this computer (installed, missing, downloading,
// paused, failed), downloads (bytes, rate, time left; pause, resume, cancel) and importing a model folder.
// Kept in step by onDidModelDownloadProgress and onDidChangeSettings (a model arrived).
import type { ModelDownloadState, ModelInfo, PhotobindClient } from '$common/api/photobind.contract.ts';
import { messageOf } from './errors.ts';

/** Where a model stands, in one word for the UI (and tests: data-model-state). */
export type ModelStateWord = 'installed' | 'downloading' | 'paused' | 'failed' | 'missing';

export function modelStateOf(model: ModelInfo): ModelStateWord {
  if (model.installed) return 'installed';
  const state = model.download?.state;
  if (state === 'downloading') return 'downloading';
  if (state === 'failed') return 'failed';
  // An interrupted download (paused now, or left by an earlier run of Photobind) resumes from its bytes.
  if (state === 'paused' || model.partialBytes > 0) return 'paused';
  return 'missing';
}

const ENDED: ReadonlySet<ModelDownloadState['state']> = new Set(['done', 'failed', 'cancelled', 'paused']);

export class ModelsState {
  models = $state.raw<ModelInfo[]>([]);
  /** The last action's error (a download refused, an import that failed), shown in place. */
  error = $state<string | null>(null);
  importing = $state(false);
  /** The session's choice to hide the "a model is missing" banner (Settings still lists them). */
  bannerHidden = $state(false);

  /** Models the library's model set uses that are not on this computer, the search model first. */
  readonly missing = $derived(
    this.models.filter((m) => m.neededByLibrary && !m.installed).sort((a, b) => Number(b.task === 'clip') - Number(a.task === 'clip')),
  );

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onDidModelDownloadProgress', (state) => this.applyDownload(state));
    api.on('onDidChangeSettings', () => void this.load());
  }

  async load(): Promise<void> {
    try {
      this.models = (await this.api.models.list({})).models;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  byId(id: string): ModelInfo | undefined {
    return this.models.find((m) => m.id === id);
  }

  /** Starts a download, or resumes one (also one an earlier run of Photobind left). */
  async download(id: string): Promise<void> {
    await this.act(async () => this.applyDownload((await this.api.models.download({ id })).download));
  }

  async pause(id: string): Promise<void> {
    await this.act(async () => this.applyDownload((await this.api.models.pause({ id })).download));
  }

  async cancel(id: string): Promise<void> {
    await this.act(async () => this.applyDownload((await this.api.models.cancel({ id })).download));
  }

  /** Imports a model folder; returns true when it was installed. */
  async importFolder(path: string, id: string): Promise<boolean> {
    this.error = null;
    this.importing = true;
    try {
      const { model } = await this.api.models.importFolder({ path, as: id });
      this.models = this.models.map((m) => (m.id === model.id ? model : m));
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.importing = false;
    }
  }

  private async act(run: () => Promise<void>): Promise<void> {
    this.error = null;
    try {
      await run();
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  private applyDownload(state: ModelDownloadState): void {
    this.models = this.models.map((m) => (m.id === state.id ? { ...m, download: state } : m));
    // The end of a download changes what is on disk (installed, partial bytes): read it again.
    if (ENDED.has(state.state)) void this.load();
  }
}
