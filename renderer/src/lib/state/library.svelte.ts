// Library state: the overview (folders, counts), facets for the filter chips, the problems list, and
// the actions on folders. Kept in step by onDidChangeLibrary.
import type { LibraryFacets, LibraryOverview, PhotobindClient } from '$common/api/photobind.contract.ts';
import type { PhotoProblemRecord } from '$common/photo.types.ts';
import { ApiError } from '$common/api/api-error.ts';
import { messageOf } from './errors.ts';

export class LibraryState {
  overview = $state.raw<LibraryOverview | null>(null);
  facets = $state.raw<LibraryFacets>({ folders: [], cameras: [], firstDate: null, lastDate: null });
  problems = $state.raw<PhotoProblemRecord[]>([]);
  /** The last folder action's error, shown in place (e.g. in the add-folder dialog). */
  folderError = $state<string | null>(null);
  busy = $state(false);
  /** Set when a folder would be indexed by the library's toy demo models: the dialog asks first. */
  demoModelsQuestion = $state.raw<{ path: string; message: string } | null>(null);
  /** Bumped whenever photos were added or removed, so pages of the grid reload. */
  version = $state(0);

  readonly isEmpty = $derived(this.overview !== null && this.overview.photoCount === 0 && this.overview.roots.length === 0);
  readonly offlineRoots = $derived(this.overview?.roots.filter((r) => !r.online) ?? []);

  private readonly api: PhotobindClient;

  constructor(api: PhotobindClient) {
    this.api = api;
    api.on('onDidChangeLibrary', (overview) => {
      this.overview = overview;
      this.version++;
      void this.loadFacets();
    });
  }

  async load(): Promise<void> {
    this.overview = await this.api.library.overview({});
    await Promise.all([this.loadFacets(), this.loadProblems()]);
  }

  async loadFacets(): Promise<void> {
    this.facets = await this.api.library.facets({});
  }

  async loadProblems(): Promise<void> {
    this.problems = (await this.api.library.problems({})).problems;
  }

  /** Adds a folder; returns true when indexing started, false with folderError set otherwise. */
  async addFolder(path: string, allowDemoModels = false): Promise<boolean> {
    this.folderError = null;
    this.demoModelsQuestion = null;
    this.busy = true;
    try {
      await this.api.library.addFolder({ path, ...(allowDemoModels ? { allowDemoModels } : {}) });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'needs-confirmation') this.demoModelsQuestion = { path, message: error.message };
      else this.folderError = messageOf(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** The answer "use the real models": the demo album leaves, the library switches to the default set, then the folder is added. */
  async addWithRealModels(path: string): Promise<boolean> {
    this.demoModelsQuestion = null;
    this.folderError = null;
    this.busy = true;
    try {
      for (const root of this.overview?.roots.filter((r) => r.isDemo) ?? []) this.overview = await this.api.library.removeFolder({ path: root.path });
      await this.api.settings.setModelSet({ modelSet: 'default' });
      this.overview = await this.api.library.overview({});
      this.version++;
    } catch (error) {
      this.folderError = messageOf(error);
      return false;
    } finally {
      this.busy = false;
    }
    return this.addFolder(path);
  }

  async removeFolder(path: string): Promise<void> {
    this.folderError = null;
    try {
      this.overview = await this.api.library.removeFolder({ path });
      this.version++;
    } catch (error) {
      this.folderError = messageOf(error);
    }
  }

  async openDemoAlbum(): Promise<void> {
    this.folderError = null;
    this.busy = true;
    try {
      await this.api.library.openDemoAlbum({});
    } catch (error) {
      this.folderError = messageOf(error);
    } finally {
      this.busy = false;
    }
  }

  clearError(): void {
    this.folderError = null;
  }
}
