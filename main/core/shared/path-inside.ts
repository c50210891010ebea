// Whether a path lies inside a folder: the one answer for library roots, the library's own folder,
// the renderer's files and paths shown relative to the working folder.
import path from 'node:path';

/** True when `file` lies strictly inside `folder` (at any depth); a path is not inside itself. */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** True when `file` is `folder` itself or lies inside it. */
export function isSameOrInside(file: string, folder: string): boolean {
  return path.resolve(file) === path.resolve(folder) || isInside(file, folder);
}

/** `file` relative to `from` (the working folder) when it lies inside it, else as it is. */
export function shownPath(file: string, from = process.cwd()): string {
  return isInside(file, from) ? path.relative(from, file) : file;
}
