// Actions on photos' files, from the selection bar and the photo view: remove from the library (never from
// disk) with Undo, and show in folder (the file manager in Electron; the folder paths to copy in a browser).
import type { PhotobindClient } from '$common/api/photobind.contract.ts';
import type { Photo } from '$common/photo.types.ts';
import { messageOf } from './errors.ts';

/** Folders shown at most in one go (each opens a file-manager window). */
const MAX_FOLDERS_SHOWN = 5;

export class PhotoActionsState {
  private readonly api: PhotobindClient;
  private readonly showItemInFolder: ((path: string) => Promise<boolean>) | null;
  /** What the last removal or undo did ("Removed 3 photos…"), shown with Undo while `undoable` is not empty. */
  notice = $state<string | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** The paths the last removal took out (Undo puts them back). */
  undoable = $state.raw<string[]>([]);

  /** Whether the shell can open the file manager (Electron); a browser gets the folder paths instead. */
  readonly canShowInFolder: boolean;

  /** Reloads what removal changes besides the grid (albums, favourites). */
  private readonly afterChange: () => Promise<void>;

  constructor(api: PhotobindClient, showItemInFolder: ((path: string) => Promise<boolean>) | null, afterChange: () => Promise<void> = async () => {}) {
    this.api = api;
    this.afterChange = afterChange;
    this.showItemInFolder = showItemInFolder;
    this.canShowInFolder = showItemInFolder !== null;
  }

  /** Takes photos out of the library; their files stay on disk. Returns whether any was removed. */
  async removeFromLibrary(photos: readonly Photo[]): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      const { removed } = await this.api.library.removePhotos({ paths: photos.map((p) => p.path) });
      this.undoable = removed.map((r) => r.path);
      const n = removed.length;
      await this.afterChange();
      this.notice = `Removed ${n === 1 ? 'a photo' : `${n.toLocaleString()} photos`} from the library. ${n === 1 ? 'The file is' : 'The files are'} still on disk.`;
      return n > 0;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Puts the photos of the last removal back (indexed again, in their albums and favourites). */
  async undo(): Promise<void> {
    const paths = this.undoable;
    if (paths.length === 0) return;
    this.busy = true;
    this.error = null;
    try {
      const { restored } = await this.api.library.restorePhotos({ paths });
      this.undoable = [];
      await this.afterChange();
      this.notice = `Put back ${restored.length === 1 ? 'the photo' : `${restored.length.toLocaleString()} photos`}.`;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = false;
    }
  }

  dismiss(): void {
    this.notice = null;
    this.error = null;
    this.undoable = [];
  }

  /** The folders that hold these photos, each once, in order. */
  foldersOf(photos: readonly Photo[]): string[] {
    return photos.map((p) => p.folder).filter((folder, i, all) => all.indexOf(folder) === i);
  }

  /** Shows the photos in the file manager, one window per folder (Electron only); false when it could not. */
  async showInFolder(photos: readonly Photo[]): Promise<boolean> {
    if (!this.showItemInFolder) return false;
    const firstInFolder = photos.filter((photo, i) => photos.findIndex((p) => p.folder === photo.folder) === i);
    this.error = null;
    let shown = 0;
    for (const photo of firstInFolder.slice(0, MAX_FOLDERS_SHOWN)) if (await this.showItemInFolder(photo.path)) shown++;
    if (shown === 0) this.error = 'The file manager could not show that photo (is its drive plugged in?).';
    return shown > 0;
  }

  /** The folder paths, one a line, on the clipboard (a browser's "show in folder"). */
  async copyFolders(photos: readonly Photo[]): Promise<string | null> {
    const folders = this.foldersOf(photos);
    try {
      await navigator.clipboard.writeText(folders.join('\n'));
      return folders.length === 1 ? 'Copied the folder path' : `Copied ${folders.length} folder paths`;
    } catch (error) {
      this.error = `The clipboard refused the folder path: ${messageOf(error)}`;
      return null;
    }
  }
}
