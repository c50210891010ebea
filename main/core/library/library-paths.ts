// How a path a person types is matched to the path the library stores, the same way for every command.
// [Note: symlinked folders]
// The scanner keeps the path it walked: a photo in a symlinked folder inside a root is stored under the
// link's name (root/linked/x.jpg), while a root given as a link is resolved first (its photos are stored
// under the real folder). So a typed path may match the stored one as written, or only once its links
// are resolved. Every lookup by a typed path (search terms, similar, info, caption, caption --edit) tries
// both, in that order, so a photo found by search can also be captioned (caption used to resolve links
// only, and missed every photo stored under a link's name). Not covered: the real path of a photo that
// is stored under a link's name (that would need a map from real folders back to links).
import fs from 'node:fs/promises';
import path from 'node:path';

/** The absolute path as written, then with symlinks resolved (when that differs and exists). */
export async function storedPathCandidates(typed: string): Promise<string[]> {
  const absolute = path.resolve(typed);
  const real = await fs.realpath(absolute).catch(() => absolute);
  return real === absolute ? [absolute] : [absolute, real];
}

/** The first candidate for which `known` says yes (e.g. "is in the store"), else null. */
export async function findStoredPath(typed: string, known: (candidate: string) => Promise<boolean>): Promise<string | null> {
  for (const candidate of await storedPathCandidates(typed)) if (await known(candidate)) return candidate;
  return null;
}
