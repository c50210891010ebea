// The library and its folders, for the CLI and the app alike: one set of rules for adding a folder, the
// photos and problems the library knows, and its settings. Front doors (cli/, api/, web/) call this,
// never the store or the settings file (see docs/architecture.md, "Application layer").
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Photo, PhotoProblemRecord } from '../../../common/photo.types.ts';
import { isInside } from '../shared/path-inside.ts';
import type { PhotoQuery } from '../storage/photo-filters.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import type { LibraryLayout } from './library-location.ts';
import { LibrarySettingsRepository, type LibrarySettings } from './library-settings.repository.ts';

export type { LibrarySettings };

/** A folder that cannot be added, with the sentence that says why (the API maps it to 'bad-folder'). */
export class FolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderError';
  }
}

export interface CheckFolderOptions {
  /** Resolve relative paths against this folder (the CLI's working folder); without it they are refused. */
  base?: string;
  /** A folder inside the library folder that may be added all the same (the demo album). */
  allowedInsideLibrary?: string;
}

/** The result of adding folders: the roots now in the library, and folders that were already part of one. */
export interface AddedFolders {
  /** Real paths of the folders asked for, in order (each to be indexed). */
  folders: string[];
  /** Folders that were already inside a library folder: indexed, but not added as folders of their own. */
  alreadyIn: Array<{ folder: string; root: string; message: string }>;
  roots: string[];
}

export class LibraryService {
  private readonly settingsRepo: LibrarySettingsRepository;

  constructor(
    private readonly store: PhotoStoreRepository,
    readonly layout: LibraryLayout,
    /** Forgets the photos removed from the library inside a folder that leaves it ([Note: removing a photo from the library]). */
    private readonly forgetRemovedUnder: (folder: string) => Promise<unknown> = () => Promise.resolve(),
  ) {
    this.settingsRepo = new LibrarySettingsRepository(layout.settings);
  }

  settings(): Promise<LibrarySettings> {
    return this.settingsRepo.read();
  }

  updateSettings(change: (settings: LibrarySettings) => LibrarySettings): Promise<LibrarySettings> {
    return this.settingsRepo.update(change);
  }

  /**
   * Checks a folder typed or picked by the user: it exists, is a folder, can be read and is not inside
   * Photobind's own library folder. Returns its real absolute path; throws FolderError with the sentence.
   */
  async checkFolder(typed: string, options: CheckFolderOptions = {}): Promise<string> {
    const expanded = expandHome(typed.trim());
    if (!path.isAbsolute(expanded) && !options.base) throw new FolderError(`"${typed}" is not a full path; give the whole path of the folder, e.g. ${path.join(os.homedir(), 'Pictures')}.`);
    const absolute = path.resolve(options.base ?? '/', expanded);
    const stat = await fs.stat(absolute).catch((error: NodeJS.ErrnoException) => error);
    if (stat instanceof Error) {
      if (stat.code === 'ENOENT' || stat.code === 'ENOTDIR') throw new FolderError(`The folder ${typed} does not exist; check the path (or plug in its drive).`);
      if (stat.code === 'EACCES' || stat.code === 'EPERM') throw new FolderError(`Photobind may not read ${typed}; check the folder's permissions.`);
      throw new FolderError(`The folder ${typed} cannot be read (${stat.code ?? stat.message}).`);
    }
    if (!stat.isDirectory()) throw new FolderError(`${typed} is a file, not a folder; give the folder that holds your photos.`);
    const real = await fs.realpath(absolute);
    await fs.access(real, fs.constants.R_OK | fs.constants.X_OK).catch(() => {
      throw new FolderError(`Photobind may not read ${typed}; check the folder's permissions.`);
    });
    const libraryDir = await fs.realpath(this.layout.root).catch(() => this.layout.root);
    if ((real === libraryDir || isInside(real, libraryDir)) && real !== options.allowedInsideLibrary) {
      throw new FolderError(`${typed} is inside Photobind's own library folder (${libraryDir}); add the folder where your photos are.`);
    }
    return real;
  }

  /** The library folder that already contains `folder`, if any (then adding it adds nothing new). */
  async containingRoot(folder: string): Promise<string | undefined> {
    return (await this.settings()).roots.find((root) => root !== folder && isInside(folder, root));
  }

  /**
   * Adds folders to the library (checked with checkFolder). A folder inside an existing library folder
   * is not added again (it is already watched and indexed as part of it); a folder that contains
   * existing library folders takes their place (their photos stay: same paths).
   */
  async addFolders(typed: string[], options: CheckFolderOptions = {}): Promise<AddedFolders> {
    const folders: string[] = [];
    for (const entry of typed) folders.push(await this.checkFolder(entry, options));
    const alreadyIn: AddedFolders['alreadyIn'] = [];
    const next = await this.updateSettings((s) => {
      let roots = [...s.roots];
      for (const [i, folder] of folders.entries()) {
        const parent = roots.find((root) => root !== folder && isInside(folder, root));
        if (parent) {
          alreadyIn.push({ folder, root: parent, message: alreadyInMessage(typed[i]!, parent) });
          continue;
        }
        roots = [...roots.filter((root) => !isInside(root, folder) && root !== folder), folder];
      }
      return { ...s, roots };
    });
    return { folders, alreadyIn, roots: next.roots };
  }

  /** Removes a library folder: its photos and problems leave the library (never the disk). */
  async removeFolder(root: string): Promise<boolean> {
    const roots = (await this.settings()).roots;
    if (!roots.includes(root)) return false;
    await this.updateSettings((s) => ({ ...s, roots: s.roots.filter((r) => r !== root) }));
    const gone = await this.store.pathsUnder(root);
    await this.store.deletePhotos(gone);
    const problems = [...(await this.store.problemMap()).keys()].filter((p) => isInside(p, root));
    await this.store.clearProblems([...gone, ...problems]);
    // The library forgets everything of the folder, its removed photos too: added again, it comes back whole.
    await this.forgetRemovedUnder(root);
    return true;
  }

  photo(photoPath: string): Promise<Photo | null> {
    return this.store.getPhoto(photoPath);
  }

  /** Stored photos with these bytes (copies share a content hash), at most `limit`. */
  photosWithContent(contentHash: string, limit = 8): Promise<Photo[]> {
    return this.store.listPhotos({ contentHashes: [contentHash] }, limit);
  }

  countPhotos(query?: PhotoQuery): Promise<number> {
    return this.store.countPhotos(query);
  }

  /** Files that could not be indexed, sorted by path. */
  async problems(): Promise<PhotoProblemRecord[]> {
    return [...(await this.store.problemMap()).values()]
      .sort((a, b) => a.path.localeCompare(b.path))
      .map(({ path: p, kind, reason, permanent }) => ({ path: p, kind, reason, permanent }));
  }

  async problem(filePath: string): Promise<PhotoProblemRecord | null> {
    const found = (await this.store.problemMap()).get(filePath);
    return found ? { path: found.path, kind: found.kind, reason: found.reason, permanent: found.permanent } : null;
  }
}

/** The sentence for a folder that is already part of a library folder (CLI note and API error alike). */
export function alreadyInMessage(typed: string, root: string): string {
  return `${typed} is already in the library, as part of ${root}.`;
}

function expandHome(typed: string): string {
  if (typed === '~') return os.homedir();
  if (typed.startsWith('~/') || typed.startsWith(`~${path.sep}`)) return path.join(os.homedir(), typed.slice(2));
  return typed;
}

/** The settings of a library that is not open (e.g. `photobind models list`). */
export function readLibrarySettings(layout: LibraryLayout): Promise<LibrarySettings> {
  return new LibrarySettingsRepository(layout.settings).read();
}
