// Resolves a media URL (/photo/<hash>, /thumb/<hash>, /video/<hash>, /preview/<hash>, /motion/<hash>) to a file of the library, or to nothing.
// Used by the web server's routes and by Electron's custom protocol (through the core host), so both
// serve only files the store knows; a path sent by a client is never opened.
import fs from 'node:fs/promises';
import type { MediaKind } from '../../../common/api/media-routes.ts';
import type { PhotobindCore } from '../photobind-core.ts';
import { thumbnailPath } from '../library/thumbnail-path.ts';
import { isVideoFormat, videoMimeType } from '../video/video-format.ts';

export interface ResolvedMedia {
  file: string;
  contentType: string;
}

/** Formats every browser shows natively; others (HEIC, RAW, TIFF) are shown through their thumbnail. */
const BROWSER_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

export async function resolveMedia(core: PhotobindCore, kind: MediaKind, contentHash: string): Promise<ResolvedMedia | null> {
  if (!/^[0-9a-f]+$/.test(contentHash)) return null;
  const photos = await core.library.photosWithContent(contentHash, 8);
  if (photos.length === 0) return null;
  if (kind === 'preview' || kind === 'motion') {
    // A video's transcoded preview once ready, a still's motion made playable ([Note: playing videos]).
    const file = kind === 'preview' ? core.playback.previewFile(contentHash) : (await core.playback.motion(contentHash).catch(() => null))?.file;
    return file && (await isFile(file)) ? { file, contentType: videoMimeType(file) } : null;
  }
  if (kind === 'video') {
    for (const item of photos) if (isVideoFormat(item.format) && (await isFile(item.path))) return { file: item.path, contentType: videoMimeType(item.path) };
    return null;
  }
  const thumbnail = thumbnailPath(core.layout.thumbnails, contentHash);
  const hasThumbnail = await isFile(thumbnail);
  if (kind === 'thumb' && hasThumbnail) return { file: thumbnail, contentType: 'image/jpeg' };
  for (const photo of photos) {
    const type = BROWSER_TYPES[photo.format];
    if (type && (await isFile(photo.path))) return { file: photo.path, contentType: type };
  }
  return hasThumbnail ? { file: thumbnail, contentType: 'image/jpeg' } : null;
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isFile(), () => false);
}
