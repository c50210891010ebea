// Where a photo's thumbnail lives in the library's thumbnail cache: by content hash, fanned out by its first two characters.
import path from 'node:path';

export function thumbnailPath(thumbnailsDir: string, contentHash: string): string {
  return path.join(thumbnailsDir, contentHash.slice(0, 2), `${contentHash}.jpg`);
}
