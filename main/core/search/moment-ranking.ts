// Folds video moments into a ranking of library items: each video once, scored by its best moment, with that moment's time.
import type { Photo, SearchHit } from '../../../common/photo.types.ts';
import type { MomentHit } from '../storage/moments.repository.ts';
import { isVideoFormat } from '../video/video-format.ts';

// [Note: a video ranks by its best moment]
// A video is one library item (a row like a photo's, whose vector stands for the whole video) plus its
// moments (one vector per sampled frame, storage/moments.repository.ts). A query is compared with both:
// a video scores as the best of its row and its best moment, and a hit for it carries the time of that
// moment so the app can open the video there and the CLI can print it. A video found only through a
// moment joins the ranking if its row passes the search's filters (folder, dates, camera, area).

/**
 * Merges the nearest items (`hits`, best first) with the best moment per video (`moments`) and the rows
 * of those videos that pass the filters (`videoRows`). Returns best first, each item once.
 */
export function mergeMomentHits(hits: readonly SearchHit[], moments: readonly MomentHit[], videoRows: readonly Photo[]): SearchHit[] {
  const bestByHash = new Map<string, MomentHit>();
  for (const moment of moments) {
    const seen = bestByHash.get(moment.contentHash);
    if (!seen || moment.score > seen.score) bestByHash.set(moment.contentHash, moment);
  }
  const merged = new Map<string, SearchHit>();
  const add = (photo: Photo, score: number): void => {
    const moment = isVideoFormat(photo.format) ? bestByHash.get(photo.contentHash) : undefined;
    const hit: SearchHit = moment && moment.score >= score ? { photo, score: moment.score, time: moment.time } : { photo, score, ...(moment ? { time: moment.time } : {}) };
    const seen = merged.get(photo.path);
    if (!seen || hit.score > seen.score) merged.set(photo.path, hit);
  };
  for (const hit of hits) add(hit.photo, hit.score);
  for (const row of videoRows) {
    const moment = bestByHash.get(row.contentHash);
    if (moment && !merged.has(row.path)) add(row, moment.score);
  }
  return [...merged.values()].sort((a, b) => b.score - a.score);
}
