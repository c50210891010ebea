// What a grid tile shows beside its thumbnail: a video's duration, a live or motion photo's "Live" badge.
// Asked for a page of tiles at a time, so it reads only stored facts, folder listings and a JPEG's first bytes.
import path from 'node:path';
import type { Photo } from '../../../common/photo.types.ts';
import { folderNames, hasMotionHint } from './motion-photo.ts';
import { isVideoFormat } from './video-format.ts';
import type { PlaybackLibrary } from './video-playback.service.ts';

export interface MediaBadge {
  contentHash: string;
  /** A video's length in seconds (null: not a video, or its length is not known yet). */
  duration: number | null;
  /** A still with motion: a live photo's paired video or a motion photo's embedded MP4. */
  live: boolean;
}

export class MediaBadgesService {
  constructor(private readonly library: PlaybackLibrary) {}

  async badges(contentHashes: readonly string[]): Promise<MediaBadge[]> {
    // One listing per folder for the whole page (live photos pair by name within their folder).
    const listings = new Map<string, Promise<string[]>>();
    const namesOf = (item: Photo) => {
      const dir = path.dirname(item.path);
      let names = listings.get(dir);
      if (!names) listings.set(dir, (names = folderNames(dir)));
      return names;
    };
    return Promise.all(
      [...new Set(contentHashes)].map(async (contentHash): Promise<MediaBadge> => {
        const items = await this.library.photosWithContent(contentHash);
        if (items.some((item) => isVideoFormat(item.format))) {
          const facts = await this.library.videoFacts(contentHash);
          return { contentHash, duration: facts?.duration ?? null, live: false };
        }
        for (const item of items) if (await hasMotionHint(item.path, await namesOf(item)).catch(() => false)) return { contentHash, duration: null, live: true };
        return { contentHash, duration: null, live: false };
      }),
    );
  }
}
