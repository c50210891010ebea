// Removing photos from the library (never from disk) and putting them back: the rows, thumbnails, stage
// ledger, analyses and album places go; the file stays, and index passes leave it out until it is restored.
import fs from 'node:fs/promises';
import { isInside } from '../shared/path-inside.ts';
import type { ScannedFile } from '../indexer/folder-scanner.ts';
import type { PhotoStoreRepository } from '../storage/photo-store.repository.ts';
import type { RemovedPhoto, RemovedPhotosRepository } from '../storage/removed-photos.repository.ts';

// [Note: removing a photo from the library]
// "Remove from library" never touches the file. It takes the photo's row and problems out of the store and
// records the path in `removed-photos.json` (storage/removed-photos.repository.ts), which every index pass
// and the watcher consult (IndexService, VideoIndexService): a removed file is not scanned again, so it does
// not come back on the next `photobind index` or watcher event. What the library keeps per CONTENT (the
// thumbnail, stage-ledger entries, text read, faces, video moments, album memberships and the favourite
// mark) goes too, unless another copy of the same bytes is still in the library (then that copy keeps it).
// The entry remembers the photo's manual albums, favourite mark and caption, so restoring it puts them back.
// The way back is explicit: `restore` (the app's Undo and its "Removed from the library" list, `photobind
// remove --undo PATH`) takes the entry off the list and indexes the file again. `photobind index DIR` on its
// folder does not (people run it to catch up, not to undo). Removing the whole library folder forgets its
// entries, so adding that folder again later brings every photo back. The exclusion is by path: a copy of
// the file elsewhere, or the file moved to a new path, is a new file to the library. Chats about the photo
// (conversations/) are kept.
// Removal runs inside IndexService.exclusively, so no index pass writes between the list and the delete.

export interface PhotoRemovalParts {
  store: PhotoStoreRepository;
  removed: RemovedPhotosRepository;
  /** Runs work while no index pass runs (IndexService.exclusively: the library lock included). */
  exclusively: <T>(work: () => Promise<T>) => Promise<T>;
  /** Forgets what the library keeps per content: thumbnail, ledger, text, faces, moments, album places. */
  forgetContents: (contentHashes: string[]) => Promise<void>;
  /** Album places of contents (manual albums, favourite), and putting them back. */
  albums: {
    placesOf(contentHashes: readonly string[]): Promise<Map<string, { albums: string[]; favourite: boolean }>>;
    restoreContents(places: ReadonlyArray<{ contentHash: string; albums: readonly string[]; favourite: boolean }>): Promise<void>;
  };
  /** The library's folders. */
  roots: () => Promise<string[]>;
  /** Indexes these files now (IndexService.applyChanges). */
  reindex: (files: ScannedFile[]) => Promise<unknown>;
  /** Told after photos left or came back (the browsing catalog is rebuilt). */
  changed: () => void;
}

export interface RemovalResult {
  /** Photos taken out of the library (their files are untouched). */
  removed: Array<{ path: string; contentHash: string }>;
  /** Paths asked for that are not photos of the library. */
  notInLibrary: string[];
}

export interface RestoreResult {
  /** Paths taken off the removed list. */
  restored: string[];
  /** Of those, files indexed again now. */
  indexed: string[];
  /** Paths asked for that were not removed. */
  notRemoved: string[];
  /** Restored paths whose file is gone or outside the library's folders, with why (not indexed). */
  notIndexed: Array<{ path: string; reason: string }>;
}

export class PhotoRemovalService {
  constructor(private readonly parts: PhotoRemovalParts) {}

  /** Removes photos from the library (never from disk); see [Note: removing a photo from the library]. */
  remove(paths: readonly string[]): Promise<RemovalResult> {
    return this.parts.exclusively(async () => {
      const { store } = this.parts;
      const wanted = [...new Set(paths)];
      const byTyped = new Map<string, string>();
      const found = new Map((await store.listPhotos({ paths: wanted })).map((p) => [p.path, p]));
      // A path typed through a symlink names the same file as the library's real path.
      for (const typed of wanted) {
        if (found.has(typed)) byTyped.set(typed, typed);
        else {
          const real = await fs.realpath(typed).catch(() => null);
          if (real && real !== typed) {
            const photo = (await store.listPhotos({ paths: [real] }))[0];
            if (photo) {
              found.set(real, photo);
              byTyped.set(typed, real);
            }
          }
        }
      }
      const notInLibrary = wanted.filter((p) => !byTyped.has(p));
      const photos = [...found.values()];
      if (photos.length === 0) return { removed: [], notInLibrary };
      const hashes = [...new Set(photos.map((p) => p.contentHash))];
      const places = await this.parts.albums.placesOf(hashes);
      const removedAt = new Date().toISOString();
      // The list first: a kill after it leaves rows that the next pass drops as excluded, never a photo back.
      await this.parts.removed.add(
        photos.map((p) => ({
          path: p.path,
          contentHash: p.contentHash,
          removedAt,
          albums: places.get(p.contentHash)?.albums ?? [],
          favourite: places.get(p.contentHash)?.favourite ?? false,
          caption: p.caption ? { text: p.caption, model: p.captionModel, edited: p.captionEdited } : null,
        })),
      );
      const gonePaths = photos.map((p) => p.path);
      await store.deletePhotos(gonePaths);
      await store.clearProblems(gonePaths);
      const kept = new Set((await store.listPhotos({ contentHashes: hashes })).map((p) => p.contentHash));
      await this.parts.forgetContents(hashes.filter((h) => !kept.has(h)));
      this.parts.changed();
      return { removed: photos.map((p) => ({ path: p.path, contentHash: p.contentHash })), notInLibrary };
    });
  }

  /** The photos removed from the library, most recent first. */
  async list(): Promise<RemovedPhoto[]> {
    return (await this.parts.removed.list()).sort((a, b) => b.removedAt.localeCompare(a.removedAt));
  }

  /** Puts removed photos back: off the list, into their albums again, and indexed now. */
  async restore(paths: readonly string[]): Promise<RestoreResult> {
    // A path typed through a symlink names the same file as the library's real path.
    const candidates = new Map<string, string[]>();
    for (const typed of new Set(paths)) {
      const real = await fs.realpath(typed).catch(() => null);
      candidates.set(typed, real && real !== typed ? [typed, real] : [typed]);
    }
    const wanted = new Set([...candidates.values()].flat());
    const taken = await this.parts.removed.take((entry) => wanted.has(entry.path));
    const takenPaths = new Set(taken.map((e) => e.path));
    const notRemoved = [...candidates].filter(([, names]) => !names.some((n) => takenPaths.has(n))).map(([typed]) => typed);
    const { indexed, notIndexed } = await this.putBack(taken);
    return { restored: [...takenPaths], indexed, notRemoved, notIndexed };
  }

  /** Forgets the removed photos inside a folder that left the library (added again later, it comes back whole). */
  async forgetUnder(folder: string): Promise<string[]> {
    const taken = await this.parts.removed.take((entry) => isInside(entry.path, folder));
    return taken.map((e) => e.path);
  }

  private async putBack(taken: RemovedPhoto[]): Promise<{ indexed: string[]; notIndexed: RestoreResult['notIndexed'] }> {
    await this.parts.albums.restoreContents(taken);
    const roots = await this.parts.roots();
    const files: ScannedFile[] = [];
    const notIndexed: RestoreResult['notIndexed'] = [];
    for (const entry of taken) {
      const root = roots.find((r) => isInside(entry.path, r));
      const stat = await fs.stat(entry.path).catch(() => null);
      if (!stat?.isFile()) notIndexed.push({ path: entry.path, reason: `${entry.path} is not there any more; it was taken off the removed list, but there is nothing to index.` });
      else if (!root) notIndexed.push({ path: entry.path, reason: `${entry.path} is not inside a library folder any more; add its folder to index it.` });
      else files.push({ path: entry.path, root, size: stat.size, mtimeMs: stat.mtimeMs });
    }
    if (files.length > 0) await this.parts.reindex(files);
    // Its caption comes back as it was (a person's own caption above all): the new row has none of its own yet.
    const indexed = new Set(files.map((f) => f.path));
    const captions = taken.filter((e) => e.caption && indexed.has(e.path)).map((e) => ({ path: e.path, caption: e.caption!.text, captionModel: e.caption!.model, captionEdited: e.caption!.edited }));
    if (captions.length > 0) await this.parts.store.updateCaptions(captions);
    this.parts.changed();
    return { indexed: files.map((f) => f.path), notIndexed };
  }
}
