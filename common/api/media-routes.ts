// Pixel URLs: photos and thumbnails travel by URL (an HTTP route in web mode, a custom protocol in
// Electron), never over the call channel. The URL names a content hash, never a file path; the core
// looks the hash up in the library and serves only files that belong to it.
/**
 * `video` streams a library video (byte ranges); `thumb` of a video is its poster frame; `preview` is a video's
 * H.264 preview once transcoded and `motion` a live photo's motion ([Note: playing videos]).
 */
export type MediaKind = 'photo' | 'thumb' | 'video' | 'preview' | 'motion';
export interface MediaRoute {
  kind: MediaKind;
  contentHash: string;
}

/** A content fingerprint: lower-case hex (see main/core/indexer/content-fingerprint.ts). */
const HASH = /^[0-9a-f]{16,128}$/;

/** `/thumb/<hash>`, `/photo/<hash>` or `/video/<hash>`, appended to the transport's media base. */
export function mediaPath(kind: MediaKind, contentHash: string): string {
  return `/${kind}/${contentHash}`;
}

/** Parses a media path back; null for anything that is not exactly a media path. */
export function parseMediaPath(pathname: string): MediaRoute | null {
  const match = /^\/(photo|thumb|video|preview|motion)\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  const [, kind, hash] = match;
  if (!hash || !HASH.test(hash)) return null;
  return { kind: kind as MediaKind, contentHash: hash };
}
