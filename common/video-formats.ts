// Which library items are videos, by their `format` (the file's extension): shared by core and renderer.
export const VIDEO_FORMATS: ReadonlySet<string> = new Set(['mp4', 'mov', 'm4v', 'webm', 'mkv', 'avi']);

/** Whether a library item's `format` is a video's. */
export function isVideoFormat(format: string): boolean {
  return VIDEO_FORMATS.has(format.toLowerCase());
}
