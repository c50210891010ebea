// Which files are videos (by extension) for the scanner, the sampler and the media routes.
import path from 'node:path';
import { VIDEO_FORMATS } from '../../../common/video-formats.ts';

export { isVideoFormat } from '../../../common/video-formats.ts';

/** File extensions (lower case, with the dot) the scanner should consider as videos. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([...VIDEO_FORMATS].map((format) => `.${format}`));

/** Whether `filePath` has one of VIDEO_EXTENSIONS (case-insensitive). */
export function hasVideoExtension(filePath: string): boolean {
  return VIDEO_EXTENSIONS.has(path.extname(filePath).toLowerCase());
}

/** The `format` a library item of a video carries: its extension without the dot ('mp4', 'mov', ...). */
export function videoFormatOf(filePath: string): string {
  return path.extname(filePath).slice(1).toLowerCase();
}

/** The MIME type a browser needs to play the file (by extension), for range-request streaming. */
export function videoMimeType(filePath: string): string {
  switch (path.extname(filePath).toLowerCase()) {
    case '.webm': return 'video/webm';
    case '.mkv': return 'video/x-matroska';
    case '.avi': return 'video/x-msvideo';
    case '.mov': return 'video/quicktime';
    default: return 'video/mp4';
  }
}
